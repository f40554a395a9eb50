import { describe, expect, it, vi } from 'vitest';
import type { StorageDriver } from '../../storage-drivers/types.ts';
import { backoffDelay } from './backoff.ts';
import { fromHintRecord, HintQueue, hintId, toHintRecord } from './hints.ts';
import { HINT_KIND } from './internal-kinds.ts';
import {
  expectConverged,
  memoryTargets,
  readAll,
  record,
  reopen,
  replicatorsForEachTest,
} from '../../test/support/replication-fixtures.ts';

const { start: startReplicator } = replicatorsForEachTest();

const rev = (n: number) => `0190000000${n.toString(16).padStart(2, '0')}-000000-w`;
const liveHints = async (driver: StorageDriver) =>
  (await readAll(driver, HINT_KIND)).filter((h) => !h.deleted);

describe('hint queue', () => {
  it('keeps only the newest rev per target and record', () => {
    const queue = new HintQueue();
    expect(queue.add(1, [record('incident', 'a', rev(2))])).toHaveLength(1);
    expect(queue.add(1, [record('incident', 'a', rev(3))])).toHaveLength(1);
    expect(queue.add(1, [record('incident', 'a', rev(1))])).toHaveLength(0);
    queue.add(2, [record('incident', 'a', rev(1))]);
    expect(queue.count(1)).toBe(1);
    expect(queue.peek(1, 10)[0]!.record.rev).toBe(rev(3));
    expect(queue.targetsWithHints().sort()).toEqual([1, 2]);
  });

  it('does not forget a hint that a newer rev replaced during delivery', () => {
    const queue = new HintQueue();
    queue.add(0, [record('incident', 'a', rev(1))]);
    const delivering = queue.peek(0, 10);
    queue.add(0, [record('incident', 'a', rev(2))]);
    expect(queue.remove(0, delivering)).toHaveLength(0);
    expect(queue.peek(0, 10)[0]!.record.rev).toBe(rev(2));
  });

  it('encodes hints as records and back, hashing ids that would be too long', () => {
    const hinted = record('incident', 'x'.repeat(200), rev(1));
    const stored = toHintRecord('abcd1234', hinted);
    expect(stored.kind).toBe(HINT_KIND);
    expect(stored.id.length).toBeLessThanOrEqual(200);
    expect(stored.rev).toBe(hinted.rev);
    expect(fromHintRecord(stored)).toEqual({ targetKey: 'abcd1234', record: hinted });
    expect(hintId('abcd1234', 'incident', 'short')).toBe('abcd1234:incident:short');
    expect(
      fromHintRecord({ ...stored, body: { target: 'k', record: { kind: 'incident' } } }),
    ).toHaveProperty('problem');
  });
});

describe('backoff', () => {
  it('doubles from the base, stays under the cap, and is jittered', () => {
    const policy = { baseMs: 500, maxMs: 60_000 };
    expect([1, 2, 3].map((n) => backoffDelay(n, policy, () => 1))).toEqual([500, 1000, 2000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(1000);
    expect(backoffDelay(30, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(30, policy, () => 0)).toBe(30_000);
  });
});

describe('hinted handoff', () => {
  it('queues one hint per record however often it changed, persisted once on a target that took the writes', async () => {
    const [a, b] = memoryTargets(2);
    b!.setMode('fail', ['put']);
    const replicator = await startReplicator({ drivers: [a!, b!], writeTimeoutMs: 100 });
    for (let i = 0; i < 10; i++)
      await replicator.write([{ kind: 'incident', id: 'busy', body: { i } }]);
    await replicator.settle();

    expect(replicator.targets()[1]).toMatchObject({ queuedHints: 1, state: 'down' });
    const persisted = await liveHints(a!.inner);
    expect(persisted).toHaveLength(1);
    expect((persisted[0]!.body as { record: { body: unknown } }).record.body).toEqual({ i: 9 });
    expect(await liveHints(b!.inner)).toHaveLength(0);
  });

  it('survives a restart: the next process loads the hints, delivers them and tombstones them', async () => {
    const drivers = memoryTargets(3);
    drivers[2]!.setMode('fail');
    const first = await startReplicator({ drivers, writeTimeoutMs: 100 });
    for (let i = 0; i < 5; i++) await first.write([{ kind: 'incident', id: `i${i}`, body: { i } }]);
    await first.settle();
    await first.stop(); // "crash": the hints were never delivered
    expect(await drivers[2]!.inner.digest()).toEqual({});

    const second = await startReplicator({ drivers: reopen(drivers), writeTimeoutMs: 100 });
    expect(second.targets()[2]!.queuedHints).toBe(5);
    await second.flushHints();
    await second.settle();

    expect(second.targets()[2]!.queuedHints).toBe(0);
    expect((await readAll(drivers[2]!.inner, 'incident')).map((r) => r.id).sort()).toEqual([
      'i0',
      'i1',
      'i2',
      'i3',
      'i4',
    ]);
    expect(await liveHints(drivers[0]!.inner)).toHaveLength(0);
    await expectConverged(drivers);
  });

  it('retries with backoff on its own until the target takes the hints', async () => {
    const [a, b] = memoryTargets(2);
    b!.setMode('fail', ['put']);
    const replicator = await startReplicator({
      drivers: [a!, b!],
      writeTimeoutMs: 100,
      hintRetryBaseMs: 5,
      hintRetryMaxMs: 20,
    });
    await replicator.write([{ kind: 'incident', id: 'later', body: {} }]);
    await replicator.settle();
    await vi.waitFor(() => expect(b!.calls.put).toBeGreaterThanOrEqual(3));
    b!.setMode('ok');
    await vi.waitFor(() => expect(replicator.targets()[1]!.queuedHints).toBe(0));
    await replicator.settle();
    await expectConverged([a!, b!]);
  });

  it('delivers at once when the health check sees the target back', async () => {
    const [a, b] = memoryTargets(2);
    b!.setMode('fail');
    const replicator = await startReplicator({
      drivers: [a!, b!],
      writeTimeoutMs: 100,
      hintRetryBaseMs: 60_000,
      hintRetryMaxMs: 60_000,
    });
    await replicator.write([{ kind: 'incident', id: 'x', body: {} }]);
    await replicator.settle();
    b!.setMode('ok');
    await replicator.checkHealth();
    await vi.waitFor(() => expect(replicator.targets()[1]!.queuedHints).toBe(0));
    await replicator.settle();
    await expectConverged([a!, b!]);
  });

  it('never lets the sync copy hints, and drops hints for targets no longer configured', async () => {
    const drivers = memoryTargets(3);
    drivers[2]!.setMode('fail');
    const first = await startReplicator({ drivers, writeTimeoutMs: 100 });
    await first.write([{ kind: 'incident', id: 'x', body: {} }]);
    await first.settle();
    await first.syncOnce();
    expect(await liveHints(drivers[0]!.inner)).toHaveLength(1);
    expect(await liveHints(drivers[1]!.inner)).toHaveLength(0);
    await first.stop();

    // Restart with the third target removed from the configuration.
    const second = await startReplicator({ drivers: reopen(drivers.slice(0, 2)) });
    await second.settle();
    expect(second.targets().map((t) => t.queuedHints)).toEqual([0, 0]);
    expect(await liveHints(drivers[0]!.inner)).toHaveLength(0);
  });
});
