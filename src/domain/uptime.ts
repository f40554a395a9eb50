/**
 * Daily uptime per component, computed from the incident timelines, the manual overrides' history
 * and the `health_day` records that cluster health will write. Pure: the same inputs always give
 * the same bars, so the page, the badges and the tests agree.
 *
 * The published formula (UPTIME_FORMULA below, shown on the page):
 *
 *   downtime = major outage minutes + 0.3 × partial outage minutes
 *   uptime   = 1 − downtime / (minutes with data − maintenance minutes)
 *
 * Minutes with data run from the page's first data (`since`) until now, or cover the whole day
 * that cluster health reported on: days before are "no data" and left out, and the series says how
 * many days its percentage covers. Components have no recorded creation time, so a component
 * added to the config later counts from the page's first data too. Degraded performance is shown on the bar but costs no uptime;
 * maintenance is neither downtime nor counted time. Each update of an incident holds its impact
 * until the next update; overlapping states on one component count each minute once, in the worst.
 */
import { impactSpans, incidentEnd } from './impact.ts';
import type { OverrideChange } from './records.ts';
import { LruCache } from './lru-cache.ts';
import { instant, isZeroTime, DAY_MS, startOfDay } from './time.ts';
import type { ComponentState, Incident } from './types.ts';

export const UPTIME_FORMULA = {
  partialWeight: 0.3,
  text:
    'Each bar is one day in your time zone. Uptime = 1 − (major outage minutes + 0.3 × partial outage minutes) ÷ (minutes with data − maintenance minutes), ' +
    'for each day and, next to the bars, for all the days shown. Minutes with data start when this page first recorded anything ' +
    '(an incident, a change, a health report) and end now, so today counts only the minutes that have passed; days before are marked “no data” ' +
    'and left out, and the percentage says how many days it covers. Degraded performance is shown but does not lower uptime; maintenance is excluded. ' +
    'Each incident update counts in the component state it set, from that update until the next one, until the incident is resolved; ' +
    'a status set by hand counts from when it was set until it is changed or cleared. A minute in several states counts once, in the worst.',
} as const;

export interface DayMinutes {
  /** Minutes in each state; a minute spent in several states counts once, in the worst. */
  major: number;
  partial: number;
  degraded: number;
  maintenance: number;
  /** Minutes of the day that have passed and for which there is data. */
  observed: number;
}

export interface UptimeDay {
  /** Local calendar date, `YYYY-MM-DD`, in the zone the series was computed for. */
  date: string;
  /** Start and end of the day as instants (a day is 23 or 25 hours across a DST change). */
  start: number;
  end: number;
  minutes: DayMinutes;
  /** Worst state seen during the day; null when the day has no data (before `since`). */
  worst: ComponentState | null;
  /** 0..1, or null when no minute counts (no data, or maintenance all day). */
  uptime: number | null;
  /** Incidents (not maintenances) that touched this component on this day, by guid. */
  incidents: string[];
}

export interface UptimeSeries {
  component: string;
  days: UptimeDay[];
  /** Over the days with data; null when no minute counts. */
  uptime: number | null;
  /** How many of the days have data (the period `uptime` covers, counted in days, today included). */
  coveredDays: number;
  downtimeMinutes: number;
}

/** Minutes that another source (cluster health) observed for one component and day; merged as the worst of both. */
export type HealthDayLookup = (
  component: string,
  date: string,
) => Partial<Omit<DayMinutes, 'observed'>> | undefined;

export interface UptimeOptions {
  incidents: readonly Incident[];
  /** Component ids, as in `Incident.components`. */
  components: readonly string[];
  /** Number of daily bars, today included (default 90). */
  days?: number;
  now: number;
  timeZone: string;
  /** Minutes before this instant have no data (before the page had any); default: every day counts. */
  since?: number;
  /** Manual component states over time (DomainView.overrideChanges): each holds until the next change. */
  overrides?: ReadonlyMap<string, readonly OverrideChange[]>;
  /** The `health_day` hook (see healthDaysFromRecords). */
  healthDays?: HealthDayLookup;
}

interface Interval {
  start: number;
  end: number;
  state: ComponentState;
  guid: string;
  scheduled: boolean;
}

const RESOLVED = 1;
const CANCELLED = 4;

export { incidentEnd };

/** The interval an incident or maintenance holds its components in a state, or null when it never did. */
export function incidentInterval(incident: Incident, now: number): Omit<Interval, 'guid'> | null {
  // Known issues count like incidents, as they do for the current status (src/domain/status.ts).
  const start = instant(incident.created_at);
  if (isZeroTime(incident.created_at) || start >= now) return null;
  if (incident.is_scheduled) {
    // A cancelled maintenance never happened; a finished one ends at its end or when it was closed early.
    // The planned window; an unresolved or monitoring maintenance past its end (an overrun) lasts
    // until someone closes it; one resolved early ends then; a cancelled one never happened.
    if (incident.state === CANCELLED) return null;
    const plannedEnd = isZeroTime(incident.scheduled_end)
      ? start
      : Math.max(start, instant(incident.scheduled_end));
    let end = plannedEnd;
    if ((incident.state === 0 || incident.state === 2) && plannedEnd < now) end = now;
    if (incident.state === RESOLVED)
      end = Math.max(start, Math.min(plannedEnd, incidentEnd(incident) ?? plannedEnd));
    end = Math.min(end, now);
    return end > start ? { start, end, state: 1, scheduled: true } : null;
  }
  if (incident.state === CANCELLED) return null;
  const closedAt = incidentEnd(incident);
  const end = Math.min(closedAt ?? now, now);
  if (end <= start) return null;
  return { start, end, state: incident.component_state, scheduled: false };
}

/**
 * The intervals an incident or maintenance holds its components in a state: an incident's life
 * cut by its timeline, each update's impact from that update until the next (see ./impact.ts);
 * operational stretches hold nothing.
 */
export function incidentIntervals(incident: Incident, now: number): Array<Omit<Interval, 'guid'>> {
  const envelope = incidentInterval(incident, now);
  if (!envelope) return [];
  if (envelope.scheduled) return [envelope];
  return impactSpans(incident, envelope.start, envelope.end)
    .filter((span) => span.state !== 0)
    .map((span) => ({ ...span, scheduled: false }));
}

/** A component's manual states as intervals: each change holds until the next, the last one until now. */
function overrideIntervals(changes: readonly OverrideChange[], now: number): Interval[] {
  const intervals: Interval[] = [];
  for (let i = 0; i < changes.length; i++) {
    const { at, state } = changes[i]!;
    const end = Math.min(now, i + 1 < changes.length ? changes[i + 1]!.at : now);
    // Not an incident: no guid, so the day's incident list leaves it out.
    if (state !== null && state !== 0 && end > at)
      intervals.push({ start: at, end, state, guid: '', scheduled: false });
  }
  return intervals;
}

const dateFormatters = new LruCache<string, Intl.DateTimeFormat>(1000);
/** `YYYY-MM-DD` of an instant in a zone. */
export function localDate(ms: number, timeZone: string): string {
  return dateFormatters
    .getOrSet(
      timeZone,
      () =>
        new Intl.DateTimeFormat('en-CA', {
          timeZone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
        }),
    )
    .format(ms);
}

export interface Days {
  /** Start instants, oldest first, ending with today. */
  starts: number[];
  /** End instants (the next day's start). */
  ends: number[];
  /** `YYYY-MM-DD` of each day. */
  dates: string[];
}

const daysCache = new LruCache<string, Days>(500);
/** The last `count` local days, oldest first, ending with today; memoised per zone and local date. */
export function localDays(now: number, count: number, timeZone: string): Days {
  const key = `${timeZone}|${count}|${localDate(now, timeZone)}`;
  const hit = daysCache.get(key);
  if (hit) return hit;
  const today = startOfDay(now, timeZone);
  const starts: number[] = [today];
  while (starts.length < count) starts.push(startOfDay(starts[starts.length - 1]! - 1, timeZone));
  starts.reverse();
  const ends = starts.map((_, i) =>
    i + 1 < starts.length ? starts[i + 1]! : startOfDay(today + DAY_MS + 3 * 3_600_000, timeZone),
  );
  const days: Days = { starts, ends, dates: starts.map((s) => localDate(s, timeZone)) };
  daysCache.set(key, days);
  return days;
}

/** Start instants of the last `count` local days, oldest first, ending with today. */
export function dayStarts(now: number, count: number, timeZone: string): number[] {
  return localDays(now, count, timeZone).starts;
}

function emptyMinutes(): DayMinutes {
  return { major: 0, partial: 0, degraded: 0, maintenance: 0, observed: 0 };
}

/** Worst-state minutes of a set of intervals, clipped to [from, to). */
function sweep(
  intervals: readonly Interval[],
  from: number,
  to: number,
  minutes: DayMinutes,
): void {
  const events: Array<[number, number, ComponentState]> = [];
  for (const iv of intervals) {
    const s = Math.max(iv.start, from);
    const e = Math.min(iv.end, to);
    if (e <= s) continue;
    events.push([s, 1, iv.state], [e, -1, iv.state]);
  }
  if (events.length === 0) return;
  events.sort((a, b) => a[0] - b[0]);
  const open = [0, 0, 0, 0, 0];
  let previous = events[0]![0];
  for (const [at, delta, state] of events) {
    if (at > previous) {
      const worst = open[4] ? 4 : open[3] ? 3 : open[2] ? 2 : open[1] ? 1 : 0;
      const span = (at - previous) / 60_000;
      if (worst === 4) minutes.major += span;
      else if (worst === 3) minutes.partial += span;
      else if (worst === 2) minutes.degraded += span;
      else if (worst === 1) minutes.maintenance += span;
      previous = at;
    }
    open[state]! += delta;
  }
}

export function dayUptime(minutes: DayMinutes): number | null {
  const counted = minutes.observed - minutes.maintenance;
  if (counted <= 0.5) return null;
  const down = minutes.major + UPTIME_FORMULA.partialWeight * minutes.partial;
  return Math.min(1, Math.max(0, 1 - down / counted));
}

const downtime = (m: DayMinutes) => m.major + UPTIME_FORMULA.partialWeight * m.partial;

function worstOf(m: DayMinutes): ComponentState {
  const threshold = 1 / 60; // a second of a state is enough to colour the day
  if (m.major >= threshold) return 4;
  if (m.partial >= threshold) return 3;
  if (m.degraded >= threshold) return 2;
  if (m.maintenance >= threshold) return 1;
  return 0;
}

/** The instants of an incident that do not depend on the clock, parsed once per incident object (views are rebuilt per store version). */
const parsed = new WeakMap<Incident, { start: number; closedAt: number | null }>();
function parsedTimes(incident: Incident): { start: number; closedAt: number | null } {
  let hit = parsed.get(incident);
  if (!hit) {
    hit = { start: instant(incident.created_at), closedAt: incidentEnd(incident) };
    parsed.set(incident, hit);
  }
  return hit;
}

/** 90 daily bars (or `days`) for each component. */
export function computeUptime(options: UptimeOptions): Map<string, UptimeSeries> {
  const count = options.days ?? 90;
  const { now, timeZone } = options;
  const { starts, ends, dates } = localDays(now, count, timeZone);
  const windowStart = starts[0]!;
  const byComponent = new Map<string, Interval[]>();
  for (const id of options.components) byComponent.set(id, []);
  for (const incident of options.incidents) {
    const times = parsedTimes(incident);
    // Cheap rejections first: started after now, or closed before the window.
    if (
      times.start >= now ||
      (times.closedAt !== null && times.closedAt < windowStart && !incident.is_scheduled)
    )
      continue;
    for (const iv of incidentIntervals(incident, now)) {
      if (iv.end <= windowStart) continue;
      for (const component of incident.components)
        byComponent.get(component)?.push({ ...iv, guid: incident.guid });
    }
  }
  for (const [component, changes] of options.overrides ?? []) {
    const intervals = byComponent.get(component);
    if (intervals)
      for (const iv of overrideIntervals(changes, now))
        if (iv.end > windowStart) intervals.push(iv);
  }
  const result = new Map<string, UptimeSeries>();
  for (const component of options.components) {
    const since = options.since ?? -Infinity;
    const intervals = byComponent.get(component)!.sort((a, b) => a.start - b.start);
    const days: UptimeDay[] = new Array(starts.length);
    let down = 0;
    let counted = 0;
    let covered = 0;
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i]!;
      const end = ends[i]!;
      const date = dates[i]!;
      const minutes = emptyMinutes();
      const extra = options.healthDays?.(component, date);
      // A day that cluster health observed has data for all of it, whatever `since` says.
      const from = extra ? start : Math.max(start, since);
      const to = Math.min(end, now);
      minutes.observed = Math.max(0, (to - from) / 60_000);
      const touching: Interval[] = [];
      if (minutes.observed > 0) {
        // Sorted by start: stop at the first interval that starts after this day.
        for (let j = 0; j < intervals.length; j++) {
          const iv = intervals[j]!;
          if (iv.start >= to) break;
          if (iv.end > from) touching.push(iv);
        }
      }
      if (touching.length > 0) sweep(touching, from, to, minutes);
      if (extra && minutes.observed > 0) {
        minutes.major = Math.max(minutes.major, extra.major ?? 0);
        minutes.partial = Math.max(minutes.partial, extra.partial ?? 0);
        minutes.degraded = Math.max(minutes.degraded, extra.degraded ?? 0);
        minutes.maintenance = Math.max(minutes.maintenance, extra.maintenance ?? 0);
      }
      const uptime = dayUptime(minutes);
      if (uptime !== null) {
        down += downtime(minutes);
        counted += minutes.observed - minutes.maintenance;
      }
      const incidents: string[] = [];
      for (const iv of touching)
        if (!iv.scheduled && iv.guid && !incidents.includes(iv.guid)) incidents.push(iv.guid);
      if (minutes.observed > 0) covered++;
      days[i] = {
        date,
        start,
        end,
        minutes,
        worst: minutes.observed > 0 ? worstOf(minutes) : null,
        uptime,
        incidents,
      };
    }
    result.set(component, {
      component,
      days,
      uptime: counted > 0.5 ? Math.min(1, Math.max(0, 1 - down / counted)) : null,
      coveredDays: covered,
      downtimeMinutes: down,
    });
  }
  return result;
}

const OPEN_FIELD: Record<number, 'maintenance' | 'degraded' | 'partial' | 'major'> = {
  1: 'maintenance',
  2: 'degraded',
  3: 'partial',
  4: 'major',
};

/**
 * The `health_day` hook. Cluster health writes one record per bound component and local day, id
 * `<component>/<YYYY-MM-DD>`, body `{ component, date, major, partial, degraded, maintenance }` in
 * minutes, plus `open: { state, since }` for the state still going on, counted here up to `now`.
 */
export function healthDaysFromRecords(
  records: ReadonlyArray<{ id: string; body: unknown }>,
  now?: number,
): HealthDayLookup {
  const table = new Map<string, Partial<Omit<DayMinutes, 'observed'>>>();
  const num = (value: unknown) =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.min(value, 1500) : 0;
  for (const record of records) {
    const body = record.body as Record<string, unknown> | null;
    if (!body || typeof body !== 'object') continue;
    const component = typeof body.component === 'string' ? body.component : undefined;
    const date = typeof body.date === 'string' ? body.date : undefined;
    if (!component || !date) continue;
    const minutes = {
      major: num(body.major),
      partial: num(body.partial),
      degraded: num(body.degraded),
      maintenance: num(body.maintenance),
    };
    // The state still going on counts up to now (or the day's end), so today's bar is current.
    const open = body.open as { state?: unknown; since?: unknown } | null | undefined;
    const field = OPEN_FIELD[open?.state as number];
    if (now !== undefined && field && typeof open?.since === 'number') {
      const end = typeof body.end === 'number' ? Math.min(body.end, now) : now;
      minutes[field] = Math.min(1500, minutes[field] + Math.max(0, (end - open.since) / 60_000));
    }
    table.set(`${component}\u0000${date}`, minutes);
  }
  if (table.size === 0) return () => undefined;
  return (component, date) => table.get(`${component}\u0000${date}`);
}
