/**
 * The `health_day` records of bound components: per component and local day, the minutes spent
 * in each state, plus the state still going on (`open`, since when). A record is written when a
 * component's state changes and once when a day begins (closing the day before at its end),
 * never per snapshot or per evaluation, so replication load follows changes, not the clock.
 *
 * The record is the whole truth: a restarted instance carries on from `open`, and a second
 * instance that sees the same change finds it written already and writes nothing.
 */
import type { Mutation, RecordStore } from '../replication/types.ts';
import type { Json } from '../../storage-drivers/types.ts';
import { KIND } from '../domain/records.ts';
import type { ComponentState } from '../domain/states.ts';
import { DAY_MS, startOfDay } from '../domain/time.ts';
import { localDate } from '../domain/uptime.ts';

export interface HealthDayBody {
  component: string;
  date: string;
  /** The local day's first instant and its end (ms): 23 or 25 hours across a DST change. */
  start: number;
  end: number;
  major: number;
  partial: number;
  degraded: number;
  maintenance: number;
  /** The state in force since `since` (ms), not yet counted in the minutes above. */
  open: { state: ComponentState; since: number } | null;
}

type Reader = Pick<RecordStore, 'get'>;

export const healthDayId = (component: string, date: string) => `${component}/${date}`;

const FIELD: Partial<Record<ComponentState, 'maintenance' | 'degraded' | 'partial' | 'major'>> = {
  1: 'maintenance',
  2: 'degraded',
  3: 'partial',
  4: 'major',
};

/** Adds `state` from `from` to `to` to the body's minutes (a copy). */
function counted(
  body: HealthDayBody,
  state: ComponentState,
  from: number,
  to: number,
): HealthDayBody {
  const field = FIELD[state];
  const minutes = Math.max(0, (Math.min(to, body.end) - Math.max(from, body.start)) / 60_000);
  if (!field || minutes === 0) return { ...body };
  return { ...body, [field]: Math.round((body[field] + minutes) * 1000) / 1000 };
}

function read(store: Reader, id: string): HealthDayBody | undefined {
  const body = store.get(KIND.healthDay, id)?.body as HealthDayBody | null | undefined;
  return body && typeof body === 'object' && typeof body.start === 'number' ? body : undefined;
}

const mutation = (body: HealthDayBody): Mutation => ({
  kind: KIND.healthDay,
  id: healthDayId(body.component, body.date),
  body: body as unknown as Json,
});

/** The writes that bring each component's day record up to `state` at `now`; none when nothing changed. */
export function healthDayMutations(
  store: Reader,
  states: readonly { component: string; state: ComponentState }[],
  now: number,
  timeZone: string,
): Mutation[] {
  const start = startOfDay(now, timeZone);
  const date = localDate(now, timeZone);
  const end = startOfDay(start + DAY_MS + 3 * 3_600_000, timeZone);
  const mutations: Mutation[] = [];
  for (const { component, state } of states) {
    let today = read(store, healthDayId(component, date));
    if (!today) {
      // A new day: close yesterday's record at its end and carry its open state over midnight.
      const yesterday = read(store, healthDayId(component, localDate(start - 1, timeZone)));
      let carried: HealthDayBody['open'] = null;
      if (yesterday?.open) {
        mutations.push(
          mutation({
            ...counted(yesterday, yesterday.open.state, yesterday.open.since, yesterday.end),
            open: null,
          }),
        );
        carried = { state: yesterday.open.state, since: start };
      }
      today = {
        component,
        date,
        start,
        end,
        major: 0,
        partial: 0,
        degraded: 0,
        maintenance: 0,
        open: carried ?? { state, since: now },
      };
      if (!carried || carried.state === state) {
        mutations.push(mutation(today));
        continue;
      }
    } else if (today.open?.state === state) continue;
    const next = today.open ? counted(today, today.open.state, today.open.since, now) : today;
    mutations.push(mutation({ ...next, open: { state, since: now } }));
  }
  return mutations;
}
