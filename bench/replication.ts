/**
 * What replication costs a write, and how fast the sync repairs a target.
 *
 * 1. Median latency of one create through the replicator on every available target (sqlite,
 *    file, postgres, mysql, s3rver), for each write quorum, next to the slowest target's own
 *    median put latency. Fan-out is parallel, so even quorum `all` should cost about the slowest
 *    target, not the sum of all of them.
 * 2. One sync pass repairing an empty target of each backend from a SQLite target holding
 *    BENCH_REPAIR_RECORDS records, next to the same records written with the backend's own client
 *    at the same concurrency (bench/repair-baselines.ts), measured just before and just after the
 *    repair in the same run: the repair's rate against the backend's own.
 *
 * In part 1 network targets are reached through the test lab's TCP proxies, for the direct puts
 * and the replicated ones alike. Part 2 reaches them directly (an S3 server of its own), because
 * the proxies run in this process and would take CPU from the repair and the baseline alike.
 * Figures only; nothing is asserted (the machines are shared and noisy).
 *
 *   node --import tsx bench/replication.ts
 *   BENCH_PARTS=repair BENCH_REPAIR_RECORDS=20000 BENCH_REPAIR_TARGET=postgres,s3 node --import tsx bench/replication.ts
 */
import { loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import type { DriverName, StorageDriver, StoredRecord } from '../storage-drivers/types.ts';
import { revAtWallTime } from '../src/replication/hlc.ts';
import { createReplicator } from '../src/replication/replicator.ts';
import { formatSyncProgress } from '../src/runtime/sync-report.ts';
import type { SyncProgress, WriteQuorum } from '../src/replication/types.ts';
import { domainDigest } from '../test/support/replication-fixtures.ts';
import { MYSQL_ADMIN_URL } from '../test/support/mysql.ts';
import { POSTGRES_ADMIN_URL } from '../test/support/postgres.ts';
import {
  createReplicationLab,
  type LabTarget,
  type ReplicationLab,
} from '../test/support/replication-lab.ts';
import { startS3rver, S3RVER_KEY, S3RVER_SECRET } from '../test/support/s3rver.ts';
import { rawWrite } from './repair-baselines.ts';
import {
  envCount,
  formatNumber,
  median,
  mergeResults,
  percentile,
  printTable,
  progress,
  timed,
} from './lib.ts';

const CREATES = envCount('BENCH_CREATES', 200);
const REPAIR_RECORDS = envCount('BENCH_REPAIR_RECORDS', 100_000);
/** s3rver writes a few hundred objects a second: its repair copies fewer records, so the run stays short. */
const S3_REPAIR_RECORDS = envCount('BENCH_REPAIR_S3_RECORDS', 2_000);
const REPAIR_TARGETS = (process.env.BENCH_REPAIR_TARGET ?? 'postgres,mysql,s3,file').split(
  ',',
) as DriverName[];
const FILL_BATCH = 1_000;
/** What goes into the `replication` section of the results file (bench/summary.ts reads it). */
const results: { create?: unknown; repair?: unknown[] } = {};

/** `create`, `repair` or both (default), comma-separated: a profile of one part needs only that part. */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'create,repair').split(','));

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
  const quorums: Record<string, { medianMs: number; p90Ms: number }> = {};
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
    quorums[String(quorum)] = {
      medianMs: median(latencies),
      p90Ms: percentile(
        [...latencies].sort((a, b) => a - b),
        90,
      ),
    };
  }
  results.create = {
    creates: CREATES,
    targets: drivers,
    slowest: { target: slowestName, medianMs: slowest },
    quorums,
    loadAverage: loadavg(),
  };
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
      !(event.phase === 'copy' && event.copied === event.total && !event.scanning);
    if (repetitive && now - last < 1_000) return;
    if (repetitive) last = now;
    print(formatSyncProgress(event));
  };
}

const REPAIR_BUCKET = 'staunch-repair';

/** Fresh empty targets for part 2, network ones reached without the lab's proxies. */
async function directTargets(lab: ReplicationLab) {
  const s3 = REPAIR_TARGETS.includes('s3')
    ? await startS3rver({ buckets: [REPAIR_BUCKET] })
    : undefined;
  let counter = 0;
  const fresh = (name: DriverName): LabTarget => {
    if (name === 's3')
      return {
        driver: 's3',
        uri: new URL(
          `s3://${S3RVER_KEY}:${S3RVER_SECRET}@${s3!.host}/${REPAIR_BUCKET}/r${++counter}?tls=false`,
        ),
      };
    const [target] = lab.fresh([name]);
    const admin =
      name === 'postgres' ? POSTGRES_ADMIN_URL : name === 'mysql' ? MYSQL_ADMIN_URL : null;
    if (admin) {
      target!.uri.hostname = admin.hostname;
      target!.uri.port = admin.port || (name === 'postgres' ? '5432' : '3306');
    }
    return target!;
  };
  const available = REPAIR_TARGETS.filter((name) => name === 's3' || lab.available.includes(name));
  return { available, fresh, close: () => s3?.close() };
}

async function readAllRecords(driver: StorageDriver): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  for (const kind of Object.keys(await driver.digest())) {
    let cursor: string | undefined;
    do {
      const page = await driver.list(kind, { cursor, limit: 1000, includeDeleted: true });
      records.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
  }
  return records;
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');

async function repair(lab: ReplicationLab): Promise<void> {
  const targets = await directTargets(lab);
  console.log(
    `\n2. Repair: one sync pass from a sqlite target holding ${formatNumber(REPAIR_RECORDS)} records (s3: ${formatNumber(Math.min(S3_REPAIR_RECORDS, REPAIR_RECORDS))}) to an empty ${targets.available.join(', ')} target, against the backend's own client (load average ${load()})\n`,
  );
  const sources = new Map<number, StorageDriver>();
  const sourceOf = async (count: number) => {
    let source = sources.get(count);
    if (!source) {
      const [target] = lab.fresh(['sqlite']);
      // The drivers' default timeout, not the lab's short one for tests: a busy server must not fail the run.
      source = await lab.open(target!, { timeoutMs: 10_000 });
      await fill(source, count);
      sources.set(count, source);
    }
    return source;
  };

  // The records are read again for each baseline and let go afterwards: held through the repair,
  // 100,000 of them would make its garbage collection slower than it is in `staunch sync`.
  const raw = async (name: DriverName, source: StorageDriver): Promise<number> => {
    const records = await readAllRecords(source);
    const target = targets.fresh(name);
    await (await lab.open(target)).close(); // tables, bucket prefix, folder
    return (records.length / (await rawWrite[name]!(target.uri, records))) * 1000;
  };
  const rows: string[][] = [];
  for (const name of targets.available) {
    const count = name === 's3' ? Math.min(S3_REPAIR_RECORDS, REPAIR_RECORDS) : REPAIR_RECORDS;
    const source = await sourceOf(count);
    const before = await raw(name, source);
    const destination = await lab.open(targets.fresh(name), { timeoutMs: 10_000 });
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
    const copied = Object.values(report.targets[1]!.copied).reduce((a, b) => a + b, 0);
    const equal = isDeepStrictEqual(await domainDigest(source), await domainDigest(destination));
    await destination.close();
    const after = await raw(name, source);
    const rate = (copied / ms) * 1000;
    const own = (before + after) / 2;
    console.log(
      `${name}: repair of ${formatNumber(copied)} records took ${formatNumber(ms / 1000, 1)} s; ${formatNumber(rate)} records/s against ${formatNumber(before)} / ${formatNumber(after)} raw before / after; digests equal: ${equal ? 'yes' : 'NO'} (load average ${load()})`,
    );
    (results.repair ??= []).push({
      target: name,
      records: copied,
      recordsPerSecond: rate,
      baseline: {
        name: 'own client',
        recordsPerSecond: own,
        before,
        after,
      },
      digestsEqual: equal,
      errors: report.targets.flatMap((t) => t.errors),
      loadAverage: loadavg(),
    });
    rows.push([
      `${name} (${formatNumber(count)})`,
      formatNumber(rate),
      formatNumber(own),
      formatNumber(rate / own, 2),
      equal ? 'yes' : 'NO',
      report.targets.every((t) => t.errors.length === 0)
        ? '-'
        : report.targets[1]!.errors.join('; '),
    ]);
  }
  console.log('');
  printTable(
    ['repair into', 'records/s', 'raw records/s', '÷ raw', 'digests equal', 'errors'],
    rows,
  );
  console.log(`\nload average afterwards: ${load()}`);
  for (const source of sources.values()) await source.close();
  await targets.close();
}

const lab = await createReplicationLab();
try {
  if (PARTS.has('create')) await createLatency(lab);
  if (PARTS.has('repair')) await repair(lab);
  await mergeResults('replication', { ...results, at: new Date().toISOString() });
} finally {
  await lab.close();
}
