/**
 * The moments the read surfaces (Statuspage API, feeds) show for an incident. `created_at` keeps
 * statusetat's meaning, the start, which for a maintenance is its window and often tomorrow; when
 * the record was announced and when it last changed are worked out here, once, and are never
 * later than the clock.
 */
import { instant, isZeroTime } from './time.ts';
import { isOpenState, type Incident, type IncidentState } from './types.ts';

/** When the record was announced: its server creation time, or its start when that is earlier (a backfilled incident). */
export function announcedAt(incident: Incident): number {
  const start = instant(incident.created_at);
  // Records written before `recorded_at` was kept: a message without a client time carries the server's.
  const recorded = incident.recorded_at
    ? [instant(incident.recorded_at)]
    : incident.messages.map((m) => instant(m.created_at));
  return Math.min(start, ...recorded);
}

/**
 * The last write. Records written before writes were bounded by the clock gave a future
 * maintenance its start as `updated_at`; such a record has not been written since it was announced.
 */
function lastWriteAt(incident: Incident, now: number): number {
  const written = instant(incident.updated_at);
  return written <= now ? written : announcedAt(incident);
}

/** The start and end of a maintenance window that have already passed while it was open: the clock moved it on. */
function passedWindowEdges(incident: Incident, now: number): number[] {
  if (!incident.is_scheduled || incident.persistent || !isOpenState(incident.state)) return [];
  const edges = [
    instant(incident.created_at),
    ...(isZeroTime(incident.scheduled_end) ? [] : [instant(incident.scheduled_end)]),
  ];
  return edges.filter((t) => t <= now);
}

/** The latest change that already happened: a write, or a maintenance starting or ending by the clock. */
export function lastChangeAt(incident: Incident, now: number): number {
  return Math.min(now, Math.max(lastWriteAt(incident, now), ...passedWindowEdges(incident, now)));
}

/** When it started, or when it was announced while its start is still to come. */
export function startedAt(incident: Incident, now: number): number {
  const start = instant(incident.created_at);
  return start <= now ? start : announcedAt(incident);
}

const CLOSED: readonly IncidentState[] = [1, 4];

/**
 * When a closed incident was closed: the oldest of the updates that have kept it closed since
 * (a reopened and closed again incident counts from its last closing), else its last write.
 */
export function closedAt(incident: Incident, now: number): number | null {
  if (isOpenState(incident.state)) return null;
  let closing: number | null = null;
  for (const message of incident.messages) {
    if (message.incident_state === undefined || !CLOSED.includes(message.incident_state)) break;
    closing = instant(message.created_at);
  }
  return Math.min(now, closing ?? lastWriteAt(incident, now));
}
