import { afterEach, describe, expect, it } from 'vitest';
import { startReplicas, TEST_NOW, type Replicas } from '../../test/support/domain-fixtures.ts';
import { collectHealthRecords } from './health-retention.ts';
import { HEALTH_KIND, statusChangeId, statusDayId, statusServiceId } from './health-records.ts';

const DAY = 86_400_000;
let replicas: Replicas | undefined;
afterEach(async () => {
  await replicas?.stop();
  replicas = undefined;
});

describe('the cluster health collector', () => {
  it('deletes changes past 5 days and daily states past 90 across every service (far more than 100), keeping the rest and current states', async () => {
    replicas = await startReplicas(1, 1, () => TEST_NOW);
    const store = replicas.stores[0]!;
    const services = Array.from({ length: 250 }, (_, i) => `svc-${i}`);
    const at = (ms: number) => new Date(ms).toISOString();
    for (const name of services) {
      const base = { cluster: 'prod-eu', namespace: 'shop', name, uid: name };
      await store.write([
        {
          kind: HEALTH_KIND.statusService,
          id: statusServiceId('prod-eu', 'shop', name),
          body: { ...base, state: 'ok', since: at(TEST_NOW - 200 * DAY) },
        },
        ...[6 * DAY, 4 * DAY].map((age) => ({
          kind: HEALTH_KIND.statusChange,
          id: statusChangeId('prod-eu', 'shop', name, at(TEST_NOW - age), 'warning'),
          body: { ...base, state: 'warning', at: at(TEST_NOW - age) },
        })),
        ...[91, 89].map((days) => ({
          kind: HEALTH_KIND.statusDay,
          id: statusDayId('prod-eu', 'shop', name, `d${days}`),
          body: { ...base, date: `d${days}`, start: TEST_NOW - days * DAY, state: 'ok' },
        })),
      ]);
    }
    const writes: number[] = [];
    const counted = {
      list: store.list.bind(store),
      write: (m: Parameters<typeof store.write>[0]) => (writes.push(m.length), store.write(m)),
    };
    const deleted = await collectHealthRecords(counted, TEST_NOW, {
      detail_retention: 5 * DAY,
      daily_retention: 90 * DAY,
    });
    expect(deleted).toBe(500);
    expect(store.list(HEALTH_KIND.statusChange)).toHaveLength(250);
    expect(store.list(HEALTH_KIND.statusDay)).toHaveLength(250);
    expect(store.list(HEALTH_KIND.statusService)).toHaveLength(250);
    // In batches, never one huge write.
    expect(Math.max(...writes)).toBeLessThanOrEqual(200);
    expect(
      await collectHealthRecords(counted, TEST_NOW, {
        detail_retention: 5 * DAY,
        daily_retention: 90 * DAY,
      }),
    ).toBe(0);
  });
});
