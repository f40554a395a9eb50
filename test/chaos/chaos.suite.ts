/**
 * The chaos suite (`npm run test:chaos`; `CHAOS_SCALE=ci` for the shortened form CI runs): two
 * `staunch serve` processes on PostgreSQL, MariaDB and s3rver, each behind a TCP proxy, and a
 * folder on a tmpfs of its own. A write stream goes through the HTTP API while each target is
 * faulted in turn, the write quorum is taken away, one instance is SIGKILLed and restarted, and
 * the two instances race on the same incidents; readers poll the public surfaces all along. When
 * every fault has healed, the targets must converge by themselves, and what they hold is judged
 * against the client's log of every answer (see ledger.ts). The table goes to stdout and to
 * test-results/chaos.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageDriver } from '../../storage-drivers/types.ts';
import { domainDigest } from '../support/replication-fixtures.ts';
import {
  createReplicationLab,
  type LabTarget,
  type ReplicationLab,
} from '../support/replication-lab.ts';
import { mountTmpfs, type Tmpfs } from '../support/tmpfs.ts';
import { ADMIN_PASSWORD, ADMIN_USER, startInstance, type ChaosInstance } from './instance.ts';
import { Ledger, type FinalIncident } from './ledger.ts';
import { startReaders } from './readers.ts';
import {
  chaosReport,
  MUST_BE_ZERO,
  writeReport,
  type ChaosResult,
  type PhaseRow,
} from './report.ts';
import {
  COMPONENTS,
  createIncident,
  newWriteCounts,
  RACES,
  raceOn,
  seeded,
  sendPoison,
  writeStream,
  type StreamContext,
} from './stream.ts';

// ci fits the CI budget (about 3 minutes on two loaded cores); full is the one to quote.
const SCALES = {
  ci: { operations: 25, concurrency: 4, races: 12 },
  full: { operations: 300, concurrency: 6, races: 40 },
} as const;
const scaleName = (process.env.CHAOS_SCALE ?? 'full') as keyof typeof SCALES;
const SCALE = SCALES[scaleName];
if (!SCALE) throw new Error(`CHAOS_SCALE must be one of ${Object.keys(SCALES).join(', ')}`);

const TMPFS_BYTES = 32 * 1024 * 1024;
/**
 * A request sent into a hang stays stuck until the driver's own timeout (10 s by default), also
 * once the hang is over, and writes queued behind it on that target fail with it. The next fault
 * waits this tail out, so that two faults never overlap.
 */
const HANG_TAIL_MS = 11_000;
const hangTail = () => new Promise((resolve) => setTimeout(resolve, HANG_TAIL_MS));
const ANCHOR_TITLE = 'Chaos anchor: major outage';

let lab: ReplicationLab;
let tmpfs: Tmpfs | { skipped: string };
let folder: string;
const instances: ChaosInstance[] = [];

beforeAll(async () => {
  lab = await createReplicationLab();
  tmpfs = mountTmpfs(TMPFS_BYTES);
  folder = 'path' in tmpfs ? tmpfs.path : mkdtempSync(join(tmpdir(), 'staunch-chaos-folder-'));
}, 60_000);

afterAll(async () => {
  await Promise.all(instances.map((i) => i.kill()));
  await lab?.close();
  if (tmpfs && 'path' in tmpfs) {
    tmpfs.release();
    tmpfs.unmount();
  } else if (folder) rmSync(folder, { recursive: true, force: true });
});

function configFor(targets: readonly LabTarget[], folderUri: string): string {
  return [
    `username: ${ADMIN_USER}`,
    `password: ${ADMIN_PASSWORD}`,
    'cookie_key: chaos-suite-cookie-key-0123456789abcdef',
    'listen: 127.0.0.1:0',
    'components:',
    ...COMPONENTS.map((id) => `  - { group: ${id.split(' - ')[0]}, name: ${id.split(' - ')[1]} }`),
    'targets:',
    ...targets.map((t) => `  - ${JSON.stringify(t.uri.href)}`),
    `  - ${JSON.stringify(folderUri)}`,
    'replication:',
    '  write_quorum: majority',
    // Above the default 5 s: on a loaded two-core CI machine (s3rver runs in this very process)
    // a healthy target takes seconds now and then. A write refused for its quorum while a
    // majority is healthy is then a real defect, not a slow runner.
    '  write_timeout: 15s',
    '  sync_interval: 3s',
    '  poll_interval: 200ms',
    '',
  ].join('\n');
}

/**
 * Seconds until every target holds the same digest, polled twice a second; null after `limitMs`.
 * Each target is opened on first success, so a slow first connection only delays the answer.
 */
async function convergence(
  targets: readonly Pick<LabTarget, 'driver' | 'uri'>[],
  limitMs: number,
  notes: string[],
): Promise<number | null> {
  const started = performance.now();
  let last: string[] = [];
  const drivers: Array<StorageDriver | undefined> = targets.map(() => undefined);
  try {
    while (performance.now() - started < limitMs) {
      const digests = await Promise.all(
        targets
          .map(async (target, i) => {
            drivers[i] ??= await lab.open(target, { timeoutMs: 10_000 });
            // Drivers list kinds in their own order: compare kind by kind.
            return JSON.stringify(
              Object.entries(await domainDigest(drivers[i])).sort(([a], [b]) => a.localeCompare(b)),
            );
          })
          .map((digest) => digest.catch(() => 'unreachable')),
      );
      if (digests.every((d) => d === digests[0] && d !== 'unreachable'))
        return (performance.now() - started) / 1000;
      last = digests;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    notes.push(...last.map((digest, i) => `not converged: ${targets[i]!.driver} digest ${digest}`));
    return null;
  } finally {
    await Promise.all(drivers.map((d) => d?.close()));
  }
}

/**
 * Wait until every live instance reports every target up again (each phase faults one target,
 * and a target healed a moment ago is still marked down until its next ping). Returns the
 * instances that did not within `limitMs`: a healed target left down is a finding of its own.
 */
async function settled(live: readonly ChaosInstance[], limitMs: number): Promise<string[]> {
  const deadline = Date.now() + limitMs;
  const pending = async () => {
    const states = await Promise.all(
      live.map(async (instance) => {
        const answer = await instance.request('GET', '/readyz');
        const body = answer.status
          ? (JSON.parse(answer.text) as { writable_targets?: number; target_count?: number })
          : {};
        return body.writable_targets !== undefined && body.writable_targets === body.target_count
          ? undefined
          : `${instance.name}: ${body.writable_targets ?? '?'} of ${body.target_count ?? '?'} targets up`;
      }),
    );
    return states.filter((s): s is string => s !== undefined);
  };
  for (let left = await pending(); ; left = await pending()) {
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function incidentsOf(instance: ChaosInstance): Promise<FinalIncident[]> {
  const answer = await instance.request('GET', '/v1/incidents');
  if (answer.status !== 200)
    throw new Error(`${instance.name} /v1/incidents answered ${answer.status}`);
  return JSON.parse(answer.text) as FinalIncident[];
}

describe('chaos: faults, kills and races through the HTTP API', () => {
  it(`keeps every acknowledged write and never reads wrong (scale ${scaleName})`, async (context) => {
    const network = ['postgres', 'mysql', 's3'] as const;
    const missing = network.filter((d) => !lab.available.includes(d));
    if (missing.length) return context.skip(`${missing.join(', ')} not available here`);
    const targets = lab.fresh(network);
    const [postgres, mysql, s3] = targets as [LabTarget, LabTarget, LabTarget];
    const folderUri = `file://${join(folder, 'records')}`;
    const config = configFor(targets, folderUri);
    instances.push(await startInstance('A', config), await startInstance('B', config));
    const [one, two] = instances as [ChaosInstance, ChaosInstance];

    const ledger = new Ledger();
    let quorumWithdrawn = false;
    const stream: StreamContext = {
      ledger,
      counts: newWriteCounts(),
      quorumWithdrawn: () => quorumWithdrawn,
    };
    const anchor = await createIncident(stream, one, {
      state: 0,
      component_state: 4,
      components: [COMPONENTS[0]!],
      title: ANCHOR_TITLE,
    });
    expect(anchor, 'the anchor outage is acknowledged').toBeDefined();
    ledger.reserved.add(anchor!.guid);
    // The other instance must know the outage before anyone may expect it to say so: its page,
    // not only its incident record (a poll can bring the incident before the update that carries
    // its title, and the page would then show an untitled outage for a moment).
    await expect
      .poll(async () => (await two.request('GET', `/v1/incidents/${anchor!.guid}`)).status, {
        timeout: 10_000,
      })
      .toBe(200);
    await expect
      .poll(async () => (await two.request('GET', '/', { accept: 'text/html' })).text, {
        timeout: 10_000,
      })
      .toContain(ANCHOR_TITLE);
    const readers = startReaders(instances, { guid: anchor!.guid, title: ANCHOR_TITLE }, 300);

    const random = seeded(20_240_229);
    const phases: PhaseRow[] = [];
    const notes: string[] = [];
    const unhealed: string[] = [];
    const phase = async (name: string, fault: string, run: () => Promise<void>) => {
      // Each phase starts with every target up, so one fault at a time is what it tests.
      const down = await settled(
        instances.filter((i) => i.alive),
        60_000,
      );
      if (down.length) unhealed.push(`before ${name}: ${down.join(', ')} after 60 s`);
      const started = performance.now();
      const before = ledger.totals();
      await run();
      const after = ledger.totals();
      phases.push({
        phase: name,
        fault,
        acknowledged: after.acknowledged - before.acknowledged,
        refused: after.refused - before.refused,
        unanswered: after.unanswered - before.unanswered,
        seconds: (performance.now() - started) / 1000,
      });
    };
    const plain = (at?: (n: number) => Promise<void>) =>
      writeStream(stream, {
        instances,
        operations: SCALE.operations,
        concurrency: SCALE.concurrency,
        random,
        at,
      });
    const third = Math.floor(SCALE.operations / 3);

    await phase('baseline', 'none; poisoned inputs mid-stream', () =>
      plain(async (n) => {
        if (n === third)
          notes.push(`poisoned inputs: ${(await sendPoison(stream, one)).join('; ')}`);
      }),
    );
    await phase('postgres', 'connections cut, new ones refused', async () => {
      postgres.proxy!.cut();
      await plain();
      postgres.proxy!.restore();
    });
    await phase('mysql', 'connections hang (accepted, never answered)', async () => {
      mysql.proxy!.silence();
      await plain();
      mysql.proxy!.restore();
      await hangTail();
    });
    await phase('s3', 'slowed by 300 ms a chunk, then refused', async () => {
      s3.proxy!.slow(300);
      await plain(async (n) => {
        if (n === third) s3.proxy!.cut();
      });
      s3.proxy!.restore();
      await hangTail();
    });
    if ('path' in tmpfs) {
      const disk = tmpfs;
      await phase('folder', 'tmpfs full (ENOSPC)', async () => {
        disk.fill();
        await plain();
        disk.release();
      });
    } else notes.push(`folder full: skipped: ${tmpfs.skipped}`);
    await phase(
      'no quorum',
      'postgres and mysql cut together: writes must fail and stay invisible',
      async () => {
        quorumWithdrawn = true;
        postgres.proxy!.cut();
        mysql.proxy!.cut();
        await plain();
        postgres.proxy!.restore();
        mysql.proxy!.restore();
        // Give in-flight failures a moment to be answered before 503s count as errors again.
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        quorumWithdrawn = false;
      },
    );
    await phase('restart', 'instance A SIGKILLed mid-stream, restarted from its snapshot', () =>
      plain(async (n) => {
        if (n === third) await one.kill();
        if (n === 2 * third) await one.restart();
      }),
    );
    const races = { planned: SCALE.races, raced: 0, acknowledged: 0 };
    await phase('races', 'two instances on the same incidents; mysql cut meanwhile', async () => {
      mysql.proxy!.cut();
      const batches = Array.from({ length: SCALE.races }, (_, i) => RACES[i % RACES.length]!);
      for (let i = 0; i < batches.length; i += 4) {
        for (const result of await Promise.all(
          batches.slice(i, i + 4).map((race) => raceOn(stream, [one, two], race)),
        )) {
          races.raced += Number(result.raced);
          races.acknowledged += result.acknowledged;
        }
      }
      mysql.proxy!.restore();
    });
    notes.push(
      `races: ${races.raced} of ${races.planned} raced (both writes sent at once), ${races.acknowledged} racing writes acknowledged`,
    );

    // Everything healed: the targets must agree by themselves (hints and sync), and so must the instances.
    const convergenceSeconds = await convergence(
      [...targets, { driver: 'file', uri: new URL(folderUri) }],
      180_000,
      notes,
    );
    let disagreements: number;
    let final: FinalIncident[];
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [a, b] = await Promise.all([incidentsOf(one), incidentsOf(two)]);
      const other = new Map(b.map((i) => [i.guid, JSON.stringify(i)]));
      disagreements =
        a.filter((i) => other.get(i.guid) !== JSON.stringify(i)).length +
        Math.abs(a.length - b.length);
      final = a;
      if (disagreements === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await readers.stop();

    const verdict = ledger.judge(final);
    const result: ChaosResult = {
      scale: scaleName,
      acknowledged: verdict.acknowledged,
      lost: verdict.lost,
      resurrected: verdict.resurrected,
      reverted: verdict.reverted,
      ghosts: verdict.ghosts,
      duplicates: verdict.duplicates,
      serverErrors: stream.counts.serverErrors + readers.counts.serverErrors,
      unknown503: stream.counts.unknown + readers.counts.unknown,
      noQuorum503: stream.counts.noQuorum,
      readErrors: readers.counts.wrong,
      reads: readers.counts.reads,
      disagreements,
      convergenceSeconds,
    };
    notes.push(
      `writes: ${verdict.acknowledged} acknowledged, ${verdict.refused} refused, ${verdict.unanswered} unanswered (connection lost mid-request)`,
      ...unhealed.map((line) => `targets not healed: ${line}`),
      `reads: ${readers.counts.reads}, of which ${readers.counts.unreachable} unreachable (instance killed or restarting)`,
      ...verdict.findings.slice(0, 30),
      ...stream.counts.samples,
      ...readers.counts.samples,
    );
    const report = chaosReport(result, phases, notes);
    writeReport(report, Object.fromEntries(instances.map((i) => [i.name, i.output()])));
    console.info(report);

    const required = Object.fromEntries(MUST_BE_ZERO.map((key) => [key, result[key]]));
    expect(required).toEqual(Object.fromEntries(MUST_BE_ZERO.map((key) => [key, 0])));
    expect(convergenceSeconds, 'targets converge without a manual sync').not.toBeNull();
    expect(verdict.acknowledged).toBeGreaterThan(SCALE.operations);
    expect(unhealed, 'every healed target is up again before the next fault').toEqual([]);
    // A race whose writes were refused tested nothing: most must have raced, and been answered.
    // (Of a delete and an update, one may rightly be refused: the update after the delete.)
    expect(races.raced, 'races that really raced').toBeGreaterThanOrEqual(
      Math.ceil(0.9 * races.planned),
    );
    expect(races.acknowledged, 'racing writes acknowledged').toBeGreaterThanOrEqual(
      Math.floor(1.5 * races.planned),
    );
  }, 900_000);
});
