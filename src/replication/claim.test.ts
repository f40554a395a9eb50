import { describe, expect, it } from 'vitest';
import {
  expectConverged,
  memoryTargets,
  reopen,
  replicatorsForEachTest,
} from '../../test/support/replication-fixtures.ts';
import { QuorumError } from './types.ts';

const { start: startReplicator } = replicatorsForEachTest();

describe('claims', () => {
  it('lets exactly one of several racing instances claim a record, and copies the claim everywhere', async () => {
    const drivers = memoryTargets(3);
    const instances = await Promise.all(
      [drivers, reopen(drivers), reopen(drivers)].map((d) => startReplicator({ drivers: d })),
    );
    const wins = await Promise.all(
      instances.flatMap((r) => [
        r.claim('delivery', 'n1', { by: 'x' }),
        r.claim('delivery', 'n1', { by: 'y' }),
      ]),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    for (const r of instances) await r.settle();
    for (const d of drivers) expect(await d.inner.get('delivery', 'n1')).not.toBeNull();
    await expectConverged(drivers);
  });

  it('falls back to the next target in config order when the first is down, and hints the first', async () => {
    const drivers = memoryTargets(2);
    const replicator = await startReplicator({ drivers, writeTimeoutMs: 100 });
    drivers[0]!.setMode('fail');
    expect(await replicator.claim('delivery', 'n2', {})).toBe(true);
    expect(await drivers[1]!.inner.get('delivery', 'n2')).not.toBeNull();
    await replicator.settle();
    expect(replicator.targets()[0]!.queuedHints).toBe(1);

    drivers[0]!.setMode('ok');
    await replicator.flushHints();
    await expectConverged(drivers);
    // Back in charge, the first target knows the claim.
    const other = await startReplicator({ drivers: reopen(drivers) });
    expect(await other.claim('delivery', 'n2', {})).toBe(false);
  });

  it('gives the claim to its instance when the arbiter applied it but the answer timed out', async () => {
    const drivers = memoryTargets(2);
    const replicator = await startReplicator({ drivers, writeTimeoutMs: 50 });
    drivers[0]!.queueModes('putIfAbsent', 'hang');
    drivers[1]!.setMode('fail');
    await expect(replicator.claim('delivery', 'n3', {})).rejects.toBeInstanceOf(QuorumError);
    await drivers[0]!.releaseHung(); // it was applied after all

    drivers[1]!.setMode('ok');
    await replicator.checkHealth();
    expect(await replicator.claim('delivery', 'n3', {})).toBe(true);
    // Someone else still loses it.
    const other = await startReplicator({ drivers: reopen(drivers) });
    expect(await other.claim('delivery', 'n3', {})).toBe(false);
  });

  it('refuses to decide when every target is down', async () => {
    const drivers = memoryTargets(2);
    const replicator = await startReplicator({ drivers });
    for (const d of drivers) d.setMode('fail');
    await replicator.checkHealth();
    await expect(replicator.claim('delivery', 'n4', {})).rejects.toBeInstanceOf(QuorumError);
  });
});
