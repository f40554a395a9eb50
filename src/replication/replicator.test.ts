import { describe, expect, it } from 'vitest';
import { createReplicator } from './replicator.ts';
import { memoryTargets } from '../../test/support/replication-fixtures.ts';

describe('createReplicator', () => {
  it('refuses no targets, and the same target twice', () => {
    expect(() => createReplicator({ drivers: [] })).toThrow(/at least one/);
    const [target] = memoryTargets(1);
    expect(() => createReplicator({ drivers: [target!, target!] })).toThrow(/configured twice/);
  });

  it('refuses writes before start and after stop', async () => {
    const replicator = createReplicator({
      drivers: memoryTargets(1),
      syncIntervalMs: 0,
      pollIntervalMs: 0,
      healthIntervalMs: 0,
    });
    await expect(replicator.write([{ kind: 'incident', id: 'a', body: {} }])).rejects.toThrow(
      /start\(\)/,
    );
    await replicator.start();
    await replicator.stop();
    await expect(replicator.write([{ kind: 'incident', id: 'a', body: {} }])).rejects.toThrow(
      /stopped/,
    );
  });
});
