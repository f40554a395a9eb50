/**
 * The read API of the domain: what is broken now, what is planned, what happened. Pure functions
 * of a DomainView and a clock, shared by the status page, the feeds and every JSON API.
 *
 * Unlike statusetat, an open incident counts until it is resolved, however old it is, and an
 * active maintenance puts its components under maintenance.
 */
import { DAY_MS, instant, isZeroTime, startOfDay } from './time.ts';
import {
  componentStateToIndicator,
  isOpenState,
  worstComponentState,
  worstIndicator,
  type Component,
  type ComponentGroup,
  type ComponentState,
  type Incident,
  type Message,
  type StatuspageIndicator,
  type StatuspageMaintenanceStatus,
} from './types.ts';
import type { DomainView } from './read-model.ts';

/**
 * A state for a component from outside incidents: cluster health fed by the agents, later.
 * `source` says where it came from, for the page ("cluster prod: agent silent").
 */
export interface ExtraComponentState {
  component: string;
  state: ComponentState;
  source: string;
}

export interface StatusSource {
  kind: 'incident' | 'maintenance' | 'override' | 'extra';
  /** Incident guid, component id for an override, or the extra state's source. */
  id: string;
  state: ComponentState;
}

export interface ComponentStatus {
  component: Component;
  state: ComponentState;
  /** Everything that currently sets a non-operational state on the component. */
  sources: StatusSource[];
}

export interface GroupStatus {
  group: ComponentGroup;
  state: ComponentState;
  components: ComponentStatus[];
}

export interface OverallStatus {
  state: ComponentState;
  indicator: StatuspageIndicator;
  description: string;
}

/** How an incident shows up right now. */
export type IncidentRole = 'incident' | 'maintenance' | 'persistent';

const isPast = (time: string, now: number) => !isZeroTime(time) && instant(time) <= now;

/**
 * statusetat's ShouldBeIncident: a maintenance whose window ended while it is still unresolved
 * or monitoring becomes an incident (unless `disable_maintenance_to_incident`), so an overrun is
 * visible. Idle, resolved and cancelled maintenances stay maintenances.
 */
export function incidentRole(incident: Incident, view: DomainView, now: number): IncidentRole {
  if (incident.persistent) return 'persistent';
  if (!incident.is_scheduled) return 'incident';
  if (view.settings.disableMaintenanceToIncident) return 'maintenance';
  const overran =
    isPast(incident.scheduled_end, now) && (incident.state === 0 || incident.state === 2);
  return overran ? 'incident' : 'maintenance';
}

/** Where a maintenance stands: it moves itself from scheduled to in progress to completed by the clock. */
export function maintenancePhase(incident: Incident, now: number): StatuspageMaintenanceStatus {
  if (!isOpenState(incident.state)) return 'completed';
  if (instant(incident.created_at) > now) return 'scheduled';
  if (isPast(incident.scheduled_end, now)) return 'completed';
  return incident.state === 2 ? 'verifying' : 'in_progress';
}

/** Open incidents (role `incident`, not resolved or cancelled), newest first. Known issues are listed apart. */
export function openIncidents(view: DomainView, now: number): Incident[] {
  return view.incidents.filter(
    (i) => incidentRole(i, view, now) === 'incident' && isOpenState(i.state),
  );
}

/** Maintenances that have not started yet, soonest first. */
export function upcomingMaintenance(view: DomainView, now: number): Incident[] {
  return maintenances(view, now)
    .filter((i) => maintenancePhase(i, now) === 'scheduled')
    .sort((a, b) => instant(a.created_at) - instant(b.created_at));
}

/** Maintenances inside their window and not finished (in progress or verifying). */
export function activeMaintenance(view: DomainView, now: number): Incident[] {
  return maintenances(view, now).filter((i) => {
    const phase = maintenancePhase(i, now);
    return phase === 'in_progress' || phase === 'verifying';
  });
}

/** Every record currently in the maintenance role, newest start first. */
export function maintenances(view: DomainView, now: number): Incident[] {
  return view.incidents.filter((i) => incidentRole(i, view, now) === 'maintenance');
}

/** Known issues ("persistent incidents"); resolved ones only when asked for. */
export function persistentIncidents(
  view: DomainView,
  options: { includeResolved?: boolean } = {},
): Incident[] {
  return view.incidents.filter(
    (i) => i.persistent && (options.includeResolved || isOpenState(i.state)),
  );
}

function statusSources(
  view: DomainView,
  now: number,
  extra: readonly ExtraComponentState[],
): Map<string, StatusSource[]> {
  const sources = new Map<string, StatusSource[]>();
  const add = (component: string, source: StatusSource) => {
    if (source.state === 0) return;
    const list = sources.get(component) ?? [];
    list.push(source);
    sources.set(component, list);
  };
  for (const incident of view.incidents) {
    if (!isOpenState(incident.state)) continue;
    const role = incidentRole(incident, view, now);
    // Only a maintenance inside its window counts. A known issue counts like an incident: its
    // component state is a real, lasting impact (set it to operational for a purely informative one).
    if (
      role === 'maintenance' &&
      maintenancePhase(incident, now) !== 'in_progress' &&
      maintenancePhase(incident, now) !== 'verifying'
    )
      continue;
    const kind = role === 'maintenance' ? 'maintenance' : 'incident';
    for (const component of incident.components)
      add(component, { kind, id: incident.guid, state: incident.component_state });
  }
  for (const override of view.overrides.values())
    add(override.component, { kind: 'override', id: override.component, state: override.state });
  for (const item of extra)
    add(item.component, { kind: 'extra', id: item.source, state: item.state });
  return sources;
}

/**
 * Each configured component's state: the worst of its open incidents, active maintenance, manual
 * override and `extra` states (cluster health). Config order.
 */
export function componentStatuses(
  view: DomainView,
  now: number,
  extra: readonly ExtraComponentState[] = [],
): ComponentStatus[] {
  const sources = statusSources(view, now, extra);
  return view.settings.components.map((component) => {
    const own = sources.get(component.id) ?? [];
    return { component, state: worstComponentState(own.map((s) => s.state)), sources: own };
  });
}

/** Groups in config order with their members; a group is as bad as its worst member. */
export function groupStatuses(
  statuses: readonly ComponentStatus[],
  view: DomainView,
): GroupStatus[] {
  const byId = new Map(statuses.map((s) => [s.component.id, s]));
  return view.settings.groups.map((group) => {
    const components = group.components.map((id) => byId.get(id)!).filter(Boolean);
    return { group, state: worstComponentState(components.map((c) => c.state)), components };
  });
}

const DESCRIPTIONS: Record<StatuspageIndicator, string> = {
  none: 'All Systems Operational',
  minor: 'Partially Degraded Service',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
};

/**
 * The rollup (Statuspage semantics): the worst of the component states and of the open
 * incidents' (and known issues') impacts. Maintenance never masks an outage; with nothing worse it reads
 * "Service Under Maintenance" with indicator `none` (Atlassian's documented indicator set).
 */
export function overallStatus(
  view: DomainView,
  now: number,
  extra: readonly ExtraComponentState[] = [],
): OverallStatus {
  const statuses = componentStatuses(view, now, extra);
  const incidentStates = [...openIncidents(view, now), ...persistentIncidents(view)].map(
    (i) => i.component_state,
  );
  const state = worstComponentState([...statuses.map((s) => s.state), ...incidentStates]);
  const indicator = worstIndicator([state].map(componentStateToIndicator));
  const description =
    indicator === 'none' && state === 1 ? 'Service Under Maintenance' : DESCRIPTIONS[indicator];
  return { state, indicator, description };
}

/**
 * statusetat's by-date listing: incidents and maintenances whose start lies in [from, to],
 * newest first, persistent ones excluded; maintenances only with `allTypes` (as `/v1/incidents`).
 */
export function incidentsBetween(
  view: DomainView,
  from: number,
  to: number,
  now: number,
  options: { allTypes?: boolean } = {},
): Incident[] {
  return view.incidents.filter((i) => {
    if (i.persistent) return false;
    const start = instant(i.created_at);
    if (start < from || start > to) return false;
    return options.allTypes || incidentRole(i, view, now) === 'incident';
  });
}

export interface MonthHistory {
  /** `YYYY-MM` in the page's time zone. */
  month: string;
  /** Incidents (not maintenances or known issues) started that month, newest first. */
  incidents: Incident[];
}

/** The last `months` calendar months (current first), each with its incidents; empty months included. */
export function historyByMonth(
  view: DomainView,
  now: number,
  options: { months?: number; timeZone?: string } = {},
): MonthHistory[] {
  const timeZone = options.timeZone ?? view.settings.timeZone;
  const monthOf = (ms: number) => monthKey(ms, timeZone);
  const months: MonthHistory[] = [];
  let cursor = now;
  for (let i = 0; i < (options.months ?? 3); i++) {
    const key = monthOf(cursor);
    months.push({ month: key, incidents: [] });
    // Step back to the last day of the previous month.
    const [year, month] = key.split('-').map(Number) as [number, number];
    cursor = startOfDay(Date.UTC(year, month - 1, 1), timeZone) - DAY_MS / 2;
  }
  const byKey = new Map(months.map((m) => [m.month, m]));
  for (const incident of view.incidents) {
    if (incidentRole(incident, view, now) !== 'incident') continue;
    byKey.get(monthOf(instant(incident.created_at)))?.incidents.push(incident);
  }
  return months;
}

function monthKey(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(new Date(ms));
  return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
}

export function findIncident(view: DomainView, guid: string): Incident | undefined {
  return view.byGuid.get(guid);
}

/** The opening message: statusetat's "main" message, the last one in newest-first order. */
export function mainMessage(incident: Incident): Message | undefined {
  return incident.messages[incident.messages.length - 1];
}

/** The most recent update. */
export function latestMessage(incident: Incident): Message | undefined {
  return incident.messages[0];
}

/** The incident's title: its opening message's title. */
export function incidentTitle(incident: Incident): string {
  return mainMessage(incident)?.title ?? '';
}
