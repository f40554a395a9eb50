import { describe, expect, it, vi } from 'vitest';
import type { StorageDriver, StoredRecord } from '../../storage-drivers/types.ts';
import { revAtWallTime } from './hlc.ts';
import {
  clockFor,
  expectConverged,
  memoryTargets,
  record,
  recordingLogger,
  reopen,
  replicatorsForEachTest,
} from '../../test/support/replication-fixtures.ts';
import type { BadRecordReport, Replicator } from './types.ts';

const { create: createReplicator, start: startReplicator } = replicatorsForEachTest();

describe('merged view across instances', () => {
  it('shows each instance the writes of the other after a poll, and tells subscribers', async () => {
    const drivers = memoryTargets(2);
    const one = await startReplicator({ drivers });
    const two = await startReplicator({ drivers: reopen(drivers) });
    const seen: StoredRecord[][] = [];
    two.subscribe((changed) => seen.push(changed));

    const [created] = await one.write([{ kind: 'incident', id: 'a', body: { title: 'from one' } }]);
    const versionBefore = two.version;
    await two.pollOnce();
    expect(two.get('incident', 'a')).toEqual(created);
    expect(two.version).toBeGreaterThan(versionBefore);
    expect(seen.flat()).toEqual([created]);

    await two.write([{ kind: 'incident', id: 'a', deleted: true }]);
    await one.pollOnce();
    expect(one.get('incident', 'a')).toBeUndefined();
    expect(one.list('incident')).toEqual([]);
  });

  it('picks up records that arrive late with a lower rev, within the lookback', async () => {
    const drivers = memoryTargets(1);
    const reader = await startReplicator({ drivers, pollLookbackMs: 5 * 60_000 });
    await reader.write([{ kind: 'incident', id: 'recent', body: {} }]);
    await reader.pollOnce();
    // Written after the poll, by an instance whose clock runs a minute behind.
    const late = record(
      'incident',
      'late',
      revAtWallTime(Date.now() - 60_000).replace(/-0$/, '-slow'),
    );
    await drivers[0]!.inner.put([late]);

    await reader.pollOnce();
    expect(reader.get('incident', 'late')).toEqual(late);
  });

  it('re-reads only what was stamped within the lookback of the clock, not the last burst', async () => {
    let now = Date.parse('2026-03-29T00:30:00Z');
    const [shared] = memoryTargets(1);
    const read: StoredRecord[] = [];
    const counting: StorageDriver = Object.create(shared!) as StorageDriver;
    counting.changes = async (options) => {
      const page = await shared!.changes(options);
      read.push(...page.items);
      return page;
    };
    const reader = await startReplicator({
      drivers: [counting],
      pollLookbackMs: 5 * 60_000,
      now: () => now,
      clock: clockFor('reader', () => now),
    });
    // An import: many records stamped within a second.
    await reader.write(
      Array.from({ length: 50 }, (_, i) => ({ kind: 'incident', id: `i${i}`, body: { i } })),
    );
    read.length = 0;
    await reader.pollOnce();
    expect(read).toHaveLength(50); // still within the lookback: a late one could be among them

    now += 10 * 60_000;
    read.length = 0;
    await reader.pollOnce();
    await reader.pollOnce();
    expect(read).toEqual([]);

    // An instance whose clock runs two minutes behind writes now: still within the lookback.
    const late = record('incident', 'late', revAtWallTime(now - 120_000).replace(/-0$/, '-slow'));
    await shared!.inner.put([late]);
    await reader.pollOnce();
    expect(read.map((r) => r.id)).toEqual(['late']);
    expect(reader.get('incident', 'late')).toEqual(late);
  });

  it('stamps local writes above every rev it read, even with a clock far behind', async () => {
    const drivers = memoryTargets(2);
    const ahead = await startReplicator({
      drivers,
      clock: clockFor('ahead', () => Date.now() + 3_600_000),
    });
    const behind = await startReplicator({
      drivers: reopen(drivers),
      clock: clockFor('behind', () => Date.now() - 3_600_000),
    });
    const [first] = await ahead.write([{ kind: 'incident', id: 'x', body: { v: 1 } }]);
    await behind.pollOnce();
    const [second] = await behind.write([{ kind: 'incident', id: 'x', body: { v: 2 } }]);
    expect(second!.rev > first!.rev).toBe(true);
    await ahead.pollOnce();
    expect(ahead.get('incident', 'x')?.body).toEqual({ v: 2 });
  });

  it('converges two instances interleaving updates of one record on the highest rev', async () => {
    const drivers = memoryTargets(3);
    const one = await startReplicator({ drivers, clock: clockFor('one') });
    const two = await startReplicator({ drivers: reopen(drivers), clock: clockFor('two') });
    const revs: string[] = [];
    for (let i = 0; i < 20; i++) {
      // Concurrent pairs, sometimes with one target failing for one of them.
      if (i % 5 === 0) drivers[i % 3]!.queueModes('put', 'fail');
      const results = await Promise.allSettled([
        one.write([{ kind: 'incident', id: 'shared', body: { by: 'one', i } }]),
        two.write([{ kind: 'incident', id: 'shared', body: { by: 'two', i } }]),
      ]);
      for (const result of results)
        if (result.status === 'fulfilled') revs.push(result.value[0]!.rev);
      if (i % 3 === 0) await Promise.all([one.pollOnce(), two.pollOnce()]);
    }
    for (const r of [one, two]) await r.settle();
    for (const r of [one, two]) await r.flushHints();
    await one.syncOnce();
    await Promise.all([one.pollOnce(), two.pollOnce()]);

    const highest = revs.sort().at(-1);
    expect(one.get('incident', 'shared')?.rev).toBe(highest);
    expect(two.get('incident', 'shared')).toEqual(one.get('incident', 'shared'));
    for (const d of drivers) expect((await d.inner.get('incident', 'shared'))?.rev).toBe(highest);
    await expectConverged(drivers);
  });

  it('refresh() reads again after a poll that read before a write it must show', async () => {
    const drivers = memoryTargets(1);
    const writer = await startReplicator({ drivers });
    // The reader's feed answers only when the test lets it, with what it read when it was asked.
    let release!: () => void;
    let gate: Promise<void> | undefined;
    const [shared] = reopen(drivers);
    const slow: StorageDriver = Object.create(shared!) as StorageDriver;
    slow.changes = async (options) => {
      const page = await shared!.changes(options);
      if (gate) await gate;
      return page;
    };
    const reader = await startReplicator({ drivers: [slow] });
    gate = new Promise((resolve) => (release = resolve));
    const readsBefore = shared!.calls.changes;
    const inFlight = reader.pollOnce();
    await vi.waitFor(() => expect(shared!.calls.changes).toBeGreaterThan(readsBefore));

    await writer.write([{ kind: 'incident', id: 'a', body: { title: 'after the read' } }]);
    const sharedPoll = reader.pollOnce();
    const refreshed = reader.refresh();
    release();
    gate = undefined;
    await Promise.all([inFlight, sharedPoll]);
    // pollOnce joined the read in flight, which began before the write.
    expect(reader.get('incident', 'a')).toBeUndefined();
    await refreshed;
    expect(reader.get('incident', 'a')?.body).toEqual({ title: 'after the read' });
  });
});

describe('availability of the view', () => {
  it('keeps serving the last known state when every target is down', async () => {
    const drivers = memoryTargets(2);
    const replicator = await startReplicator({ drivers });
    await replicator.write([{ kind: 'incident', id: 'a', body: { title: 'still here' } }]);
    for (const d of drivers) d.setMode('fail');
    await replicator.checkHealth();
    await replicator.pollOnce();

    expect(replicator.targets().map((t) => t.state)).toEqual(['down', 'down']);
    expect(replicator.get('incident', 'a')?.body).toEqual({ title: 'still here' });
    expect(replicator.list('incident')).toHaveLength(1);
  });

  it('loads a target that was down at start once it is back', async () => {
    const drivers = memoryTargets(2);
    await drivers[1]!.inner.put([
      record('incident', 'only-on-b', revAtWallTime(Date.now()).replace(/-0$/, '-x')),
    ]);
    drivers[1]!.setMode('fail');
    const replicator = await startReplicator({ drivers });
    expect(replicator.get('incident', 'only-on-b')).toBeUndefined();

    drivers[1]!.setMode('ok');
    await replicator.checkHealth();
    await replicator.pollOnce();
    expect(replicator.get('incident', 'only-on-b')).toBeDefined();
  });

  it('skips a bad record in one target, reports where it is, and serves it from another', async () => {
    const reports: BadRecordReport[] = [];
    const logger = recordingLogger();
    // Drivers exist before the replicator, so their hook reaches it late, as in the runtime.
    const late: { replicator?: Replicator } = {};
    const drivers = memoryTargets(2, {
      onBadRecord: (bad) => late.replicator?.reportBadRecord(drivers[0]!.location, bad),
    });
    const good = record('incident', 'x', revAtWallTime(Date.now()).replace(/-0$/, '-w'), {
      title: 'good copy',
    });
    for (const d of drivers) await d.inner.put([good, record('incident', 'y', good.rev)]);
    drivers[0]!.corrupt('incident', 'x');

    const replicator = (late.replicator = createReplicator({
      drivers,
      logger,
      onBadRecord: (r) => reports.push(r),
    }));
    await replicator.start();

    expect(replicator.get('incident', 'x')).toEqual(good);
    expect(replicator.get('incident', 'y')).toBeDefined();
    expect(reports[0]).toMatchObject({
      target: drivers[0]!.location,
      location: expect.stringContaining('incident/x'),
    });
    expect(
      logger.entries.find(
        (e) => e.level === 'warn' && JSON.stringify(e.details).includes('incident/x'),
      ),
    ).toBeDefined();
    expect(replicator.targets()[0]!.badRecords).toBeGreaterThan(0);
    expect(replicator.targets().map((t) => t.state)).toEqual(['up', 'up']);
  });

  it('drops records a driver lets through that are not valid', async () => {
    const [target] = memoryTargets(1);
    const valid = record('incident', 'ok', revAtWallTime(Date.now()).replace(/-0$/, '-w'));
    await target!.inner.put([valid]);
    const leaky: StorageDriver = {
      ...target!.inner,
      list: async (kind, options) => {
        const page = await target!.inner.list(kind, options);
        return {
          ...page,
          items: [
            ...page.items,
            { kind, id: 'broken', rev: 'not a rev', deleted: false, body: {} },
          ],
        };
      },
    };
    const replicator = await startReplicator({ drivers: [leaky] });
    expect(replicator.list('incident')).toEqual([valid]);
    expect(replicator.targets()[0]!.badRecords).toBe(1);
  });
});

describe('target health', () => {
  it('marks a target down and back up, with a redacted last error', async () => {
    const drivers = memoryTargets(2);
    const replicator = await startReplicator({ drivers });
    drivers[1]!.failureMessage =
      'password authentication failed for postgres://staunch:hunter2@db:5432/app?sslpassword=s3cret';
    drivers[1]!.setMode('fail');
    await replicator.checkHealth();

    const down = replicator.targets()[1]!;
    expect(down.state).toBe('down');
    expect(down.lastError).toContain('postgres://staunch:***@db:5432/app');
    expect(down.lastError).not.toMatch(/hunter2|s3cret/);
    drivers[1]!.setMode('ok');
    await replicator.checkHealth();
    expect(replicator.targets()[1]).toMatchObject({ state: 'up', latencyMs: expect.any(Number) });
  });

  it('notices a hanging target within a ping timeout plus an interval, by itself', async () => {
    const drivers = memoryTargets(2);
    const replicator = createReplicator({ drivers, healthIntervalMs: 20, writeTimeoutMs: 50 });
    await replicator.start();
    drivers[1]!.setMode('hang', ['ping']);
    await vi.waitFor(() => expect(replicator.targets()[1]!.state).toBe('down'), { timeout: 2_000 });
    drivers[1]!.setMode('ok');
    await vi.waitFor(() => expect(replicator.targets()[1]!.state).toBe('up'), { timeout: 2_000 });
  });
});
