/**
 * The real app with one agent cluster (`prod-eu`), a controllable clock and a count of the
 * store's writes, for the cluster health suites: `push` sends a snapshot through the agents' API
 * as an agent does, `request` calls any route. Imported by tests only.
 */
import { serve, type ServerType } from '@hono/node-server';
import { buildApp, type BuiltApp } from '../../src/app.ts';
import type { Config } from '../../src/config/parse.ts';
import type { ClusterSnapshot } from '../../src/cluster/snapshot-schema.ts';
import { silentLogger } from '../../src/logger.ts';
import type { Mutation } from '../../src/replication/types.ts';
import {
  readClock,
  startReplicas,
  TEST_NOW,
  testConfig,
  type Replicas,
  type TestClock,
} from './domain-fixtures.ts';

export const AGENT_TOKEN = 'prod-eu-agent-token-0123456789';
export const HEARTBEAT_TOKEN = 'heartbeat-token-0123';
export const ADMIN_AUTH = `Basic ${btoa('admin:s3cret-password')}`;

export interface HealthApp {
  built: BuiltApp;
  clock: TestClock;
  replicas: Replicas;
  /** Every write's mutations, in order. */
  writes: Mutation[][];
  push(snapshot: ClusterSnapshot): Promise<Response>;
  request(path: string, init?: RequestInit & { auth?: string }): Promise<Response>;
  /** Serves the app on 127.0.0.1 (port 0) for an agent to push to; returns its URL. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

export function healthConfig(extra: Partial<Config['cluster_health']> = {}): Config {
  const base = testConfig();
  return {
    ...base,
    agents: [{ cluster: 'prod-eu', token: AGENT_TOKEN }],
    cluster_health: {
      ...base.cluster_health,
      ...extra,
      heartbeat: { ...base.cluster_health.heartbeat, token: HEARTBEAT_TOKEN, ...extra.heartbeat },
    },
  };
}

export async function startHealthApp(
  options: { config?: Config; now?: number } = {},
): Promise<HealthApp> {
  const clock: TestClock = { now: options.now ?? TEST_NOW };
  const replicas = await startReplicas(1, 1, readClock(clock));
  const store = replicas.stores[0]!;
  const writes: Mutation[][] = [];
  const write = store.write.bind(store);
  store.write = (mutations) => {
    writes.push(mutations);
    return write(mutations);
  };
  const built = buildApp({
    config: options.config ?? healthConfig(),
    store,
    logger: silentLogger,
    startedAt: new Date(clock.now),
    version: 'test',
    now: readClock(clock),
  });
  let server: ServerType | undefined;
  const request = (path: string, init: RequestInit & { auth?: string } = {}) => {
    const { auth, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (auth) headers.set('Authorization', auth);
    return Promise.resolve(built.app.request(`http://localhost${path}`, { ...rest, headers }));
  };
  return {
    built,
    clock,
    replicas,
    writes,
    request,
    push: (snapshot) =>
      request('/api/agent/v1/snapshots', {
        method: 'POST',
        auth: `Bearer ${AGENT_TOKEN}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(snapshot),
      }),
    listen: () =>
      new Promise((resolve) => {
        server = serve({ fetch: built.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
          resolve(`http://127.0.0.1:${info.port}`),
        );
      }),
    async stop() {
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      await replicas.stop();
    },
  };
}
