import { describe, expect, it } from 'vitest';
import { pod, service } from '../../test/support/kube-objects.ts';
import { projectPod, projectService, type ConfigMapView } from './projections.ts';
import { sameView } from './resilient-watch.ts';
import { buildSnapshot, FAILING_PODS_LIMIT, probeTargets, type ObservedState } from './snapshot.ts';

function state(parts: Partial<Record<keyof ObservedState, unknown>>): ObservedState {
  const empty = () => [];
  return {
    services: empty,
    endpointCounts: empty,
    endpointsSource: 'endpointslices',
    workloads: empty,
    pods: empty,
    categoryMaps: empty,
    acknowledgementMaps: empty,
    statusServices: empty,
    statusGroups: empty,
    ...parts,
  } as ObservedState;
}

const meta = {
  cluster: 'c',
  instance: 'i',
  version: '0',
  sequence: 1,
  sentAt: new Date(0),
  heartbeatSeconds: 15,
  health: [],
};

describe('snapshot building', () => {
  it('details at most 1,000 failing pods and says how many more there are', () => {
    const pods = Array.from({ length: 1500 }, (_, i) =>
      projectPod(pod('ns', `p-${String(i).padStart(4, '0')}`, { ready: i % 5 === 0 })),
    );
    const snapshot = buildSnapshot(state({ pods: () => pods }), meta);
    expect(snapshot.pods.total).toBe(1500);
    expect(snapshot.pods.failing).toHaveLength(FAILING_PODS_LIMIT);
    // 300 ready, 1,200 failing.
    expect(snapshot.pods.omitted).toBe(1200 - FAILING_PODS_LIMIT);
  });

  it('probes the pods a Service selects, on the port named app (a named targetPort gives 0)', () => {
    const services = [
      projectService(
        service('ns', 'cart', {
          labels: { hasHealthcheck: 'true', isResilient: 'false' },
          appPort: 9000,
        }),
      ),
      projectService(
        service('ns', 'named', { labels: { hasHealthcheck: 'true' }, appPort: 'http' }),
      ),
      projectService(service('ns', 'plain')),
    ];
    const pods = [
      projectPod(pod('ns', 'cart-1', { labels: { app: 'cart' }, ip: '10.0.0.1' })),
      projectPod(pod('ns', 'cart-2', { labels: { app: 'cart' }, phase: 'Pending' })),
      projectPod(pod('other', 'cart-3', { labels: { app: 'cart' } })),
    ];
    const targets = probeTargets(
      state({
        services: () => services,
        pods: () => pods,
        categoryMaps: () => [] as ConfigMapView[],
      }),
      60_000,
    );
    expect(targets.map((t) => [t.service, t.port, t.resilient, t.pods])).toEqual([
      ['cart', 9000, false, [{ name: 'cart-1', ip: '10.0.0.1' }, { name: 'cart-2' }]],
      ['named', 0, true, []],
    ]);
  });

  it('a change only to what the agent does not keep is no change', () => {
    const a = projectPod(pod('ns', 'p', { restarts: 1 }));
    const b = {
      ...projectPod(pod('ns', 'p', { restarts: 1 })),
      metadata: { ...a.metadata, resourceVersion: '99' },
    };
    expect(sameView(a, b)).toBe(true);
    expect(sameView(a, projectPod(pod('ns', 'p', { restarts: 2 })))).toBe(false);
  });
});
