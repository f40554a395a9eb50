import { describe, expect, it } from 'vitest';
import { revAtWallTime } from './hlc.ts';
import { HINT_KIND } from './internal-kinds.ts';
import {
  expectConverged,
  memoryTargets,
  readAll,
  record,
  replicatorsForEachTest,
} from '../../test/support/replication-fixtures.ts';
import { formatSyncReport, syncExitCode } from '../runtime/sync-report.ts';
import type { SyncProgress } from './types.ts';

const { create: replicatorFor } = replicatorsForEachTest();

const DAY = 24 * 60 * 60_000;
const NOW = Date.UTC(2026, 5, 1);
/** A rev `minutesAgo` before NOW. */
const revAgo = (minutesAgo: number, writer = 'w') =>
  revAtWallTime(NOW - minutesAgo * 60_000).replace(/-0$/, `-${writer}`);

describe('anti-entropy sync', () => {
  it('reports the kinds whose digests still differ after the pass, and staunch sync exits 1 for them', async () => {
    const [a, b] = memoryTargets(2);
    // A target that stores something other than what it was given, as PostgreSQL once stored
    // U+FFFD for a lone surrogate: every pass copies, nothing fails, and the digests never agree.
    const put = b!.put.bind(b);
    b!.put = (records) => put(records.map((r) => ({ ...r, id: r.id.toUpperCase() })));
    await a!.inner.put([record('incident', 'mangled', revAgo(5))]);

    const report = await replicatorFor({ drivers: [a!, b!], now: () => NOW }).syncOnce();

    expect(report.targets.every((t) => t.reachable && t.errors.length === 0)).toBe(true);
    expect(report.unconverged).toEqual(['incident']);
    expect(syncExitCode(report)).toBe(1);
    expect(formatSyncReport(report)).toContain('Still different after the pass: incident');
    const fine = await replicatorFor({ drivers: memoryTargets(2), now: () => NOW }).syncOnce();
    expect(fine.unconverged).toEqual([]);
    expect(syncExitCode(fine)).toBe(0);
  });

  it('copies the newest rev of every record both ways and reports what went where', async () => {
    const [a, b] = memoryTargets(2);
    await a!.inner.put([
      record('incident', 'only-a', revAgo(9)),
      record('incident', 'both', revAgo(5)),
      record('subscriber', 's1', revAgo(8)),
    ]);
    await b!.inner.put([
      record('incident', 'only-b', revAgo(7)),
      { ...record('incident', 'both', revAgo(3)), body: { newer: true } },
    ]);

    const report = await replicatorFor({ drivers: [a!, b!], now: () => NOW }).syncOnce();

    expect(report.targets[0]!.copied).toEqual({ incident: 2 });
    expect(report.targets[1]!.copied).toEqual({ incident: 1, subscriber: 1 });
    expect(report.kindsRepaired).toEqual(['incident', 'subscriber']);
    expect((await a!.inner.get('incident', 'both'))?.body).toEqual({ newer: true });
    await expectConverged([a!, b!]);
    const again = await replicatorFor({ drivers: [a!, b!], now: () => NOW }).syncOnce();
    expect(again.kindsRepaired).toEqual([]);
  });

  it('carries tombstones, so a delete that reached one target is not undone by the others', async () => {
    const drivers = memoryTargets(3);
    for (const d of drivers) await d.inner.put([record('incident', 'gone', revAgo(10))]);
    await drivers[1]!.inner.put([record('incident', 'gone', revAgo(2), null, true)]);

    const replicator = replicatorFor({ drivers, now: () => NOW });
    await replicator.start();
    expect(replicator.get('incident', 'gone')).toBeUndefined();
    await replicator.syncOnce();
    for (const d of drivers)
      expect(await d.inner.get('incident', 'gone')).toMatchObject({ deleted: true });
    await expectConverged(drivers);
  });

  it('purges tombstones past the retention everywhere, and keeps younger ones', async () => {
    const drivers = memoryTargets(2);
    await drivers[0]!.inner.put([
      record('incident', 'old', revAgo((31 * DAY) / 60_000), null, true),
      record('incident', 'young', revAgo(60), null, true),
    ]);
    const report = await replicatorFor({
      drivers,
      now: () => NOW,
      tombstoneRetentionMs: 30 * DAY,
    }).syncOnce();

    expect(report.targets.map((t) => t.purged)).toEqual([1, 1]);
    for (const d of drivers)
      expect((await readAll(d.inner, 'incident')).map((r) => r.id)).toEqual(['young']);
    await expectConverged(drivers);
  });

  it('repairs a target from thousands of records, page by page, with progress', async () => {
    const [full, empty] = memoryTargets(2);
    await full!.inner.put(
      Array.from({ length: 2500 }, (_, i) =>
        record('incident', `i${String(i).padStart(5, '0')}`, revAgo(100 - i / 100)),
      ),
    );
    const events: SyncProgress[] = [];
    const report = await replicatorFor({ drivers: [full!, empty!], now: () => NOW }).syncOnce({
      onProgress: (e) => events.push(e),
    });

    expect(report.targets[1]!.copied).toEqual({ incident: 2500 });
    expect(full!.calls.list).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => e.phase === 'copy').at(-1)).toMatchObject({
      copied: 2500,
      total: 2500,
    });
    expect(events.map((e) => e.phase)).toEqual(
      expect.arrayContaining(['digest', 'compare', 'scan', 'copy', 'purge']),
    );
    await expectConverged([full!, empty!]);
  });

  it('writes while it reads: the first batches go out before the largest source is read to the end', async () => {
    const [full, empty] = memoryTargets(2);
    await full!.inner.put(
      Array.from({ length: 5000 }, (_, i) =>
        record('incident', `i${String(i).padStart(5, '0')}`, revAgo(100 - i / 100)),
      ),
    );
    let listsAtFirstPut: number | undefined;
    const put = empty!.put.bind(empty);
    empty!.put = (records) => {
      listsAtFirstPut ??= full!.calls.list;
      return put(records);
    };
    const events: SyncProgress[] = [];
    const report = await replicatorFor({ drivers: [full!, empty!], now: () => NOW }).syncOnce({
      onProgress: (e) => events.push(e),
    });

    expect(report.targets[1]!.copied).toEqual({ incident: 5000 });
    expect(listsAtFirstPut).toBeLessThan(full!.calls.list);
    const copies = events.filter((e) => e.phase === 'copy');
    expect(copies.some((e) => e.scanning)).toBe(true);
    expect(copies.at(-1)).toMatchObject({ copied: 5000, total: 5000, scanning: false });
    await expectConverged([full!, empty!]);
  });

  it('spreads a kind smaller than one batch over the batches it may keep in flight', async () => {
    const [full, empty] = memoryTargets(2);
    await full!.inner.put(
      Array.from({ length: 200 }, (_, i) => record('subscriber', `s${i}`, revAgo(5))),
    );
    const put = empty!.put.bind(empty);
    let inFlight = 0;
    let most = 0;
    empty!.put = async (records) => {
      most = Math.max(most, ++inFlight);
      try {
        await new Promise((r) => setTimeout(r, 5));
        return await put(records);
      } finally {
        inFlight--;
      }
    };
    const report = await replicatorFor({ drivers: [full!, empty!], now: () => NOW }).syncOnce();

    expect(report.targets[1]!.copied).toEqual({ subscriber: 200 });
    expect(most).toBe(4);
  });

  it('sends the next kind while the last batches of the one before are written, within the same slots', async () => {
    const [full, empty] = memoryTargets(2);
    await full!.inner.put([
      ...Array.from({ length: 2200 }, (_, i) => record('incident', `i${i}`, revAgo(5))),
      ...Array.from({ length: 300 }, (_, i) => record('subscriber', `s${i}`, revAgo(5))),
    ]);
    const put = empty!.put.bind(empty);
    const inFlight = new Map<string, number>();
    let most = 0;
    let overlapped = false;
    empty!.put = async (records) => {
      const kind = records[0]!.kind;
      inFlight.set(kind, (inFlight.get(kind) ?? 0) + 1);
      most = Math.max(
        most,
        [...inFlight.values()].reduce((a, b) => a + b, 0),
      );
      if (kind === 'subscriber' && (inFlight.get('incident') ?? 0) > 0) overlapped = true;
      try {
        await new Promise((r) => setTimeout(r, 10));
        return await put(records);
      } finally {
        inFlight.set(kind, inFlight.get(kind)! - 1);
      }
    };
    const report = await replicatorFor({ drivers: [full!, empty!], now: () => NOW }).syncOnce();

    expect(report.targets[1]!.copied).toEqual({ incident: 2200, subscriber: 300 });
    expect(overlapped).toBe(true);
    expect(most).toBe(4);
    await expectConverged([full!, empty!]);
  });

  it('settles every id across three targets when the largest holds older revs and lacks some ids', async () => {
    const [large, small, empty] = memoryTargets(3);
    await large!.inner.put([
      ...Array.from({ length: 5 }, (_, i) => record('incident', `x${i}`, revAgo(50))),
      record('incident', 'large-only', revAgo(40)),
    ]);
    await small!.inner.put([
      { ...record('incident', 'x0', revAgo(10)), body: { newer: true } },
      record('incident', 'small-only', revAgo(30)),
    ]);

    const report = await replicatorFor({
      drivers: [small!, empty!, large!],
      now: () => NOW,
    }).syncOnce();

    expect(report.targets.map((t) => t.copied.incident)).toEqual([5, 7, 2]);
    expect(report.targets.map((t) => t.behind)).toEqual([0, 0, 0]);
    expect((await large!.inner.get('incident', 'x0'))?.body).toEqual({ newer: true });
    await expectConverged([large!, small!, empty!]);
  });

  it('keeps a few batches in flight, and counts what a failed copy left behind', async () => {
    const [full, empty] = memoryTargets(2);
    await full!.inner.put(
      Array.from({ length: 5000 }, (_, i) =>
        record('incident', `i${String(i).padStart(5, '0')}`, revAgo(100 - i / 100)),
      ),
    );
    const put = empty!.put.bind(empty);
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    empty!.put = async (records) => {
      calls++;
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        await new Promise((r) => setTimeout(r, 5));
        // The sixth batch fails as a lost connection would (not a refusal of these records).
        if (calls === 6) throw new Error('connection terminated unexpectedly');
        return await put(records);
      } finally {
        inFlight--;
      }
    };
    const report = await replicatorFor({ drivers: [full!, empty!], now: () => NOW }).syncOnce();

    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
    const copied = report.targets[1]!.copied.incident ?? 0;
    expect(copied).toBeLessThan(5000);
    expect(report.targets[1]!.errors.join()).toContain('connection terminated');
    // Whatever was not copied is reported as behind, to the record.
    expect(report.targets[1]!.behind).toBe(5000 - copied);
    expect(await readAll(empty!.inner, 'incident')).toHaveLength(copied);
  });

  it('syncs the reachable targets when one is down, and reports it', async () => {
    const drivers = memoryTargets(3);
    await drivers[0]!.inner.put([record('incident', 'a', revAgo(1))]);
    drivers[2]!.setMode('fail');
    drivers[2]!.failureMessage = 'connect ECONNREFUSED postgres://staunch:hunter2@db:5432/staunch';

    const report = await replicatorFor({ drivers, now: () => NOW }).syncOnce();

    expect(report.targets[2]).toMatchObject({ reachable: false, copied: {} });
    expect(report.targets[2]!.errors.join()).not.toContain('hunter2');
    expect(report.targets[1]!.copied).toEqual({ incident: 1 });
    await expectConverged(drivers.slice(0, 2));
  });

  it('never copies engine-internal records (hints)', async () => {
    const [a, b] = memoryTargets(2);
    await a!.inner.put([
      record(HINT_KIND, 'k:incident:x', revAgo(1), {
        target: 'k',
        record: { ...record('incident', 'x', revAgo(1)) },
      }),
    ]);
    const report = await replicatorFor({ drivers: [a!, b!], now: () => NOW }).syncOnce();
    expect(report.kindsCompared).toBe(0);
    expect(Object.keys(await b!.inner.digest())).toEqual(['_sync']); // its own sync mark, no hint
  });

  it('corrects the view where polling missed a record', async () => {
    const [a, b] = memoryTargets(2);
    const replicator = replicatorFor({ drivers: [a!, b!], pollLookbackMs: 1_000 });
    await replicator.start();
    await replicator.write([{ kind: 'incident', id: 'recent', body: {} }]);
    await replicator.pollOnce(); // the cursors move past the write
    // Another instance with a slow clock writes a record whose rev is older than this one's cursor.
    const late = record(
      'incident',
      'late',
      revAtWallTime(Date.now() - 60_000).replace(/-0$/, '-slow'),
    );
    for (const d of [a!, b!]) await d.inner.put([late]);

    await replicator.pollOnce();
    expect(replicator.get('incident', 'late')).toBeUndefined(); // older than the lookback: polling cannot see it
    const report = await replicator.syncOnce();
    expect(report.viewRepaired).toBe(1);
    expect(replicator.get('incident', 'late')).toEqual(late);
  });
});

describe('inspect (staunch targets check)', () => {
  it('counts what each target lacks and the hints waiting for it, and writes nothing', async () => {
    const [a, b, c] = memoryTargets(3);
    await a!.inner.put([
      record('incident', 'i1', revAgo(9)),
      record('incident', 'i2', revAgo(8)),
      record('subscriber', 's1', revAgo(7)),
    ]);
    await b!.inner.put([record('incident', 'i1', revAgo(9))]);
    const writer = replicatorFor({ drivers: [a!, b!, c!], now: () => NOW });
    await writer.start();
    c!.setMode('fail');
    await writer.write([{ kind: 'incident', id: 'hinted', body: { x: 1 } }]);
    await writer.settle();
    const before = await Promise.all([a!, b!].map((d) => d.inner.digest()));

    const rows = await replicatorFor({ drivers: [a!, b!, c!], now: () => NOW }).inspect();

    expect(rows.map((r) => [r.state, r.behind, r.queuedHints, r.lastSync])).toEqual([
      ['up', 0, 0, null],
      ['up', 2, 0, null], // i2 and s1; the new write reached it
      ['down', null, 1, null],
    ]);
    expect(rows[2]!.error).toBeTruthy();
    expect(await Promise.all([a!, b!].map((d) => d.inner.digest()))).toEqual(before);
  });

  it('reports when a sync pass last completed on each target, also to a later process', async () => {
    const [a, b] = memoryTargets(2);
    await a!.inner.put([record('incident', 'i1', revAgo(9))]);
    await replicatorFor({ drivers: [a!, b!], now: () => NOW }).syncOnce();

    const rows = await replicatorFor({ drivers: [a!, b!], now: () => NOW + 60_000 }).inspect();
    expect(rows.map((r) => [r.behind, r.lastSync])).toEqual([
      [0, new Date(NOW).toISOString()],
      [0, new Date(NOW).toISOString()],
    ]);
    const restarted = replicatorFor({ drivers: [a!, b!], now: () => NOW + 60_000 });
    await restarted.start();
    expect(restarted.targets().map((t) => t.lastSync)).toEqual([
      new Date(NOW).toISOString(),
      new Date(NOW).toISOString(),
    ]);
  });
});
