/**
 * What replication costs a write, and how fast the sync repairs a target.
 *
 * 1. Median latency of one create through the replicator on every available target (sqlite,
 *    file, postgres, mysql, s3rver), for each write quorum, next to the slowest target's own
 *    median put latency. Fan-out is parallel, so even quorum `all` should cost about the slowest
 *    target, not the sum of all of them.
 * 2. Time for one sync pass to repair an empty target from 100,000 records, with progress.
 *
 * Network targets are reached through the test lab's TCP proxies, for the direct puts and the
 * replicated ones alike. Figures only; nothing is asserted (the machines are shared and noisy).
 *
 *   node --import tsx bench/replication.ts
 *   BENCH_CREATES=100 BENCH_REPAIR_RECORDS=20000 BENCH_REPAIR_TARGET=mysql node --import tsx bench/replication.ts
 */
import { isDeepStrictEqual } from 'node:util';
import type { DriverName, StorageDriver, StoredRecord } from '../storage-drivers/types.ts';
import { revAtWallTime } from '../src/replication/hlc.ts';
import { createReplicator } from '../src/replication/replicator.ts';
import { formatSyncProgress, formatSyncReport } from '../src/runtime/sync-report.ts';
import type { SyncProgress, WriteQuorum } from '../src/replication/types.ts';
import { domainDigest } from '../test/support/replication-fixtures.ts';
import { createReplicationLab, type ReplicationLab } from '../test/support/replication-lab.ts';
import { envCount, formatNumber, median, percentile, printTable, progress, timed } from './lib.ts';

const CREATES = envCount('BENCH_CREATES', 200);
const REPAIR_RECORDS = envCount('BENCH_REPAIR_RECORDS', 100_000);
const REPAIR_TARGET = (process.env.BENCH_REPAIR_TARGET ?? 'postgres') as DriverName;
const FILL_BATCH = 1_000;

/** A typical incident document, about 1 KiB. */
const body = (n: number) => ({
  title: `Elevated error rates on the public API (${n})`,
  state: 0,
  impact: 'partial_outage',
  components: ['api - public', 'api - admin'],
  messages: [
    { at: '2026-06-01T10:00:00Z', text: 'We are investigating elevated error rates. '.repeat(16) },
  ],
});

async function measure(samples: number, work: (n: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  for (let n = 0; n < samples; n++) latencies.push((await timed(() => work(n))).ms);
  return latencies;
}

async function createLatency(lab: ReplicationLab): Promise<void> {
  const drivers = lab.available;
  console.log(
    `\n1. Create latency: ${CREATES} sequential creates of a 1 KiB record, targets ${drivers.join(', ')}\n`,
  );
  const targets = lab.fresh(drivers);
  const opened = await Promise.all(targets.map((t) => lab.open(t, { timeoutMs: 10_000 })));

  const single = new Map<string, number[]>();
  for (const [i, driver] of opened.entries()) {
    single.set(
      targets[i]!.driver,
      await measure(CREATES, (n) =>
        driver.put([
          {
            kind: 'incident',
            id: `direct-${n}`,
            rev: revAtWallTime(Date.now()).replace(/-0$/, '-bench'),
            deleted: false,
            body: body(n),
          },
        ]),
      ),
    );
  }
  const [slowestName, slowest] = [...single]
    .map(([name, latencies]) => [name, median(latencies)] as const)
    .reduce((a, b) => (b[1] > a[1] ? b : a));
  const row = (label: string, latencies: number[]) => [
    label,
    formatNumber(median(latencies), 2),
    formatNumber(
      percentile(
        [...latencies].sort((a, b) => a - b),
        90,
      ),
      2,
    ),
    formatNumber(median(latencies) / slowest, 2),
  ];

  const rows = [...single].map(([name, latencies]) => row(`${name} alone (driver put)`, latencies));
  for (const quorum of [1, 'majority', 'all'] as WriteQuorum[]) {
    const replicator = createReplicator({
      drivers: opened,
      writeQuorum: quorum,
      syncIntervalMs: 0,
      pollIntervalMs: 0,
      healthIntervalMs: 0,
    });
    await replicator.start();
    const latencies = await measure(CREATES, (n) =>
      replicator.write([{ kind: 'incident', id: `q${quorum}-${n}`, body: body(n) }]),
    );
    await replicator.settle();
    await replicator.stop();
    rows.push(row(`replicated, quorum ${quorum}`, latencies));
  }
  printTable(['write', 'median ms', 'p90 ms', `÷ slowest (${slowestName})`], rows);
  await Promise.all(opened.map((d) => d.close()));
}

async function fill(driver: StorageDriver, count: number): Promise<void> {
  const report = progress(`filling the source with ${formatNumber(count)} records`);
  const rev = revAtWallTime(Date.now()).replace(/-0$/, '-fill');
  for (let start = 0; start < count; start += FILL_BATCH) {
    const batch: StoredRecord[] = [];
    for (let n = start; n < Math.min(count, start + FILL_BATCH); n++) {
      batch.push({
        kind: n % 10 === 0 ? 'subscriber' : 'incident',
        id: `rec-${String(n).padStart(7, '0')}`,
        rev,
        deleted: n % 50 === 0,
        body: n % 50 === 0 ? null : body(n),
      });
    }
    await driver.put(batch);
    report(Math.min(count, start + FILL_BATCH), count);
  }
}

/** Every event, except that scan and copy progress is thinned to one line a second (and the last). */
function throttled(print: (line: string) => void): (event: SyncProgress) => void {
  let last = 0;
  return (event) => {
    const now = Date.now();
    const repetitive =
      (event.phase === 'scan' || event.phase === 'copy') &&
      !(event.phase === 'copy' && event.copied === event.total);
    if (repetitive && now - last < 1_000) return;
    if (repetitive) last = now;
    print(formatSyncProgress(event));
  };
}

async function repair(lab: ReplicationLab): Promise<void> {
  const destinationName = lab.available.includes(REPAIR_TARGET) ? REPAIR_TARGET : 'sqlite';
  console.log(
    `\n2. Repair: one sync pass from a sqlite target holding ${formatNumber(REPAIR_RECORDS)} records to an empty ${destinationName} target\n`,
  );
  const [sourceTarget, destinationTarget] = lab.fresh(['sqlite', destinationName]);
  // The drivers' default timeout, not the lab's short one for tests: a busy server must not fail the run.
  const source = await lab.open(sourceTarget!, { timeoutMs: 10_000 });
  const destination = await lab.open(destinationTarget!, { timeoutMs: 10_000 });
  await fill(source, REPAIR_RECORDS);

  const replicator = createReplicator({
    drivers: [source, destination],
    syncIntervalMs: 0,
    pollIntervalMs: 0,
    healthIntervalMs: 0,
    bulkTimeoutMs: 120_000,
  });
  const { result: report, ms } = await timed(() =>
    replicator.syncOnce({ onProgress: throttled((line) => console.error(line)) }),
  );
  console.log(`\n${formatSyncReport(report)}\n`);
  const copied = Object.values(report.targets[1]!.copied).reduce((a, b) => a + b, 0);
  const equal = isDeepStrictEqual(await domainDigest(source), await domainDigest(destination));
  console.log(
    `repair of ${formatNumber(copied)} records took ${formatNumber(ms / 1000, 1)} s (${formatNumber((copied / ms) * 1000)} records/s); digests equal afterwards: ${equal ? 'yes' : 'NO'}`,
  );
  await Promise.all([source.close(), destination.close()]);
}

const lab = await createReplicationLab();
try {
  await createLatency(lab);
  await repair(lab);
} finally {
  await lab.close();
}
