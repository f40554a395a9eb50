/**
 * Fault injection on real targets: a target goes away in the middle
 * of a stream of writes and comes back; the app is killed with hints queued; a target accepts
 * connections and never answers; two app instances update the same records. Each scenario ends
 * by proving that every acknowledged write is on every target, that nothing deleted came back,
 * and that all targets hold identical digests.
 *
 * Outages are simulated with a TCP proxy per server (see support/tcp-proxy.ts), so the shared
 * PostgreSQL and MariaDB servers other suites use are never stopped.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DriverName, StorageDriver, StoredRecord } from '../storage-drivers/types.ts';
import { HybridLogicalClock } from '../src/replication/hlc.ts';
import { createReplicator } from '../src/replication/replicator.ts';
import { domainDigest, readAll } from './support/replication-fixtures.ts';
import {
  QuorumError,
  type Mutation,
  type Replicator,
  type ReplicatorOptions,
  type TargetStatus,
} from '../src/replication/types.ts';
import {
  createReplicationLab,
  type LabTarget,
  type ReplicationLab,
} from './support/replication-lab.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';

const KIND = 'incident';
let lab: ReplicationLab;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  lab = await createReplicationLab();
}, 60_000);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});
afterAll(async () => {
  await lab?.close();
});

/** A replicator on the targets, stopped and closed after the test; timers short enough for a test. */
async function startReplicator(
  targets: LabTarget[],
  options: Partial<ReplicatorOptions> = {},
): Promise<Replicator> {
  const drivers = await Promise.all(targets.map((t) => lab.create(t)));
  const replicator = createReplicator({
    drivers,
    writeTimeoutMs: 2_000,
    syncIntervalMs: 0,
    pollIntervalMs: 0,
    healthIntervalMs: 250,
    hintRetryBaseMs: 100,
    hintRetryMaxMs: 1_000,
    ...options,
  });
  cleanups.push(async () => {
    await replicator.stop();
    await Promise.all(drivers.map((d) => d.close()));
  });
  await replicator.start();
  return replicator;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
}

/** After the outage: the target is seen back, hints are delivered, and one sync pass runs. */
async function heal(replicator: Replicator): Promise<void> {
  await replicator.checkHealth();
  await replicator.settle();
  await replicator.flushHints();
  await replicator.settle();
  await replicator.syncOnce();
}

/** Read every target directly (not through the replicator). */
async function contents(targets: LabTarget[]): Promise<Array<Map<string, StoredRecord>>> {
  return Promise.all(
    targets.map(async (target) => {
      const driver = await lab.open(target);
      cleanups.push(() => driver.close());
      return new Map((await readAll(driver, KIND)).map((r) => [r.id, r]));
    }),
  );
}

async function expectIdenticalDigests(targets: LabTarget[]): Promise<void> {
  const drivers: StorageDriver[] = await Promise.all(targets.map((t) => lab.open(t)));
  cleanups.push(() => Promise.all(drivers.map((d) => d.close())));
  const digests = await Promise.all(drivers.map(domainDigest));
  for (const [i, digest] of digests.entries())
    expect({ target: targets[i]!.driver, digest }).toEqual({
      target: targets[i]!.driver,
      digest: digests[0],
    });
}

/**
 * What every target must hold in the end: for each id, the content of its acknowledged write with
 * the highest rev (a later failed write was rolled back to exactly that), at that rev or above;
 * an id whose every write failed must be absent or a tombstone.
 */
async function expectAcknowledgedEverywhere(
  targets: LabTarget[],
  acknowledged: Map<string, StoredRecord>,
  failedOnly: Iterable<string>,
): Promise<void> {
  for (const [index, held] of (await contents(targets)).entries()) {
    const where = targets[index]!.driver;
    for (const [id, expected] of acknowledged) {
      const record = held.get(id);
      expect({ where, id, deleted: record?.deleted, body: record?.body }).toEqual({
        where,
        id,
        deleted: expected.deleted,
        body: expected.body,
      });
      expect(record!.rev >= expected.rev, `${where} holds ${id} at an older rev`).toBe(true);
    }
    for (const id of failedOnly)
      expect({ where, id, live: held.get(id)?.deleted === false }).toEqual({
        where,
        id,
        live: false,
      });
  }
}

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
}

const CONCURRENCY = 8;

/**
 * One outage per network target, in the middle third of the stream, with SQLite as the local
 * target beside them. During the PostgreSQL one, MariaDB goes away too for a while: no majority
 * is left, so writes fail and must be rolled back. s3rver stores about 30 records a second, so
 * its stream is shorter: 2,000 writes would spend over a minute in s3rver alone, and as long
 * again in repair.
 */
const OUTAGES: Array<{
  victim: DriverName;
  operations: number;
  overlap?: DriverName;
  targets: DriverName[];
}> = [
  {
    victim: 'postgres',
    operations: 2_000,
    overlap: 'mysql',
    targets: ['sqlite', 'postgres', 'mysql'],
  },
  { victim: 'mysql', operations: 2_000, targets: ['sqlite', 'postgres', 'mysql'] },
  { victim: 's3', operations: 200, targets: ['sqlite', 'postgres', 's3'] },
];

describe('replication under faults, on real targets', () => {
  for (const { victim, operations, overlap, targets: drivers } of OUTAGES) {
    const title = `keeps every acknowledged write through a ${victim} outage in the middle of ${operations} writes${overlap ? `, with ${overlap} down too for a while` : ''}`;
    it(
      title,
      async (context) => {
        if (!lab.available.includes(victim)) return context.skip(`${victim} is not available here`);
        const targets = lab.fresh(drivers.filter((d) => lab.available.includes(d)));
        const outage = targets.find((t) => t.driver === victim)!;
        const second = targets.find((t) => t.driver === overlap);
        const replicator = await startReplicator(targets, { writeQuorum: 'majority' });
        const random = seeded(victim.length);
        const acknowledged = new Map<string, StoredRecord>();
        const failed = new Set<string>();
        const ids: string[] = [];
        let during: TargetStatus | undefined;
        let next = 0;

        const mutationFor = (n: number): Mutation => {
          const roll = random();
          if (ids.length < 20 || roll < 0.4) {
            ids.push(`${victim}-${n}`);
            return { kind: KIND, id: ids.at(-1)!, body: { n, created: true } };
          }
          const id = ids[Math.floor(random() * ids.length)]!;
          return roll < 0.85
            ? { kind: KIND, id, body: { n, updated: true } }
            : { kind: KIND, id, deleted: true };
        };
        const worker = async () => {
          for (let n = next++; n < operations; n = next++) {
            if (n === Math.floor(operations / 3)) outage.proxy!.cut();
            if (n === Math.floor(operations / 2) - 50) second?.proxy!.cut();
            if (n === Math.floor(operations / 2) + 50) second?.proxy!.restore();
            if (n === Math.floor((2 * operations) / 3)) {
              // On a loaded machine the writes can outrun the failing calls; the outage must show first.
              await until(
                () => replicator.targets()[targets.indexOf(outage)]!.state === 'down',
                15_000,
              );
              during = replicator.targets()[targets.indexOf(outage)];
              outage.proxy!.restore();
            }
            const mutation = mutationFor(n);
            try {
              const [record] = await replicator.write([mutation]);
              if ((acknowledged.get(mutation.id)?.rev ?? '') < record!.rev)
                acknowledged.set(mutation.id, record!);
            } catch (error) {
              if (!(error instanceof QuorumError)) throw error;
              failed.add(mutation.id);
            }
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));

        expect(during).toMatchObject({ state: 'down' });
        expect(during!.queuedHints).toBeGreaterThan(0);
        expect(acknowledged.size).toBeGreaterThan(operations / 4);
        expect([...acknowledged.values()].some((r) => r.deleted)).toBe(true);
        if (second) expect(failed.size).toBeGreaterThan(0);
        await heal(replicator);

        await expectAcknowledgedEverywhere(
          targets,
          acknowledged,
          [...failed].filter((id) => !acknowledged.has(id)),
        );
        for (const [id, record] of acknowledged)
          expect(replicator.get(KIND, id)?.body ?? null).toEqual(
            record.deleted ? null : record.body,
          );
        await expectIdenticalDigests(targets);
      },
      90_000,
    );
  }

  it('delivers the hints of an app killed with SIGKILL, from where it persisted them', async (context) => {
    const network = lab.available.find((d) => d === 'postgres' || d === 'mysql');
    if (!network) return context.skip('no network target is available here');
    const targets = lab.fresh(['sqlite', network]);
    const missed = targets[1]!;
    missed.proxy!.cut();

    const job = {
      targets: targets.map((t) => ({ driver: t.driver, uri: t.uri.href })),
      count: 200,
      kind: KIND,
    };
    const script = fileURLToPath(new URL('./support/replication-writer.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(async () => child.kill('SIGKILL'));
    let output = '';
    child.stdout.setEncoding('utf8');
    for await (const chunk of child.stdout) {
      output += chunk as string;
      if (output.includes('\n')) break;
    }
    const report = JSON.parse(output) as { acknowledged: StoredRecord[]; targets: TargetStatus[] };
    const queued = report.targets[1]!.queuedHints;
    expect(queued).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await once(child, 'exit');

    const acknowledged = new Map<string, StoredRecord>();
    for (const record of report.acknowledged)
      if ((acknowledged.get(record.id)?.rev ?? '') < record.rev)
        acknowledged.set(record.id, record);
    const restarted = await startReplicator(targets, {
      hintRetryBaseMs: 3_600_000,
      hintRetryMaxMs: 3_600_000,
      healthIntervalMs: 0,
    });
    // Still cut: a restored hint is delivered at once to a reachable target, which would race this count.
    expect(restarted.targets()[1]!.queuedHints).toBe(queued);
    missed.proxy!.restore();
    await restarted.flushHints();
    await restarted.settle();
    expect(restarted.targets()[1]!.queuedHints).toBe(0);

    // Before any sync: the hints alone brought the target up to date.
    await expectAcknowledgedEverywhere([missed], acknowledged, []);
    const sync = await restarted.syncOnce();
    expect(sync.targets[1]!.copied).toEqual({});
    await expectIdenticalDigests(targets);
  }, 60_000);

  it('answers within the write timeout next to a target that accepts connections and never answers', async () => {
    const silent = await startTcpProxy({ host: '127.0.0.1', port: 9 });
    silent.silence();
    cleanups.push(() => silent.close());
    const healthy = lab.fresh(lab.available.filter((d) => d !== 's3').slice(0, 2));
    const silentTarget: LabTarget = {
      driver: 'postgres',
      uri: new URL(`postgres://staunch:secret@127.0.0.1:${silent.port}/silent`),
    };
    const targets = [...healthy, silentTarget];
    const silentIndex = targets.indexOf(silentTarget);
    // The start itself must not wait for the silent target beyond one probe.
    const replicator = await startReplicator(targets, {
      writeQuorum: 1,
      writeTimeoutMs: 500,
      healthIntervalMs: 0,
    });

    const written: StoredRecord[] = [];
    for (let i = 0; i < 20; i++)
      written.push(...(await replicator.write([{ kind: KIND, id: `s${i}`, body: { i } }])));
    await replicator.settle();
    expect(replicator.targets()[silentIndex]).toMatchObject({ state: 'down', queuedHints: 20 });
    expect(replicator.targets()[silentIndex]!.lastError).not.toContain('secret');

    const strict = await startReplicator(targets, {
      writeQuorum: 'all',
      writeTimeoutMs: 500,
      healthIntervalMs: 0,
    });
    const started = performance.now();
    await expect(strict.write([{ kind: KIND, id: 'never', body: {} }])).rejects.toBeInstanceOf(
      QuorumError,
    );
    // A figure for the record, not an assertion: wall-clock bounds are not tested on shared machines.
    console.info(
      `quorum "all" next to a silent target failed after ${Math.round(performance.now() - started)} ms (write timeout 500 ms)`,
    );
    await strict.settle();
    await replicator.syncOnce();
    await expectAcknowledgedEverywhere(healthy, new Map(written.map((r) => [r.id, r])), ['never']);
    await expectIdenticalDigests(healthy);
  }, 60_000);

  it('converges two app instances interleaving updates of the same records, with a target cut meanwhile', async () => {
    const targets = lab.fresh(lab.available.filter((d) => d !== 's3'));
    const victim = targets.find((t) => t.proxy);
    const instances = await Promise.all(
      ['one', 'two'].map((writer) =>
        startReplicator(targets, { clock: new HybridLogicalClock(writer), pollIntervalMs: 100 }),
      ),
    );
    const highest = new Map<string, string>();
    const random = seeded(7);
    await Promise.all(
      instances.map(async (replicator, which) => {
        for (let i = 0; i < 150; i++) {
          if (which === 0 && i === 50) victim?.proxy!.cut();
          if (which === 0 && i === 100) victim?.proxy!.restore();
          const id = `shared-${Math.floor(random() * 20)}`;
          const [record] = await replicator.write([{ kind: KIND, id, body: { by: which, i } }]);
          if ((highest.get(id) ?? '') < record!.rev) highest.set(id, record!.rev);
        }
      }),
    );
    for (const replicator of instances) await heal(replicator);
    await Promise.all(instances.map((r) => r.pollOnce()));

    for (const [id, rev] of highest) {
      expect(instances[0]!.get(KIND, id)?.rev).toBe(rev);
      expect(instances[1]!.get(KIND, id)).toEqual(instances[0]!.get(KIND, id));
    }
    for (const held of await contents(targets))
      for (const [id, rev] of highest) expect(held.get(id)?.rev).toBe(rev);
    await expectIdenticalDigests(targets);
  }, 60_000);
});
