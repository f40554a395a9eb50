/**
 * Test harness for the HTTP APIs: the real app (createApp) over real replicators sharing
 * `memory://` targets, with credentials for each configured principal. Imported by tests only.
 */
import { createApp } from '../../src/app.ts';
import type { Config } from '../../src/config/parse.ts';
import { silentLogger } from '../../src/logger.ts';
import {
  readClock,
  startReplicas,
  TEST_NOW,
  testConfig,
  type Replicas,
  type TestClock,
} from './domain-fixtures.ts';

export const AUTH = {
  admin: `Basic ${btoa('admin:s3cret-password')}`,
  wrongPassword: `Basic ${btoa('admin:wrong')}`,
  reader: 'Bearer reader-token-0123456789',
  writer: 'Bearer writer-token-0123456789',
  hashedWriter: 'Bearer hashed-token-0123456789',
  root: 'Bearer admin-token-0123456789',
  unknownToken: 'Bearer not-a-configured-token',
} as const;

export interface TestApp {
  replicas: Replicas;
  /** One app per replica, as separate instances of the service. */
  apps: ReturnType<typeof createApp>[];
  app: ReturnType<typeof createApp>;
  /** Moves every app's clock (TEST_NOW unless `now` is given). */
  clock: TestClock;
  request(
    path: string,
    init?: RequestInit & { auth?: string; json?: unknown },
    instance?: number,
  ): Promise<Response>;
  stop(): Promise<void>;
}

/** `writeDelayMs`: every target answers writes that late (see startReplicas). */
export async function startTestApp(
  options: { instances?: number; config?: Config; now?: number; writeDelayMs?: number } = {},
): Promise<TestApp> {
  const clock: TestClock = { now: options.now ?? TEST_NOW };
  const replicas = await startReplicas(
    options.instances ?? 1,
    2,
    readClock(clock),
    options.writeDelayMs,
  );
  const config = options.config ?? testConfig();
  // Instances started at different moments, as real ones do.
  const apps = replicas.stores.map((store, i) =>
    createApp({
      config,
      store,
      logger: silentLogger,
      startedAt: new Date(clock.now - i * 60_000),
      version: 'test',
      now: readClock(clock),
    }),
  );
  return {
    replicas,
    apps,
    app: apps[0]!,
    clock,
    request(path, init = {}, instance = 0) {
      const { auth, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (auth) headers.set('Authorization', auth);
      if (json !== undefined) {
        if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
        rest.body = JSON.stringify(json);
      }
      return Promise.resolve(
        apps[instance]!.request(`http://localhost${path}`, { ...rest, headers }),
      );
    },
    stop: () => replicas.stop(),
  };
}
