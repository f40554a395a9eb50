import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { HEALTH_KIND } from './health-records.ts';
import { dayIntervals } from './status-history.ts';

const change = (at: string, state: string) =>
  ({
    kind: HEALTH_KIND.statusChange,
    id: `prod-eu/shop/cart@${at}@${state}`,
    rev: '1',
    body: { cluster: 'prod-eu', namespace: 'shop', name: 'cart', uid: 'u1', state, at },
  }) as unknown as StoredRecord;

function store(records: StoredRecord[]) {
  return { list: (kind: string) => records.filter((r) => r.kind === kind) };
}

const DAY = Date.parse('2026-11-21T00:00:00Z');

describe("a day's intervals", () => {
  it('opens the day with a state under way since the day before, and closes the last at now', () => {
    const s = store([
      change('2026-11-20T23:50:00.000Z', 'warning'),
      change('2026-11-21T00:00:00.000Z', 'error'),
      change('2026-11-21T01:00:00.000Z', 'ok'),
      change('2026-11-21T05:00:00.000Z', 'warning'),
    ]);
    const now = Date.parse('2026-11-21T05:30:00Z');
    expect(dayIntervals(s, 'prod-eu', 'u1', DAY, { now, timeZone: 'UTC' })).toEqual([
      { startTime: DAY, stopTime: DAY + 3_600_000, state: 'error' },
      { startTime: Date.parse('2026-11-21T05:00:00Z'), stopTime: now, state: 'warning' },
    ]);
  });

  it('ends an open interval at the end of a past day, and ignores other services and clusters', () => {
    const s = store([
      change('2026-11-21T22:00:00.000Z', 'warning'),
      {
        ...change('2026-11-21T10:00:00.000Z', 'error'),
        body: { cluster: 'other', uid: 'u1', state: 'error', at: '2026-11-21T10:00:00.000Z' },
      } as unknown as StoredRecord,
    ]);
    const now = Date.parse('2026-11-23T00:00:00Z');
    expect(dayIntervals(s, 'prod-eu', 'u1', DAY, { now, timeZone: 'UTC' })).toEqual([
      {
        startTime: Date.parse('2026-11-21T22:00:00Z'),
        stopTime: DAY + 86_400_000,
        state: 'warning',
      },
    ]);
    expect(dayIntervals(s, 'prod-eu', 'u2', DAY, { now, timeZone: 'UTC' })).toEqual([]);
  });
});
