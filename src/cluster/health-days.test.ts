/** Day records of bound components: a write per change, the day closed at midnight and carried over, nothing otherwise. */
import { describe, expect, it } from 'vitest';
import { KIND } from '../domain/records.ts';
import type { Mutation } from '../replication/types.ts';
import type { Json } from '../../storage-drivers/types.ts';
import { healthDayMutations, type HealthDayBody } from './health-days.ts';

const ZONE = 'Europe/Paris';
/** 2026-11-21 22:00 in Paris. */
const EVENING = Date.UTC(2026, 10, 21, 21);

function memoryStore() {
  const records = new Map<string, Json>();
  return {
    get: (kind: string, id: string) =>
      records.has(`${kind}/${id}`) ? { body: records.get(`${kind}/${id}`)! } : undefined,
    apply(mutations: Mutation[]) {
      for (const m of mutations) {
        if (m.deleted) records.delete(`${m.kind}/${m.id}`);
        else records.set(`${m.kind}/${m.id}`, m.body);
      }
      return mutations.length;
    },
    day: (id: string) => records.get(`${KIND.healthDay}/${id}`) as unknown as HealthDayBody,
  };
}

describe('health_day records', () => {
  it('are written on a change only, with the minutes of the state that ended', () => {
    const store = memoryStore();
    const pass = (at: number, state: 0 | 2 | 3 | 4) =>
      store.apply(healthDayMutations(store as never, [{ component: 'Shop', state }], at, ZONE));
    expect(pass(EVENING, 0)).toBe(1);
    expect(pass(EVENING + 60_000, 0)).toBe(0);
    expect(pass(EVENING + 10 * 60_000, 4)).toBe(1);
    expect(pass(EVENING + 20 * 60_000, 4)).toBe(0);
    expect(pass(EVENING + 40 * 60_000, 3)).toBe(1);
    const day = store.day('Shop/2026-11-21');
    expect(day.major).toBe(30);
    expect(day.open).toEqual({ state: 3, since: EVENING + 40 * 60_000 });
  });

  it('close the day at midnight and carry the open state into the next', () => {
    const store = memoryStore();
    const pass = (at: number, state: 0 | 4) =>
      store.apply(healthDayMutations(store as never, [{ component: 'Shop', state }], at, ZONE));
    pass(EVENING + 90 * 60_000, 4); // 23:30
    // 00:15 the next day, still down: yesterday closed with its 30 minutes, today open since midnight.
    expect(pass(EVENING + 135 * 60_000, 4)).toBe(2);
    expect(store.day('Shop/2026-11-21')).toMatchObject({ open: null });
    expect(store.day('Shop/2026-11-21').major).toBe(30);
    expect(store.day('Shop/2026-11-22').open).toEqual({ state: 4, since: EVENING + 120 * 60_000 });
    // Recovery at 00:45: 45 minutes of the new day counted.
    expect(pass(EVENING + 165 * 60_000, 0)).toBe(1);
    expect(store.day('Shop/2026-11-22').major).toBe(45);
  });
});
