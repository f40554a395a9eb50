/**
 * The Statuspage public API v2 objects, built from the domain's read API. Every field of the
 * format is present with its documented type; times are ISO-8601 UTC.
 */
import {
  activeMaintenance,
  componentStatuses,
  incidentRole,
  incidentTitle,
  maintenancePhase,
  overallStatus,
  upcomingMaintenance,
  type ComponentStatus,
  type ExtraComponentState,
} from '../../domain/status.ts';
import { impactSteps, peakImpact } from '../../domain/impact.ts';
import { instant, isZeroTime } from '../../domain/time.ts';
import { announcedAt, closedAt, lastChangeAt, startedAt } from '../../domain/timestamps.ts';
import {
  componentStateToIndicator,
  componentStateToStatuspage,
  incidentStateRow,
  incidentStateToStatuspage,
  isOpenState,
  worstComponentState,
  type Incident,
  type Message,
} from '../../domain/types.ts';
import type { DomainView } from '../../domain/read-model.ts';
import { componentObjectId, groupObjectId, pageId } from './ids.ts';

export interface StatuspageContext {
  view: DomainView;
  now: number;
  title: string;
  baseUrl: string;
  /** Used as the components' creation time only while there is no data at all. */
  startedAt: Date;
  extra: readonly ExtraComponentState[];
}

const iso = (text: string) => new Date(instant(text)).toISOString();
const isoOrNull = (text: string) => (isZeroTime(text) ? null : iso(text));
const isoOf = (ms: number) => new Date(ms).toISOString();
const latest = (times: number[]) => isoOf(Math.max(...times));

/**
 * Components come from the config and have no stored creation time. The earliest time in the
 * data stands in for it, so instances holding the same data serve identical documents (and
 * ETags); the process start is used only while there is no data.
 */
function baseline(ctx: StatuspageContext): number {
  // Asked once per component and group: scanning every incident each time made a rebuild with
  // 1,000 incidents block the event loop for hundreds of milliseconds.
  let known = baselines.get(ctx);
  if (known === undefined) {
    const times = [
      ...ctx.view.incidents.map(announcedAt),
      ...[...ctx.view.overrides.values()].map((o) => instant(o.updated_at)),
    ];
    known = times.length ? Math.min(...times) : ctx.startedAt.getTime();
    baselines.set(ctx, known);
  }
  return known;
}
const baselines = new WeakMap<StatuspageContext, number>();

/** Maximum list lengths, as Statuspage serves them. */
export const RECENT_LIMIT = 50;

export function pageObject(ctx: StatuspageContext) {
  const changes = [
    baseline(ctx),
    ...ctx.view.incidents.map((i) => lastChangeAt(i, ctx.now)),
    ...[...ctx.view.overrides.values()].map((o) => instant(o.updated_at)),
  ];
  const zone = ctx.view.settings.timeZone;
  return {
    id: pageId(ctx.baseUrl),
    name: ctx.title,
    url: ctx.baseUrl,
    time_zone: zone === 'UTC' ? 'Etc/UTC' : zone,
    updated_at: latest(changes),
  };
}

/** Each component's latest incident change, from one pass over the incidents per build. */
function componentChanges(ctx: StatuspageContext): Map<string, number> {
  let changes = componentChangeMaps.get(ctx);
  if (!changes) {
    changes = new Map();
    for (const incident of ctx.view.incidents) {
      const at = lastChangeAt(incident, ctx.now);
      for (const id of incident.components) {
        const seen = changes.get(id);
        if (seen === undefined || at > seen) changes.set(id, at);
      }
    }
    componentChangeMaps.set(ctx, changes);
  }
  return changes;
}
const componentChangeMaps = new WeakMap<StatuspageContext, Map<string, number>>();

function componentUpdatedAt(ctx: StatuspageContext, status: ComponentStatus): number {
  const override = ctx.view.overrides.get(status.component.id);
  const touching = componentChanges(ctx).get(status.component.id);
  return Math.max(
    baseline(ctx),
    touching ?? -Infinity,
    override ? instant(override.updated_at) : -Infinity,
  );
}

/** Components in config order, each group's container just before its first member. */
export function componentObjects(ctx: StatuspageContext) {
  const statuses = componentStatuses(ctx.view, ctx.now, ctx.extra);
  const page = pageId(ctx.baseUrl);
  const created = new Date(baseline(ctx)).toISOString();
  const out: Record<string, unknown>[] = [];
  const emittedGroups = new Set<string>();
  let position = 0;
  for (const status of statuses) {
    const group = status.component.group;
    if (group && !emittedGroups.has(group)) {
      emittedGroups.add(group);
      const members = statuses.filter((s) => s.component.group === group);
      out.push({
        id: groupObjectId(group),
        name: group,
        status: componentStateToStatuspage(worstComponentState(members.map((m) => m.state))),
        created_at: created,
        updated_at: latest(members.map((m) => componentUpdatedAt(ctx, m))),
        position: ++position,
        description: null,
        showcase: false,
        start_date: null,
        group_id: null,
        page_id: page,
        group: true,
        only_show_if_degraded: false,
        components: members.map((m) => componentObjectId(m.component.id)),
      });
    }
    out.push({
      id: componentObjectId(status.component.id),
      name: status.component.name,
      status: componentStateToStatuspage(status.state),
      created_at: created,
      updated_at: isoOf(componentUpdatedAt(ctx, status)),
      position: ++position,
      description: status.component.description || null,
      showcase: true,
      start_date: null,
      group_id: group ? groupObjectId(group) : null,
      page_id: page,
      group: false,
      only_show_if_degraded: false,
    });
  }
  return out;
}

type UpdateStatus = (message: Message) => string;

function updateObjects(
  ctx: StatuspageContext,
  incident: Incident,
  statusOf: UpdateStatus,
  components: Record<string, unknown>[],
) {
  const opening = incident.messages[incident.messages.length - 1];
  return incident.messages.map((message) => ({
    id: message.guid,
    status: statusOf(message),
    // Statuspage updates have one text; a message's content, or its title when it has none.
    body: message.content || message.title,
    incident_id: incident.guid,
    created_at: iso(message.created_at),
    updated_at: iso(message.created_at),
    display_at: iso(message.created_at),
    affected_components:
      message === opening
        ? components.map((c) => ({
            code: c.id,
            name: c.name,
            old_status: 'operational',
            new_status: componentStateToStatuspage(impactSteps(incident)[0]!.state),
          }))
        : null,
    deliver_notifications: true,
    custom_tweet: null,
    tweet_id: null,
  }));
}

function affectedComponents(incident: Incident, all: Record<string, unknown>[]) {
  const ids = new Set(incident.components.map(componentObjectId));
  return all.filter((c) => c.group === false && ids.has(c.id as string));
}

function firstTimeIn(incident: Incident, states: number[]): string | null {
  const matching = incident.messages.filter(
    (m) => m.incident_state !== undefined && states.includes(m.incident_state),
  );
  return matching.length ? iso(matching[matching.length - 1]!.created_at) : null;
}

function baseObject(ctx: StatuspageContext, incident: Incident, all: Record<string, unknown>[]) {
  const open = isOpenState(incident.state);
  return {
    id: incident.guid,
    name: incidentTitle(incident),
    // created_at is when it was announced and started_at when it began: a maintenance's window is in scheduled_for.
    created_at: isoOf(announcedAt(incident)),
    updated_at: isoOf(lastChangeAt(incident, ctx.now)),
    monitoring_at:
      firstTimeIn(incident, [2]) ??
      (incident.state === 2 ? isoOf(lastChangeAt(incident, ctx.now)) : null),
    resolved_at: open ? null : isoOf(closedAt(incident, ctx.now)!),
    shortlink: `${ctx.baseUrl}/incidents/${encodeURIComponent(incident.guid)}`,
    started_at: isoOf(startedAt(incident, ctx.now)),
    page_id: pageId(ctx.baseUrl),
    components: affectedComponents(incident, all),
  };
}

export function incidentObject(
  ctx: StatuspageContext,
  incident: Incident,
  all: Record<string, unknown>[],
) {
  const base = baseObject(ctx, incident, all);
  const statusOf: UpdateStatus = (m) =>
    incidentStateToStatuspage(m.incident_state ?? incident.state);
  return {
    ...base,
    status: incidentStateToStatuspage(incident.state),
    // Statuspage's impact is the highest the incident reached, not the one it has now.
    impact: componentStateToIndicator(peakImpact(incident)),
    incident_updates: updateObjects(ctx, incident, statusOf, base.components),
  };
}

export function maintenanceObject(
  ctx: StatuspageContext,
  incident: Incident,
  all: Record<string, unknown>[],
) {
  const base = baseObject(ctx, incident, all);
  const start = instant(incident.created_at);
  const statusOf: UpdateStatus = (m) =>
    instant(m.created_at) < start && isOpenState(m.incident_state ?? incident.state)
      ? 'scheduled'
      : incidentStateRow(m.incident_state ?? incident.state).maintenance;
  const status = maintenancePhase(incident, ctx.now);
  return {
    ...base,
    // One that the clock completed at the end of its window was resolved then.
    resolved_at: base.resolved_at ?? (status === 'completed' ? iso(incident.scheduled_end) : null),
    status,
    impact: 'maintenance',
    scheduled_for: iso(incident.created_at),
    scheduled_until: isoOrNull(incident.scheduled_end),
    reminder_intervals: null,
    incident_updates: updateObjects(ctx, incident, statusOf, base.components),
  };
}

/** Everything the eight endpoints serve, computed once per store version and time bucket. */
export function statuspageDocuments(ctx: StatuspageContext) {
  const page = pageObject(ctx);
  const components = componentObjects(ctx);
  const status = overallStatus(ctx.view, ctx.now, ctx.extra);
  const statusObject = { indicator: status.indicator, description: status.description };
  const incidentsAll = ctx.view.incidents.filter(
    (i) => incidentRole(i, ctx.view, ctx.now) !== 'maintenance',
  );
  const incidents = incidentsAll
    .slice(0, RECENT_LIMIT)
    .map((i) => incidentObject(ctx, i, components));
  const unresolved = incidentsAll
    .filter((i) => isOpenState(i.state))
    .map((i) => incidentObject(ctx, i, components));
  const maintenances = ctx.view.incidents
    .filter((i) => incidentRole(i, ctx.view, ctx.now) === 'maintenance')
    .slice(0, RECENT_LIMIT)
    .map((i) => maintenanceObject(ctx, i, components));
  const upcoming = upcomingMaintenance(ctx.view, ctx.now).map((i) =>
    maintenanceObject(ctx, i, components),
  );
  const active = activeMaintenance(ctx.view, ctx.now).map((i) =>
    maintenanceObject(ctx, i, components),
  );
  return {
    'summary.json': {
      page,
      status: statusObject,
      components,
      incidents: unresolved,
      scheduled_maintenances: [...active, ...upcoming],
    },
    'status.json': { page, status: statusObject },
    'components.json': { page, components },
    'incidents.json': { page, incidents },
    'incidents/unresolved.json': { page, incidents: unresolved },
    'scheduled-maintenances.json': { page, scheduled_maintenances: maintenances },
    'scheduled-maintenances/upcoming.json': { page, scheduled_maintenances: upcoming },
    'scheduled-maintenances/active.json': { page, scheduled_maintenances: active },
  };
}

export type StatuspageEndpoint = keyof ReturnType<typeof statuspageDocuments>;
