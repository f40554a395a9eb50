import { describe, expect, it } from 'vitest';
import {
  cartDeployment,
  cartHealth,
  cartService,
  clusterSnapshot,
  failingCheck,
} from '../../test/support/cluster-snapshot.ts';
import {
  CLUSTER_KIND,
  objectId,
  objectStates,
  rolloutState,
  workloadState,
} from './object-states.ts';

describe('objectStates', () => {
  it('keeps one small state per Service, workload and FT service, keyed cluster/namespace/name', () => {
    const states = objectStates(clusterSnapshot());
    expect(states).toEqual([
      {
        kind: CLUSTER_KIND.service,
        id: 'prod-eu/shop/cart',
        body: { cluster: 'prod-eu', namespace: 'shop', name: 'cart', state: 'available' },
      },
      {
        kind: CLUSTER_KIND.deployment,
        id: 'prod-eu/shop/cart',
        body: {
          cluster: 'prod-eu',
          namespace: 'shop',
          name: 'cart',
          state: 'available',
          rollout: 'complete',
        },
      },
      {
        kind: CLUSTER_KIND.health,
        id: 'prod-eu/shop/cart',
        body: {
          cluster: 'prod-eu',
          namespace: 'shop',
          name: 'cart',
          state: 'healthy',
          severity: null,
          failing: [],
        },
      },
    ]);
  });

  it('does not see a change in a count that stays above zero', () => {
    const two = objectStates(clusterSnapshot({ services: [cartService({ readyEndpoints: 2 })] }));
    const one = objectStates(clusterSnapshot({ services: [cartService({ readyEndpoints: 1 })] }));
    const none = objectStates(clusterSnapshot({ services: [cartService({ readyEndpoints: 0 })] }));
    expect(one[0]).toEqual(two[0]);
    expect(none[0]!.body.state).toBe('unavailable');
  });

  it('tells a StatefulSet from a Deployment of the same name', () => {
    const states = objectStates(
      clusterSnapshot({
        workloads: [cartDeployment(), cartDeployment({ kind: 'StatefulSet' })],
        services: [],
        health: [],
      }),
    );
    expect(states.map((s) => s.kind)).toEqual([CLUSTER_KIND.deployment, CLUSTER_KIND.statefulset]);
  });

  it('reports the worst failing severity and the failing checks by name, sorted', () => {
    const [, , health] = objectStates(
      clusterSnapshot({
        health: [
          cartHealth({
            pods: { total: 2, healthy: 0 },
            failing: [
              { pod: 'cart-1', checks: [failingCheck('queue', 2)] },
              { pod: 'cart-2', checks: [failingCheck('db', 1), failingCheck('queue', 2)] },
            ],
          }),
        ],
      }),
    );
    expect(health!.body).toMatchObject({
      state: 'unhealthy',
      severity: 1,
      failing: ['db', 'queue'],
    });
  });

  it('counts a pod that could not be asked as a severity-1 failure', () => {
    const [, , health] = objectStates(
      clusterSnapshot({
        health: [cartHealth({ failing: [{ pod: 'cart-1', checks: [], error: 'timeout' }] })],
      }),
    );
    expect(health!.body).toMatchObject({ state: 'unhealthy', severity: 1 });
  });

  it('says no_pods for an FT service with no pod to ask', () => {
    const [, , health] = objectStates(
      clusterSnapshot({ health: [cartHealth({ pods: { total: 0, healthy: 0 } })] }),
    );
    expect(health!.body.state).toBe('no_pods');
  });
});

describe('workload states', () => {
  it('is available when every desired replica is, partial below, unavailable at none', () => {
    expect(workloadState(cartDeployment())).toBe('available');
    expect(workloadState(cartDeployment({ available: 1 }))).toBe('partial');
    expect(workloadState(cartDeployment({ available: 0 }))).toBe('unavailable');
    expect(workloadState(cartDeployment({ desired: 0, available: 0 }))).toBe('available');
  });

  it('follows kubectl rollout status when the agent sends no reading of its own', () => {
    expect(rolloutState(cartDeployment())).toBe('complete');
    expect(rolloutState(cartDeployment({ generation: 4 }))).toBe('progressing');
    expect(rolloutState(cartDeployment({ updated: 1 }))).toBe('progressing');
    expect(rolloutState(cartDeployment({ available: 1 }))).toBe('progressing');
    expect(rolloutState(cartDeployment({ paused: true }))).toBe('paused');
    expect(
      rolloutState(
        cartDeployment({
          updated: 1,
          conditions: { progressing: { status: 'False', reason: 'ProgressDeadlineExceeded' } },
        }),
      ),
    ).toBe('failed');
    expect(
      rolloutState(cartDeployment({ rollout: { state: 'failed', message: 'deadline exceeded' } })),
    ).toBe('failed');
  });
});

describe('objectId', () => {
  it('stays within the 200 characters of a record id, and two long names stay apart', () => {
    const long = 'n'.repeat(253);
    const a = objectId('prod', 'shop', `${long}a`);
    const b = objectId('prod', 'shop', `${long}b`);
    expect(a.length).toBeLessThanOrEqual(200);
    expect(a).not.toBe(b);
    expect(objectId('prod', 'shop', 'cart')).toBe('prod/shop/cart');
  });
});
