/**
 * Cluster snapshots for the app-side tests: a small healthy cluster (one Service with its
 * Deployment, one FT service), and helpers that change one thing the way a cluster does.
 * Imported by tests only.
 */
import type {
  ClusterSnapshot,
  SnapshotHealth,
  SnapshotService,
  SnapshotWorkload,
} from '../../src/cluster/snapshot-schema.ts';

export const SNAPSHOT_AT = '2026-11-21T12:00:00.000Z';

export function cartService(overrides: Partial<SnapshotService> = {}): SnapshotService {
  return {
    namespace: 'shop',
    name: 'cart',
    readyEndpoints: 2,
    servingEndpoints: 2,
    terminatingEndpoints: 0,
    hasHealthcheck: true,
    ...overrides,
  };
}

export function cartDeployment(overrides: Partial<SnapshotWorkload> = {}): SnapshotWorkload {
  return {
    kind: 'Deployment',
    namespace: 'shop',
    name: 'cart',
    desired: 2,
    updated: 2,
    ready: 2,
    available: 2,
    generation: 3,
    observedGeneration: 3,
    conditions: {
      available: { status: 'True', reason: 'MinimumReplicasAvailable' },
      progressing: { status: 'True', reason: 'NewReplicaSetAvailable' },
    },
    ...overrides,
  };
}

export function cartHealth(overrides: Partial<SnapshotHealth> = {}): SnapshotHealth {
  return {
    namespace: 'shop',
    service: 'cart',
    categories: ['default'],
    pods: { total: 2, healthy: 2 },
    failing: [],
    ...overrides,
  };
}

/** A failing FT check as a pod's `__health` reports it. */
export function failingCheck(name: string, severity = 1) {
  return {
    name,
    ok: false,
    severity,
    businessImpact: 'Orders cannot be placed',
    technicalSummary: `${name} is failing`,
    panicGuide: 'https://runbooks.example/cart',
    lastUpdated: SNAPSHOT_AT,
  };
}

export function clusterSnapshot(overrides: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    version: 1,
    cluster: 'prod-eu',
    agent: { instance: 'agent-a', version: '0.1.0' },
    sequence: 1,
    sentAt: SNAPSHOT_AT,
    heartbeatSeconds: 15,
    services: [cartService()],
    statusServices: [{ namespace: 'shop', name: 'cart', serviceName: 'cart', displayName: 'Cart' }],
    statusServiceGroups: [],
    workloads: [cartDeployment()],
    health: [cartHealth()],
    categories: [
      { name: 'default', services: [], refreshRate: 60, isSticky: false, enabled: true },
    ],
    acknowledgements: [],
    pods: { total: 2, byPhase: { Running: 2 }, failing: [] },
    ...overrides,
  };
}

/** The same cluster, one sequence number later, from the same agent. */
export function nextSnapshot(
  previous: ClusterSnapshot,
  overrides: Partial<ClusterSnapshot> = {},
): ClusterSnapshot {
  return { ...previous, sequence: previous.sequence + 1, ...overrides };
}
