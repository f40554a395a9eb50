import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { HINT_KIND } from './internal-kinds.ts';
import {
  clockFor,
  expectConverged,
  memoryTargets,
  readAll,
  reopen,
  replicatorsForEachTest,
} from '../../test/support/replication-fixtures.ts';
import { InvalidRecordError, QuorumError, type Mutation, type Replicator } from './types.ts';

afterEach(() => {
  vi.useRealTimers();
});
const { create: createReplicator, start: startReplicator } = replicatorsForEachTest();

const incident = (id: string, title: string) => ({ kind: 'incident', id, body: { title } });

describe('write quorum', () => {
  it('quorum 1 answers once one target applied the write, without waiting for a hanging one', async () => {
    const [fast, hanging] = memoryTargets(2);
    hanging!.setMode('hang', ['put']);
    const replicator = await startReplicator({
      drivers: [fast!, hanging!],
      writeQuorum: 1,
      writeTimeoutMs: 60_000,
    });

    const [written] = await replicator.write([incident('a', 'first')]);

    expect(hanging!.hungCalls).toBe(1); // still unanswered when the caller got its answer
    expect(replicator.get('incident', 'a')).toEqual(written);
    expect(await fast!.inner.get('incident', 'a')).toEqual(written);
    await hanging!.releaseHung();
    await replicator.settle();
    await expectConverged([fast!, hanging!]);
  });

  it('majority tolerates a minority of failed targets and rejects otherwise', async () => {
    const drivers = memoryTargets(3);
    const replicator = await startReplicator({
      drivers,
      writeQuorum: 'majority',
      writeTimeoutMs: 200,
    });
    drivers[2]!.setMode('fail', ['put']);
    await expect(replicator.write([incident('a', 'ok')])).resolves.toHaveLength(1);

    drivers[1]!.setMode('fail', ['put']);
    const error = await replicator.write([incident('b', 'too few')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuorumError);
    expect(error).toMatchObject({ needed: 2 });
    expect(replicator.get('incident', 'b')).toBeUndefined();
  });

  it('all needs every target', async () => {
    const drivers = memoryTargets(3);
    const replicator = await startReplicator({ drivers, writeQuorum: 'all', writeTimeoutMs: 200 });
    await replicator.write([incident('a', 'everywhere')]);
    drivers[0]!.setMode('fail', ['put']);
    await expect(replicator.write([incident('b', 'not everywhere')])).rejects.toBeInstanceOf(
      QuorumError,
    );
  });

  it('gives up on a hanging target at the write timeout, not later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const [ok, hanging] = memoryTargets(2);
    hanging!.setMode('hang', ['put']);
    const replicator = await startReplicator({
      drivers: [ok!, hanging!],
      writeQuorum: 'all',
      writeTimeoutMs: 5_000,
    });

    let outcome: unknown = 'pending';
    replicator.write([incident('slow', 'waits for all')]).then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = error),
    );
    await vi.advanceTimersByTimeAsync(4_999);
    expect(outcome).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toBeInstanceOf(QuorumError);
  });

  it('stamps revs higher than anything read, and rejects reserved or malformed records', async () => {
    const [target] = memoryTargets(1);
    const future = '7fffffffffff-000000-other';
    await target!.inner.put([
      { kind: 'incident', id: 'old', rev: future, deleted: false, body: {} },
    ]);
    const replicator = await startReplicator({ drivers: [target!] });
    const [written] = await replicator.write([incident('new', 'after')]);
    expect(written!.rev > future).toBe(true);

    await expect(replicator.write([{ kind: HINT_KIND, id: 'x', body: {} }])).rejects.toThrow(
      /reserved/,
    );
    await expect(replicator.write([{ kind: 'Bad Kind', id: 'x', body: {} }])).rejects.toThrow(
      InvalidRecordError,
    );
    await expect(replicator.write([{ kind: 'incident', id: '', body: {} }])).rejects.toThrow(
      InvalidRecordError,
    );
  });

  it('refuses a record no backend stores as given before calling any target, so nothing is acknowledged', async () => {
    const [target] = memoryTargets(1);
    const replicator = await startReplicator({ drivers: [target!] });
    const puts = target!.calls.put;
    const refused: Mutation[] = [
      { kind: 'subscriber', id: 'a\u0000b@x.co', body: { email: 'a\u0000b@x.co' } },
      { kind: 'incident_update', id: 'guid-\ud83d', body: {} },
      { kind: 'incident', id: 'ok', body: { title: 'half \udc00 a character' } },
    ];
    for (const mutation of refused) {
      const error = await replicator
        .write([incident('innocent', 'same batch'), mutation])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidRecordError);
      expect(error).toMatchObject({ code: 'INVALID_RECORD', kind: mutation.kind });
    }
    expect(target!.calls.put).toBe(puts);
    expect(replicator.get('incident', 'innocent')).toBeUndefined();
  });

  it('keeps the caller from changing what is replicated, and readers from changing the view', async () => {
    const [target] = memoryTargets(1);
    const replicator = await startReplicator({ drivers: [target!] });
    const body = { title: 'original' };
    await replicator.write([{ kind: 'incident', id: 'a', body }]);
    body.title = 'changed afterwards';
    expect(replicator.get('incident', 'a')?.body).toEqual({ title: 'original' });
    expect(
      () => ((replicator.get('incident', 'a')!.body as { title: string }).title = 'x'),
    ).toThrow(TypeError);
  });
});

describe('no ghost writes', () => {
  /** The failed write's records as every target holds them once hints are delivered and a sync ran. */
  async function settleEverything(
    replicator: Replicator,
    drivers: ReturnType<typeof memoryTargets>,
  ) {
    for (const d of drivers) d.setMode('ok');
    await replicator.checkHealth();
    await replicator.settle();
    await replicator.flushHints();
    await replicator.syncOnce();
    await replicator.settle();
  }

  it('rolls back a write that failed its quorum, even on a target that applied it late', async () => {
    const drivers = memoryTargets(3);
    const [accepting, failing, late] = drivers;
    const replicator = await startReplicator({ drivers, writeQuorum: 'all', writeTimeoutMs: 100 });
    failing!.setMode('fail', ['put']);
    // The late target times out on the write, then misses the rollback too.
    late!.queueModes('put', 'hang', 'fail');

    await expect(replicator.write([incident('ghost', 'must never appear')])).rejects.toBeInstanceOf(
      QuorumError,
    );
    expect(replicator.get('incident', 'ghost')).toBeUndefined();
    // The target that accepted it is already rolled back when the caller hears of the failure.
    expect(await accepting!.inner.get('incident', 'ghost')).toMatchObject({ deleted: true });

    await late!.releaseHung(); // the timed-out write lands after all...
    expect(await late!.inner.get('incident', 'ghost')).toMatchObject({ deleted: false });
    // ...and is undone by the hinted rollback.
    await settleEverything(replicator, drivers);

    for (const driver of drivers)
      expect(await driver.inner.get('incident', 'ghost')).toMatchObject({
        deleted: true,
        body: null,
      });
    expect(replicator.get('incident', 'ghost')).toBeUndefined();
    await expectConverged(drivers);

    const fresh = createReplicator({ drivers: reopen(drivers) });
    await fresh.start();
    await fresh.syncOnce();
    expect(fresh.get('incident', 'ghost')).toBeUndefined();
  });

  it('restores the previous version of an updated record, with a newer rev', async () => {
    const drivers = memoryTargets(2);
    const replicator = await startReplicator({ drivers, writeQuorum: 'all', writeTimeoutMs: 100 });
    const [before] = await replicator.write([incident('kept', 'before')]);
    drivers[1]!.setMode('fail', ['put']);

    await expect(replicator.write([incident('kept', 'failed update')])).rejects.toBeInstanceOf(
      QuorumError,
    );
    expect(replicator.get('incident', 'kept')?.body).toEqual({ title: 'before' });
    await settleEverything(replicator, drivers);

    for (const driver of drivers) {
      const held = await driver.inner.get('incident', 'kept');
      expect(held?.body).toEqual({ title: 'before' });
      expect(held!.rev > before!.rev).toBe(true);
    }
    await expectConverged(drivers);
  });

  it('never hints the failed write itself, only its rollback', async () => {
    const drivers = memoryTargets(3);
    const replicator = await startReplicator({
      drivers,
      writeQuorum: 'majority',
      writeTimeoutMs: 100,
    });
    drivers[1]!.setMode('fail', ['put']);
    drivers[2]!.queueModes('put', 'fail', 'fail');
    await expect(replicator.write([incident('x', 'failed')])).rejects.toBeInstanceOf(QuorumError);
    await replicator.settle();

    const hints = (await readAll(drivers[0]!.inner, HINT_KIND)).filter((h) => !h.deleted);
    const hinted = hints.map((h) => (h.body as unknown as { record: StoredRecord }).record);
    expect(hinted.length).toBeGreaterThan(0);
    for (const record of hinted)
      expect(record).toMatchObject({ id: 'x', deleted: true, body: null });
    await settleEverything(replicator, drivers);
    await expectConverged(drivers);
  });

  it('leaves nothing behind when every target is down, and queues only rollbacks', async () => {
    const drivers = memoryTargets(2);
    const replicator = await startReplicator({ drivers, writeQuorum: 1, writeTimeoutMs: 100 });
    for (const d of drivers) d.setMode('fail');
    await replicator.checkHealth();

    await expect(replicator.write([incident('x', 'nowhere')])).rejects.toBeInstanceOf(QuorumError);
    await replicator.settle();
    // A failed call may still have been applied, so the targets tried get the rollback.
    expect(replicator.targets().map((t) => t.queuedHints)).toEqual([1, 1]);
    await settleEverything(replicator, drivers);
    for (const driver of drivers)
      expect(await driver.inner.get('incident', 'x')).toMatchObject({ deleted: true });
    expect(replicator.targets().map((t) => t.queuedHints)).toEqual([0, 0]);
  });

  it('never rolls back a later acknowledged write of the same record', async () => {
    const drivers = memoryTargets(2);
    const [a, b] = drivers;
    const replicator = await startReplicator({
      drivers,
      writeQuorum: 'all',
      writeTimeoutMs: 1_000,
    });
    // First write: fails on b after 30 ms. Were the second write not held back until the first
    // one's rollback is done, it would be acknowledged first and then rolled back with it.
    a!.queueModes('put', 'ok', 'ok', { delayMs: 60 });
    b!.queueModes('put', { delayMs: 30, fail: true }, 'ok', 'ok');
    const first = replicator.write([incident('r', 'first (fails)')]);
    const second = replicator.write([incident('r', 'second (acknowledged)')]);

    await expect(first).rejects.toBeInstanceOf(QuorumError);
    const [acknowledged] = await second;
    await settleEverything(replicator, drivers);
    expect(replicator.get('incident', 'r')).toEqual(acknowledged);
    for (const driver of drivers)
      expect(await driver.inner.get('incident', 'r')).toEqual(acknowledged);
    await expectConverged(drivers);
  });
});

describe('rollback against concurrent writers', () => {
  it("never overwrites another instance's newer write made while the failed write was in flight", async () => {
    let wall = 1_800_000_000_000;
    const drivers = memoryTargets(2);
    const one = createReplicator({
      drivers,
      writeQuorum: 'all',
      writeTimeoutMs: 1_000,
      clock: clockFor('one', () => wall),
    });
    const two = createReplicator({ drivers: reopen(drivers), clock: clockFor('two', () => wall) });
    await Promise.all([one.start(), two.start()]);
    drivers[1]!.queueModes('put', { delayMs: 50, fail: true });

    const failing = one.write([incident('contested', 'from one, fails')]);
    wall += 10;
    const [other] = await two.write([incident('contested', 'from two, acknowledged')]);
    wall += 10;
    await expect(failing).rejects.toBeInstanceOf(QuorumError);

    for (const r of [one, two]) {
      await r.settle();
      await r.flushHints();
    }
    await one.syncOnce();
    await one.pollOnce();
    for (const driver of drivers)
      expect(await driver.inner.get('incident', 'contested')).toEqual(other);
    expect(one.get('incident', 'contested')).toEqual(other);
  });
});
