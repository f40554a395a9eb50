/**
 * Test fixtures for the domain and the APIs built on it: real replicators over shared
 * `memory://` targets (so two "app instances" see the same storage), and a small config.
 * Imported by tests only.
 */
import { parseConfig, type Config } from '../../src/config/parse.ts';
import { createReplicator } from '../../src/replication/replicator.ts';
import type { Replicator } from '../../src/replication/types.ts';
import { createMemoryDriver } from '../../storage-drivers/memory.ts';
import { createFaultyDriver } from './faulty-driver.ts';
import type { DomainContext } from '../../src/domain/context.ts';
import type { Actor } from '../../src/domain/types.ts';
import { domainSettings } from '../../src/domain/read-model.ts';

let run = 0;

/**
 * The instant tests run at unless they choose one: a mid-month noon, weeks from a month's end and
 * from any DST change, so no test depends on the day the suite happens to run.
 */
export const TEST_NOW = Date.UTC(2026, 10, 21, 12);

/** A clock tests move by hand: `now()` reads `clock.now`. */
export interface TestClock {
  now: number;
}

export const readClock = (clock: TestClock) => () => clock.now;

export interface Replicas {
  /** One replicator per simulated app instance, all over the same targets. */
  stores: Replicator[];
  /** The memory target names, for reading what each target holds. */
  targets: string[];
  /** Make every instance see every other's writes (what polling does every few seconds). */
  exchange(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `now` also drives the revs' wall clock, so rev times and record times tell the same story.
 * `writeDelayMs` makes every target answer writes that late, as a network target does: without
 * it a memory write completes before a concurrent request gets to read.
 */
export async function startReplicas(
  instances = 1,
  targetCount = 2,
  now: () => number = () => TEST_NOW,
  writeDelayMs = 0,
): Promise<Replicas> {
  const prefix = `domain-test-${process.pid}-${++run}-${Math.random().toString(36).slice(2, 8)}`;
  const targets = Array.from({ length: targetCount }, (_, i) => `${prefix}-t${i}`);
  const stores = Array.from({ length: instances }, () =>
    createReplicator({
      drivers: targets.map((name) => {
        const driver = createFaultyDriver(createMemoryDriver(new URL(`memory://${name}`)));
        if (writeDelayMs > 0) driver.setMode({ delayMs: writeDelayMs }, ['put']);
        return driver;
      }),
      // Timers off: tests decide when instances exchange writes.
      pollIntervalMs: 0,
      syncIntervalMs: 0,
      healthIntervalMs: 0,
      now,
    }),
  );
  await Promise.all(stores.map((s) => s.start()));
  return {
    stores,
    targets,
    async exchange() {
      await Promise.all(stores.map((s) => s.settle()));
      await Promise.all(stores.map((s) => s.pollOnce()));
    },
    async stop() {
      await Promise.all(stores.map((s) => s.stop()));
    },
  };
}

export const TEST_CONFIG_YAML = `
username: admin
password: s3cret-password
base_info:
  base_url: https://status.example.test/
  title: Example
  time_zone: Europe/Paris
targets:
  - memory://unused
components:
  - name: API
    group: Public
    description: The public REST API
  - name: Website
    group: Public
  - name: Database
    group: Internal
  - name: Standalone
api_tokens:
  - name: reader
    token: reader-token-0123456789
    scopes: [read]
  - name: hashed-writer
    sha256: b22fd458dbe2426bebe59cfafe4c46e013df3efd439e4d91cda767ac3052ddd0  # sha256 of hashed-token-0123456789
    scopes: [write:incidents]
  - name: deployer
    token: writer-token-0123456789
    scopes: [write:incidents]
  - name: root
    token: admin-token-0123456789
    scopes: [admin]
`;

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...parseConfig(TEST_CONFIG_YAML), ...overrides };
}

export const ADMIN: Actor = { type: 'user', name: 'admin' };

export function testContext(
  store: DomainContext['store'],
  config: Config = testConfig(),
  now: () => number = () => TEST_NOW,
): DomainContext {
  return { store, settings: domainSettings(config), now };
}
