/**
 * A Staunch instance with mirrors, for the mirror suites: a replicator over memory targets whose
 * state rev is tracked from the start, the app built on it, and the mirror runners of a config's
 * `mirror:` list. Incidents are created, updated and resolved through the statusetat API, as a
 * client would. Imported by tests only.
 */
import { buildApp, type BuiltApp } from '../../src/app.ts';
import type { Config } from '../../src/config/parse.ts';
import { silentLogger } from '../../src/logger.ts';
import { prepareMirrors, type Mirrors } from '../../src/runtime/mirrors.ts';
import { createReplicator, type Replicator } from '../../src/replication/replicator.ts';
import { createMemoryDriver } from '../../storage-drivers/memory.ts';
import { readClock, TEST_CONFIG_YAML, TEST_NOW, type TestClock } from './domain-fixtures.ts';
import { parseConfig } from '../../src/config/parse.ts';
import { AUTH } from './test-app.ts';
import { uniqueSuffix } from './require-server.ts';

export interface MirroredInstance {
  config: Config;
  replicator: Replicator;
  built: BuiltApp;
  mirrors: Mirrors;
  clock: TestClock;
  /** GET from the app, as a visitor. */
  get(path: string): Promise<Response>;
  createIncident(title: string): Promise<string>;
  update(guid: string, body: object): Promise<void>;
  stop(): Promise<void>;
}

/** `mirrorYaml`: the `mirror:` list, e.g. `[{ to: "file:///tmp/x", debounce: 0s }]`. */
export async function startMirroredInstance(
  mirrorYaml: string,
  options: { targets?: string[]; now?: number } = {},
): Promise<MirroredInstance> {
  const clock: TestClock = { now: options.now ?? TEST_NOW };
  const config = parseConfig(`${TEST_CONFIG_YAML}\nmirror: ${mirrorYaml}\n`);
  const names = options.targets ?? [`mirror-${uniqueSuffix()}`];
  const replicator = createReplicator({
    drivers: names.map((name) => createMemoryDriver(new URL(`memory://${name}`))),
    pollIntervalMs: 0,
    syncIntervalMs: 0,
    healthIntervalMs: 0,
    now: readClock(clock),
  });
  const mirrors = prepareMirrors(config, replicator, silentLogger, { now: readClock(clock) });
  await replicator.start();
  const built = buildApp({
    config,
    store: replicator,
    logger: silentLogger,
    startedAt: new Date(clock.now),
    version: 'test',
    now: readClock(clock),
  });
  const request = (path: string, init: RequestInit = {}) =>
    Promise.resolve(built.app.request(`http://localhost${path}`, init));
  const write = async (method: string, path: string, body: object) => {
    const response = await request(path, {
      method,
      headers: { Authorization: AUTH.admin, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { guid: string };
  };
  return {
    config,
    replicator,
    built,
    mirrors,
    clock,
    get: (path) => request(path),
    async createIncident(title) {
      const created = await write('POST', '/v1/incidents', {
        state: 0,
        component_state: 3,
        components: ['Public - API'],
        messages: [{ title, content: `${title}: we are looking into it.` }],
      });
      return created.guid;
    },
    async update(guid, body) {
      await write('PUT', `/v1/incidents/${guid}`, body);
    },
    async stop() {
      await mirrors.stop();
      await replicator.stop();
    },
  };
}
