import { describe, expect, it } from 'vitest';
import { clusterSnapshot, nextSnapshot } from '../../test/support/cluster-snapshot.ts';
import { ClusterRegistry } from './registry.ts';

const from = (instance: string, sequence: number, readyEndpoints = 2) =>
  clusterSnapshot({
    agent: { instance, version: '0.1.0' },
    sequence,
    services: [
      {
        namespace: 'shop',
        name: 'cart',
        readyEndpoints,
        servingEndpoints: readyEndpoints,
        terminatingEndpoints: 0,
        hasHealthcheck: false,
      },
    ],
  });

describe('ClusterRegistry', () => {
  it('lists configured clusters before any agent reports', () => {
    const registry = new ClusterRegistry(['prod-eu', 'staging'], () => 0);
    expect(registry.list().map((c) => [c.cluster, c.snapshot])).toEqual([
      ['prod-eu', undefined],
      ['staging', undefined],
    ]);
  });

  it('keeps the latest snapshot and when it came', () => {
    let now = 1000;
    const registry = new ClusterRegistry(['prod-eu'], () => now);
    const first = from('agent-a', 1);
    expect(registry.accept(first)).toMatchObject({ applied: true, previous: undefined });
    now = 16_000;
    const second = nextSnapshot(first);
    expect(registry.accept(second)).toMatchObject({ applied: true, previous: first });
    expect(registry.get('prod-eu')).toMatchObject({
      snapshot: second,
      receivedAt: 16_000,
      source: 'agent-a',
    });
  });

  it('ignores an older or repeated sequence number from the same instance', () => {
    const registry = new ClusterRegistry([], () => 0);
    registry.accept(from('agent-a', 5));
    expect(registry.accept(from('agent-a', 4, 0))).toEqual({
      applied: false,
      reason: 'stale_sequence',
      source: 'agent-a',
    });
    expect(registry.accept(from('agent-a', 5, 0))).toMatchObject({ reason: 'stale_sequence' });
    expect(registry.get('prod-eu')!.snapshot!.services[0]!.readyEndpoints).toBe(2);
  });

  it('takes a restarted agent (a new instance) from sequence 0 again', () => {
    let now = 0;
    const registry = new ClusterRegistry([], () => now);
    registry.accept(from('agent-a', 900));
    now = 60_000; // agent-a has been silent for 4 heartbeats
    expect(registry.accept(from('agent-b', 0))).toMatchObject({ applied: true });
  });

  it('does not flap between two replicas that report at once: the lowest instance id is the source', () => {
    let now = 0;
    const registry = new ClusterRegistry([], () => now);
    const seen: number[] = [];
    for (let i = 1; i <= 20; i++) {
      now += 7_500;
      // The replicas disagree (a pod flapping between their views); only one of them is believed.
      const a = registry.accept(from('agent-b', i, 0));
      const b = registry.accept(from('agent-a', i, 3));
      if (a.applied) seen.push(0);
      if (b.applied) seen.push(3);
      seen.push(registry.get('prod-eu')!.snapshot!.services[0]!.readyEndpoints);
    }
    // Only the very first snapshot (agent-b, alone so far) is taken from agent-b.
    expect(seen.slice(0, 1)).toEqual([0]);
    expect(new Set(seen.slice(2))).toEqual(new Set([3]));
    expect(registry.accept(from('agent-b', 21, 0))).toMatchObject({
      applied: false,
      reason: 'standby',
      source: 'agent-a',
    });
  });

  it('hands over to the other replica after the source is silent for two heartbeats, and back', () => {
    let now = 0;
    const registry = new ClusterRegistry([], () => now);
    registry.accept(from('agent-a', 1, 3));
    now = 15_000;
    expect(registry.accept(from('agent-b', 1, 0))).toMatchObject({
      applied: false,
      reason: 'standby',
    });
    now = 30_000; // 2 heartbeats: agent-a still counts
    expect(registry.accept(from('agent-b', 2, 0))).toMatchObject({ applied: false });
    now = 30_001;
    expect(registry.accept(from('agent-b', 3, 0))).toMatchObject({ applied: true });
    expect(registry.get('prod-eu')!.source).toBe('agent-b');
    now = 40_000;
    expect(registry.accept(from('agent-a', 2, 3))).toMatchObject({ applied: true });
    expect(registry.get('prod-eu')!.instances.map((i) => i.instance)).toEqual([
      'agent-a',
      'agent-b',
    ]);
  });

  it('forgets instances that have been gone for long', () => {
    let now = 0;
    const registry = new ClusterRegistry([], () => now);
    for (let i = 0; i < 50; i++) {
      now += 15_000;
      registry.accept(from(`agent-${String(i).padStart(2, '0')}`, 1));
    }
    expect(registry.get('prod-eu')!.instances.length).toBeLessThanOrEqual(21);
  });
});
