import { describe, expect, it } from 'vitest';
import { HybridLogicalClock } from './hlc.ts';
import { memorySnapshotStore } from '../../test/support/memory-snapshot-store.ts';
import {
  memoryTargets,
  reopen,
  replicatorsForEachTest,
} from '../../test/support/replication-fixtures.ts';
import type { ViewSnapshot } from './snapshot.ts';

const replicators = replicatorsForEachTest();
const T0 = Date.UTC(2026, 2, 10, 9);
const DAY = 24 * 60 * 60_000;

const outage = { title: 'Database down', state: 'major_outage' };

/** A view saved by a previous run: one live incident and one deleted. */
async function savedView(now: number) {
  const drivers = memoryTargets(1);
  const snapshot = memorySnapshotStore();
  const first = await replicators.start({
    drivers,
    snapshot,
    now: () => now,
    snapshotDebounceMs: 5,
  });
  await first.write([
    { kind: 'incident', id: 'open', body: outage },
    { kind: 'incident', id: 'gone', body: { title: 'deleted later' } },
  ]);
  await first.write([{ kind: 'incident', id: 'gone', deleted: true }]);
  await first.stop();
  return { drivers, snapshot };
}

describe('the view snapshot', () => {
  it('without a snapshot and with every target down, the view says it knows nothing', async () => {
    const [target] = memoryTargets(1);
    target!.setMode('fail');
    const replicator = await replicators.start({
      drivers: [target!],
      snapshot: memorySnapshotStore(),
    });
    expect(replicator.loadState).toEqual({ source: 'none' });
    expect(replicator.list('incident')).toEqual([]);
  });

  it('a restart with every target down serves the saved state, marked as of when it was saved', async () => {
    const { drivers, snapshot } = await savedView(T0);
    expect(snapshot.writes).toBeGreaterThan(0);
    const down = reopen(drivers);
    for (const d of down) d.setMode('hang');
    const restarted = await replicators.start({
      drivers: down,
      snapshot,
      now: () => T0 + 60_000,
      writeTimeoutMs: 50,
    });
    expect(restarted.loadState).toEqual({ source: 'snapshot', asOf: new Date(T0).toISOString() });
    expect(restarted.get('incident', 'open')?.body).toEqual(outage);
    expect(restarted.get('incident', 'gone')).toBeUndefined();
    for (const d of down) await d.releaseHung();
  });

  it('a restart reads no record of a kind the target holds exactly as the snapshot does, and does read a kind that differs', async () => {
    const { drivers, snapshot } = await savedView(T0);
    // Written by another instance after the snapshot: the target now differs in that kind only.
    await drivers[0]!.put([
      {
        kind: 'subscriber',
        id: 's1',
        rev: new HybridLogicalClock(undefined, () => T0 + 1000).next(),
        deleted: false,
        body: { email: 'a@example.com' },
      },
    ]);
    const [again] = reopen(drivers);
    const restarted = await replicators.start({
      drivers: [again!],
      snapshot,
      now: () => T0 + 60_000,
    });
    expect(again!.calls.list).toBe(1);
    expect(restarted.get('incident', 'open')?.body).toEqual(outage);
    expect(restarted.get('subscriber', 's1')?.body).toEqual({ email: 'a@example.com' });
    expect(restarted.loadState).toEqual({ source: 'target' });
  });

  it('records a target holds at a newer rev win; tombstones in the snapshot keep older revs out', async () => {
    const { drivers, snapshot } = await savedView(T0);
    const [target] = reopen(drivers);
    // Another instance resolved the incident meanwhile, and an old copy of the deleted one lingers on the target.
    const other = new HybridLogicalClock('other', () => T0 + DAY);
    const oldClock = new HybridLogicalClock('old', () => T0 - DAY);
    await target!.put([
      {
        kind: 'incident',
        id: 'open',
        rev: other.next(),
        deleted: false,
        body: { title: 'Database down', state: 'resolved' },
      },
    ]);
    await target!.inner.put([
      {
        kind: 'incident',
        id: 'gone',
        rev: oldClock.next(),
        deleted: false,
        body: { title: 'stale copy' },
      },
    ]);
    const restarted = await replicators.start({
      drivers: [target!],
      snapshot,
      now: () => T0 + DAY,
    });
    expect(restarted.loadState).toEqual({ source: 'target' });
    expect(restarted.get('incident', 'open')?.body).toMatchObject({ state: 'resolved' });
    expect(restarted.get('incident', 'gone')).toBeUndefined();
  });

  it('a snapshot older than the tombstone retention is not restored (a delete it missed may be purged)', async () => {
    const { drivers, snapshot } = await savedView(T0);
    const down = reopen(drivers);
    for (const d of down) d.setMode('fail');
    const restarted = await replicators.start({
      drivers: down,
      snapshot,
      now: () => T0 + 31 * DAY,
      tombstoneRetentionMs: 30 * DAY,
    });
    expect(restarted.loadState).toEqual({ source: 'none' });
    expect(restarted.get('incident', 'open')).toBeUndefined();
  });

  it('an unreadable snapshot is ignored, not fatal', async () => {
    const [target] = memoryTargets(1);
    target!.setMode('fail');
    const snapshot = memorySnapshotStore({
      format: 1,
      writtenAt: new Date(T0).toISOString(),
      records: [{ kind: 'incident' }],
    });
    const replicator = await replicators.start({ drivers: [target!], snapshot, now: () => T0 });
    expect(replicator.loadState).toEqual({ source: 'none' });
  });

  it('a burst of writes is one snapshot write, and a failing snapshot write does not fail the writes', async () => {
    const snapshot = memorySnapshotStore();
    const replicator = await replicators.start({
      drivers: memoryTargets(1),
      snapshot,
      snapshotDebounceMs: 30,
    });
    await new Promise((r) => setTimeout(r, 60));
    const before = snapshot.writes;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        replicator.write([{ kind: 'incident', id: `i${i}`, body: { n: i } }]),
      ),
    );
    await new Promise((r) => setTimeout(r, 80));
    expect(snapshot.writes).toBe(before + 1);
    expect((snapshot.stored as ViewSnapshot).records).toHaveLength(20);
    snapshot.failWrites = true;
    await expect(
      replicator.write([{ kind: 'incident', id: 'more', body: {} }]),
    ).resolves.toHaveLength(1);
  });
});
