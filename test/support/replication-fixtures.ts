/** Shared set-up for the replication tests: memory targets behind fault injectors, and convergence checks. */
import { afterEach, expect } from 'vitest';
import { createMemoryDriver } from '../../storage-drivers/memory.ts';
import type {
  DriverOptions,
  KindDigest,
  StorageDriver,
  StoredRecord,
} from '../../storage-drivers/types.ts';
import { HybridLogicalClock } from '../../src/replication/hlc.ts';
import { isInternalKind } from '../../src/replication/internal-kinds.ts';
import { createReplicator } from '../../src/replication/replicator.ts';
import type { Logger, Replicator, ReplicatorOptions } from '../../src/replication/types.ts';
import { createFaultyDriver, type FaultyDriver } from './faulty-driver.ts';

let stores = 0;

/** `count` fresh memory targets, each behind a fault injector. */
export function memoryTargets(count: number, options: DriverOptions = {}): FaultyDriver[] {
  const run = `${process.pid}-${Date.now().toString(36)}-${++stores}`;
  return Array.from({ length: count }, (_, i) =>
    createFaultyDriver(createMemoryDriver(new URL(`memory://r${run}-${i}`)), options),
  );
}

/** New drivers on the same stores: what a restarted process would open. */
export function reopen(
  drivers: readonly StorageDriver[],
  options: DriverOptions = {},
): FaultyDriver[] {
  return drivers.map((d) => createFaultyDriver(createMemoryDriver(new URL(d.location)), options));
}

/** A replicator with no timers: tests drive polling, sync, health checks and hint delivery themselves. */
export function manualReplicator(options: ReplicatorOptions): Replicator {
  return createReplicator({
    syncIntervalMs: 0,
    pollIntervalMs: 0,
    healthIntervalMs: 0,
    hintRetryBaseMs: 10,
    hintRetryMaxMs: 50,
    ...options,
  });
}

/** Manual replicators for one test file, stopped after each test. */
export function replicatorsForEachTest(): {
  create(options: ReplicatorOptions): Replicator;
  start(options: ReplicatorOptions): Promise<Replicator>;
} {
  const made: Replicator[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((r) => r.stop()));
  });
  const create = (options: ReplicatorOptions) => {
    const replicator = manualReplicator(options);
    made.push(replicator);
    return replicator;
  };
  return {
    create,
    async start(options) {
      const replicator = create(options);
      await replicator.start();
      return replicator;
    },
  };
}

export function clockFor(writer: string, now: () => number = Date.now): HybridLogicalClock {
  return new HybridLogicalClock(writer, now);
}

/** The domain's view of a target's digest: engine-internal kinds (hints) live on one target only. */
export async function domainDigest(driver: StorageDriver): Promise<Record<string, KindDigest>> {
  return Object.fromEntries(
    Object.entries(await driver.digest()).filter(([kind]) => !isInternalKind(kind)),
  );
}

/** Every target holds the same (kind, id, rev) set. */
export async function expectConverged(
  drivers: readonly StorageDriver[],
): Promise<Record<string, KindDigest>> {
  const digests = await Promise.all(
    drivers.map((d) => ('inner' in d ? (d as FaultyDriver).inner : d)).map(domainDigest),
  );
  for (const digest of digests.slice(1)) expect(digest).toEqual(digests[0]);
  return digests[0]!;
}

export async function readAll(driver: StorageDriver, kind: string): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.list(kind, { cursor, includeDeleted: true, limit: 5000 });
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return all;
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  details: object;
  message: string;
}

export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (details: object, message: string) =>
    void entries.push({ level, details, message });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

export function record(
  kind: string,
  id: string,
  rev: string,
  body: StoredRecord['body'] = { id },
  deleted = false,
): StoredRecord {
  return { kind, id, rev, deleted, body: deleted ? null : body };
}
