import { describe, expect, it } from 'vitest';
import { cartHealth, clusterSnapshot, failingCheck } from '../../test/support/cluster-snapshot.ts';
import type { Mutation } from '../replication/types.ts';
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { aggregateOf, ftCategories, ftChecks, selectCategories, stickyPass } from './ft-state.ts';
import { CLUSTER_KIND } from './object-states.ts';

/** A read-only view holding the given records. */
function view(records: Mutation[] = []) {
  const map = new Map(records.map((m) => [`${m.kind} ${m.id}`, m]));
  return {
    get: (kind: string, id: string) => {
      const m = map.get(`${kind} ${id}`);
      return m && !m.deleted
        ? ({ kind, id, body: m.body, rev: '1' } as unknown as StoredRecord)
        : undefined;
    },
    list: (kind: string) =>
      [...map.values()]
        .filter((m) => m.kind === kind && !m.deleted)
        .map(
          (m) =>
            ({
              kind,
              id: m.id,
              body: 'body' in m ? m.body : null,
              rev: '1',
            }) as unknown as StoredRecord,
        ),
  };
}

describe('FT checks over a snapshot', () => {
  it('gives severity 2 while a resilient service has a healthy pod, 1 when every pod fails with severity 1, and 2 for severity 3', () => {
    const one = (pods: { total: number; healthy: number }, severity: number, resilient?: boolean) =>
      ftChecks(
        view(),
        clusterSnapshot({
          health: [
            cartHealth({
              pods,
              desiredReplicas: 2,
              ...(resilient === undefined ? {} : { resilient }),
              failing: [{ pod: 'cart-1', checks: [failingCheck('db', severity)] }],
            }),
          ],
        }),
      )[0]!;
    expect(one({ total: 2, healthy: 1 }, 1)).toMatchObject({
      ok: false,
      severity: 2,
      output: '1/2 pods available',
    });
    expect(one({ total: 2, healthy: 1 }, 1, false)).toMatchObject({ ok: false, severity: 1 });
    expect(one({ total: 1, healthy: 0 }, 1)).toMatchObject({ severity: 1 });
    expect(one({ total: 1, healthy: 0 }, 3)).toMatchObject({ severity: 2 });
  });

  it('counts a service scaled to 0 as healthy, and one without pods but desired replicas, or without a Deployment, as failing', () => {
    const check = (overrides: Parameters<typeof cartHealth>[0]) =>
      ftChecks(view(), clusterSnapshot({ health: [cartHealth(overrides)] }))[0]!;
    expect(check({ pods: { total: 0, healthy: 0 }, desiredReplicas: 0 })).toMatchObject({
      ok: true,
      output: '0/0 pods available',
    });
    expect(check({ pods: { total: 0, healthy: 0 }, desiredReplicas: 2 }).ok).toBe(false);
    expect(check({ daemon: false })).toMatchObject({
      ok: false,
      output: 'cannot find deployment for service with name cart',
    });
    expect(check({ daemon: true, pods: { total: 0, healthy: 0 } }).ok).toBe(false);
  });

  it('drops unknown categories (null when none is left), makes default select everything, and fails an aggregate with no checks or a disabled category', () => {
    const snapshot = clusterSnapshot({
      categories: [
        { name: 'checkout', services: ['cart'], refreshRate: 60, isSticky: false, enabled: false },
      ],
    });
    const categories = ftCategories(view(), snapshot);
    expect(categories.map((c) => c.name)).toEqual(['checkout', 'default']);
    expect(selectCategories(categories, 'nope,also-nope')).toBeNull();
    const checks = ftChecks(view(), snapshot);
    const some = selectCategories(categories, 'nope,checkout')!;
    expect(some.selected.map((c) => c.name)).toEqual(['checkout']);
    expect(aggregateOf(checks.filter(some.includes), some.selected)).toEqual({
      ok: false,
      severity: 2,
    });
    const all = selectCategories(categories, undefined)!;
    expect(aggregateOf(checks.filter(all.includes), all.selected)).toEqual({ ok: true });
    expect(aggregateOf([], all.selected)).toEqual({ ok: false, severity: 2 });
  });

  it('disables a sticky category once per failure: a failure it already saw does not disable it again after re-enabling', () => {
    const snapshot = clusterSnapshot({
      categories: [
        { name: 'checkout', services: ['cart'], refreshRate: 60, isSticky: true, enabled: true },
      ],
      health: [
        cartHealth({
          desiredReplicas: 2,
          failing: [{ pod: 'cart-1', checks: [failingCheck('db')] }],
        }),
      ],
    });
    const failingSince = {
      kind: CLUSTER_KIND.health,
      id: 'prod-eu/shop/cart',
      body: { state: 'unhealthy', since: '2026-11-21T11:00:00.000Z' },
    } as Mutation;
    const disabled = stickyPass(view([failingSince]), snapshot, Date.parse('2026-11-21T12:00:00Z'));
    expect(disabled).toHaveLength(1);
    expect(disabled[0]).toMatchObject({
      kind: 'cluster_category',
      body: { enabled: false, reason: 'sticky', service: 'cart' },
    });
    const reEnabled = {
      kind: 'cluster_category',
      id: 'prod-eu//checkout',
      body: {
        cluster: 'prod-eu',
        name: 'checkout',
        enabled: true,
        reason: 'admin',
        by: 'admin',
        at: '2026-11-21T12:30:00.000Z',
      },
    } as Mutation;
    expect(
      stickyPass(view([failingSince, reEnabled]), snapshot, Date.parse('2026-11-21T13:00:00Z')),
    ).toEqual([]);
    const failsAgain = {
      ...failingSince,
      body: { state: 'unhealthy', since: '2026-11-21T12:45:00.000Z' },
    } as Mutation;
    expect(
      stickyPass(view([failsAgain, reEnabled]), snapshot, Date.parse('2026-11-21T13:00:00Z')),
    ).toHaveLength(1);
  });
});
