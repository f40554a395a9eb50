import { describe, expect, it } from 'vitest';
import {
  parseClusterSnapshot,
  safeParseClusterSnapshot,
  SnapshotError,
  type ClusterSnapshot,
} from './snapshot-schema.ts';

const snapshot = (): ClusterSnapshot => ({
  version: 1,
  cluster: 'prod-eu',
  agent: { instance: 'agent-7f9c', version: '0.1.0' },
  sequence: 4,
  sentAt: '2026-12-02T00:50:00.000Z',
  heartbeatSeconds: 15,
  services: [
    {
      namespace: 'shop',
      name: 'cart',
      readyEndpoints: 2,
      servingEndpoints: 2,
      terminatingEndpoints: 0,
      hasHealthcheck: true,
    },
  ],
  statusServices: [
    { namespace: 'shop', name: 'cart-status', serviceName: 'cart', displayName: 'Cart' },
  ],
  statusServiceGroups: [{ namespace: '', name: 'shop', displayName: 'Shop' }],
  workloads: [
    {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'cart',
      desired: 3,
      updated: 3,
      ready: 3,
      available: 3,
      generation: 2,
      observedGeneration: 2,
      conditions: { available: { status: 'True', reason: 'MinimumReplicasAvailable' } },
      rollout: { state: 'complete', message: 'deployment "cart" successfully rolled out' },
    },
  ],
  health: [
    {
      namespace: 'shop',
      service: 'cart',
      categories: ['default'],
      pods: { total: 2, healthy: 1 },
      failing: [
        {
          pod: 'cart-1',
          checks: [
            {
              name: 'db',
              ok: false,
              severity: 1,
              businessImpact: 'No orders',
              technicalSummary: 'DB down',
              panicGuide: 'https://runbooks.example/cart',
              lastUpdated: '2026-12-02T00:49:59.1Z',
            },
          ],
        },
      ],
    },
  ],
  categories: [
    { name: 'default', services: [''], refreshRate: 60, isSticky: false, enabled: true },
  ],
  acknowledgements: [{ service: 'cart', message: 'known, fixing' }],
  pods: { total: 5, byPhase: { Running: 5 }, failing: [] },
});

describe('cluster snapshot schema', () => {
  it('accepts a well-formed snapshot and drops keys it does not know (newer agents)', () => {
    const input = { ...snapshot(), futureField: { x: 1 } };
    const parsed = parseClusterSnapshot(input);
    expect(parsed.services[0]!.readyEndpoints).toBe(2);
    expect('futureField' in parsed).toBe(false);
  });

  it('names the bad field', () => {
    const input = snapshot() as unknown as { workloads: Array<Record<string, unknown>> };
    input.workloads[0]!.desired = -1;
    const result = safeParseClusterSnapshot(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatch(/^workloads\[0\]\.desired: /);
  });

  it('refuses another version and throws a SnapshotError listing problems', () => {
    expect(() => parseClusterSnapshot({ ...snapshot(), version: 2 })).toThrow(SnapshotError);
    expect(() => parseClusterSnapshot('nope')).toThrow(/\(top level\)/);
  });
});
