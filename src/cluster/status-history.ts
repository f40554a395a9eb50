/**
 * status-service's history views over the records: the daily columns of `GET /status` and one
 * service's intervals on one day (`GET /status/:id`). Days are local days in the page's time
 * zone, identified by the epoch milliseconds of their first instant.
 *
 * An interval opens on a change to warning or error, closes on the next change (a warning turning
 * into an error closes one and opens the other), and a state already under way when the day began
 * opens the day's first interval at its start (the original skips it, so a service down since
 * yesterday shows a clean morning).
 */
import type { RecordStore } from '../replication/types.ts';
import { DAY_MS, startOfDay } from '../domain/time.ts';
import {
  HEALTH_KIND,
  isStatusState,
  type StatusChangeBody,
  type StatusDayBody,
  type StatusState,
} from './health-records.ts';

type Reader = Pick<RecordStore, 'list'>;

export interface StatusInterval {
  startTime: number;
  stopTime: number;
  state: 'warning' | 'error';
}

/** Every daily state of a cluster, by status-service uid then day start. */
export function dailyStates(store: Reader, cluster: string): Map<string, Map<number, StatusState>> {
  const out = new Map<string, Map<number, StatusState>>();
  for (const record of store.list(HEALTH_KIND.statusDay)) {
    const body = record.body as StatusDayBody | null;
    if (body?.cluster !== cluster || !isStatusState(body.state)) continue;
    let days = out.get(body.uid);
    if (!days) out.set(body.uid, (days = new Map()));
    days.set(body.start, body.state);
  }
  return out;
}

function changesOf(
  store: Reader,
  cluster: string,
  uid: string,
): { at: number; state: StatusState }[] {
  const changes: { at: number; state: StatusState }[] = [];
  for (const record of store.list(HEALTH_KIND.statusChange)) {
    const body = record.body as StatusChangeBody | null;
    if (body?.cluster !== cluster || body.uid !== uid || !isStatusState(body.state)) continue;
    changes.push({ at: Date.parse(body.at), state: body.state });
  }
  return changes.sort((a, b) => a.at - b.at);
}

/**
 * One service's intervals on the local day starting at `dayStart`. `pending`: an escalation due
 * but not written yet (a warning past `error_after`), so the answer matches the current state.
 */
export function dayIntervals(
  store: Reader,
  cluster: string,
  uid: string,
  dayStart: number,
  options: { now: number; timeZone: string; pending?: { at: number; state: StatusState } },
): StatusInterval[] {
  const dayEnd = startOfDay(dayStart + DAY_MS + 3 * 3_600_000, options.timeZone);
  const end = Math.min(dayEnd, options.now);
  const changes = changesOf(store, cluster, uid);
  if (options.pending) changes.push(options.pending);
  const intervals: StatusInterval[] = [];
  let open: { startTime: number; state: 'warning' | 'error' } | undefined;
  const close = (at: number) => {
    if (open && at > open.startTime) intervals.push({ ...open, stopTime: at });
    open = undefined;
  };
  const enter = (at: number, state: StatusState) => {
    if (open?.state === state) return;
    close(at);
    if (state !== 'ok') open = { startTime: at, state };
  };
  const before = changes.filter((change) => change.at < dayStart).pop();
  if (before) enter(dayStart, before.state);
  for (const change of changes)
    if (change.at >= dayStart && change.at < end) enter(change.at, change.state);
  if (open && end > open.startTime) intervals.push({ ...open, stopTime: end });
  return intervals;
}
