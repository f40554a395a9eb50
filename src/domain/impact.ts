/**
 * An incident's impact over time, read from its timeline: each update's recorded component state
 * holds from that update until the next one. The incident document only knows the impact it has
 * now, so a major outage lowered to "degraded" before it was resolved would otherwise count as
 * degraded for its whole life.
 */
import { instant } from './time.ts';
import type { ComponentState, Incident } from './types.ts';

export interface ImpactStep {
  /** From this instant on (until the next step)... */
  at: number;
  /** ...the incident holds its components in this state. */
  state: ComponentState;
}

const RESOLVED = 1;
const CANCELLED = 4;
const isClosed = (state: number) => state === RESOLVED || state === CANCELLED;

/**
 * When an incident stopped affecting its components: the first update that announced
 * resolved or cancelled, else `updated_at` for a closed incident, else still open (null).
 */
export function incidentEnd(incident: Incident): number | null {
  if (!isClosed(incident.state)) return null;
  let end = Infinity;
  for (const message of incident.messages) {
    if (message.incident_state !== undefined && isClosed(message.incident_state))
      end = Math.min(end, instant(message.created_at));
  }
  if (end === Infinity) end = instant(incident.updated_at || incident.created_at);
  return end;
}

const steps = new WeakMap<Incident, ImpactStep[]>();

/**
 * The impact steps, oldest first; the first one at the incident's start. Updates that recorded no
 * impact (written before it was recorded) keep the one before them, or the incident's current one
 * when none came before. A change of the incident's impact made without an update (a PATCH) shows
 * from the incident's `updated_at`, the latest moment it can have happened.
 */
export function impactSteps(incident: Incident): readonly ImpactStep[] {
  const hit = steps.get(incident);
  if (hit) return hit;
  const start = instant(incident.created_at);
  const result: ImpactStep[] = [];
  let previous: ComponentState | undefined;
  // Messages are newest first; equal times keep their list order (the later one first).
  for (let i = incident.messages.length - 1; i >= 0; i--) {
    const message = incident.messages[i]!;
    const state = message.component_state ?? previous ?? incident.component_state;
    previous = state;
    const at = Math.max(start, instant(message.created_at));
    if (!Number.isFinite(at)) continue;
    const last = result[result.length - 1];
    if (last && last.at === at) last.state = state;
    else if (!last || last.state !== state) result.push({ at, state });
  }
  if (result.length === 0 || result[0]!.at > start)
    result.unshift({ at: start, state: result[0]?.state ?? incident.component_state });
  const last = result[result.length - 1]!;
  const changedAt = instant(incident.updated_at);
  if (last.state !== incident.component_state && changedAt > last.at)
    result.push({ at: changedAt, state: incident.component_state });
  steps.set(incident, result);
  return result;
}

/** The impact in force at each instant of [from, to), as spans with a state. */
export function impactSpans(
  incident: Incident,
  from: number,
  to: number,
): Array<{ start: number; end: number; state: ComponentState }> {
  const all = impactSteps(incident);
  const spans: Array<{ start: number; end: number; state: ComponentState }> = [];
  for (let i = 0; i < all.length; i++) {
    const start = Math.max(from, all[i]!.at);
    const end = Math.min(to, i + 1 < all.length ? all[i + 1]!.at : Infinity);
    if (end > start) spans.push({ start, end, state: all[i]!.state });
  }
  return spans;
}

/**
 * The highest impact the incident reached while it affected its components. An impact set by the
 * closing update itself never held, so it does not count, unless it is the only one there is.
 */
export function peakImpact(incident: Incident): ComponentState {
  const all = impactSteps(incident);
  const end = incidentEnd(incident);
  let peak: ComponentState | undefined;
  for (const step of all)
    if ((end === null || step.at < end) && (peak === undefined || step.state > peak))
      peak = step.state;
  return peak ?? all[0]!.state;
}
