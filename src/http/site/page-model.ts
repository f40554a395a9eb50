/**
 * From the domain's read model to the props the views render: every time formatted in the
 * visitor's zone, every Markdown field rendered and sanitised, every state put into words.
 */
import { LruCache } from '../../domain/lru-cache.ts';
import { renderInlineMarkdown, renderMarkdown } from '../../domain/markdown.ts';
import {
  activeMaintenance,
  componentStatuses,
  groupStatuses,
  incidentRole,
  incidentTitle,
  maintenancePhase,
  openIncidents,
  overallStatus,
  persistentIncidents,
  upcomingMaintenance,
  type ComponentStatus,
  type ExtraComponentState,
  type IncidentRole,
} from '../../domain/status.ts';
import { instant, isZeroTime } from '../../domain/time.ts';
import {
  incidentStateToStatuspage,
  isOpenState,
  type Component,
  type Incident,
  type IncidentState,
} from '../../domain/types.ts';
import {
  computeUptime,
  dayStarts,
  incidentEnd,
  localDate,
  type HealthDayLookup,
  type UptimeSeries,
} from '../../domain/uptime.ts';
import type { DomainView } from '../../domain/read-model.ts';
import { duration, relative, type TimeFormat } from './format.ts';
import type { DayView, IncidentView, TimeView, UpdateView } from './incidents.tsx';
import type { GroupRow } from './status.tsx';

/** Rendered Markdown, memoised by source text: the same messages are rendered again every minute. */
const markdownCache = new LruCache<string, string>(5000);
const inlineCache = new LruCache<string, string>(5000);
function memo(
  cache: LruCache<string, string>,
  render: (text: string) => string,
  text: string,
): string {
  return text ? cache.getOrSet(text, () => render(text)) : '';
}
export const md = (text: string) => memo(markdownCache, renderMarkdown, text);
export const mdInline = (text: string) => memo(inlineCache, renderInlineMarkdown, text);

export interface ModelContext {
  view: DomainView;
  now: number;
  fmt: TimeFormat;
  /** States from outside incidents: components bound to cluster objects. */
  extra?: readonly ExtraComponentState[];
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function timeView(ms: number, ctx: ModelContext): TimeView {
  return { iso: new Date(ms).toISOString(), text: ctx.fmt.short(ms, ctx.now) };
}

const labelCache = new WeakMap<object, Map<string, string>>();
/** A component's name for people: its name, with the group when another group has a component of the same name. */
export function componentName(ctx: ModelContext, id: string): string {
  const components = ctx.view.settings.components;
  let labels = labelCache.get(components);
  if (!labels) {
    const counts = new Map<string, number>();
    for (const c of components) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
    labels = new Map(
      components.map((c) => [
        c.id,
        counts.get(c.name)! > 1 && c.group ? `${c.name} (${c.group})` : c.name,
      ]),
    );
    labelCache.set(components, labels);
  }
  return labels.get(id) ?? id;
}

const PHASE_TEXT = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
} as const;

function incidentStatusText(state: IncidentState): string {
  if (state === 4) return 'Cancelled';
  return capitalise(incidentStateToStatuspage(state));
}

function maintenanceUpdateStatus(state: IncidentState | undefined): string | undefined {
  if (state === undefined) return undefined;
  return state === 1
    ? 'Completed'
    : state === 4
      ? 'Cancelled'
      : state === 2
        ? 'Verifying'
        : undefined;
}

export function incidentView(
  incident: Incident,
  ctx: ModelContext,
  role: IncidentRole = incidentRole(incident, ctx.view, ctx.now),
): IncidentView {
  const { now } = ctx;
  const start = instant(incident.created_at);
  const isMaintenance = role === 'maintenance';
  const phase = isMaintenance ? maintenancePhase(incident, now) : undefined;
  let status: string;
  let open: boolean;
  let end: number | undefined;
  let durationText: string | undefined;
  if (phase) {
    status = incident.state === 4 ? 'Cancelled' : PHASE_TEXT[phase];
    open = phase === 'in_progress' || phase === 'verifying';
    const plannedEnd = isZeroTime(incident.scheduled_end)
      ? undefined
      : instant(incident.scheduled_end);
    end = plannedEnd;
    if (phase === 'scheduled')
      durationText = `starts ${relative(start, now)}${plannedEnd ? `, lasts ${duration(plannedEnd - start)}` : ''}`;
    else if (open && plannedEnd)
      durationText =
        plannedEnd > now
          ? `ends ${relative(plannedEnd, now)}`
          : `overran by ${duration(now - plannedEnd)}`;
    else if (plannedEnd && incident.state !== 4)
      durationText = `took ${duration(Math.max(0, Math.min(plannedEnd, incidentEnd(incident) ?? plannedEnd) - start))}`;
  } else {
    status =
      role === 'persistent' && isOpenState(incident.state)
        ? 'Known issue'
        : incidentStatusText(incident.state);
    open = isOpenState(incident.state);
    const closed = incidentEnd(incident);
    if (closed !== null && incident.state !== 4) {
      end = closed;
      durationText = `lasted ${duration(Math.max(0, closed - start))}`;
    } else if (open && role === 'incident') {
      durationText = now - start < 60_000 ? 'just started' : `ongoing for ${duration(now - start)}`;
    }
  }
  const last = incident.messages.length - 1;
  const title = incidentTitle(incident);
  const updates: UpdateView[] = incident.messages.map((m, i) => ({
    guid: m.guid,
    // The opening message's title is the incident's title, already shown as the heading.
    titleHtml: i === last && m.title === title ? '' : mdInline(m.title),
    contentHtml: md(m.content),
    at: timeView(instant(m.created_at), ctx),
    status: isMaintenance
      ? i === last
        ? 'Scheduled'
        : maintenanceUpdateStatus(m.incident_state)
      : m.incident_state !== undefined
        ? incidentStatusText(m.incident_state)
        : undefined,
  }));
  return {
    guid: incident.guid,
    kind: role,
    titleHtml: mdInline(title),
    titleText: title,
    status,
    open,
    impact: incident.component_state,
    components: incident.components.map((id) => componentName(ctx, id)),
    start: timeView(start, ctx),
    ...(end !== undefined ? { end: timeView(end, ctx) } : {}),
    ...(durationText ? { durationText } : {}),
    updates,
  };
}

/** The rev's wall clock (first 12 hex digits of an HLC stamp), or NaN. */
const revTime = (rev: string) => parseInt(rev.slice(0, 12), 16);

/**
 * When the page started having data: the oldest of the incidents' starts and the audit log's
 * first entry. Bars before it read "no data" instead of claiming 100 %.
 */
export function dataSince(view: DomainView, auditRevs: readonly string[]): number | undefined {
  let since = Infinity;
  for (const incident of view.incidents) {
    const t = instant(incident.created_at);
    if (!isZeroTime(incident.created_at) && t < since) since = t;
  }
  for (const rev of auditRevs) {
    const t = revTime(rev);
    if (Number.isFinite(t) && t < since) since = t;
  }
  return Number.isFinite(since) ? since : undefined;
}

/** Components by group with their current state; the 90-day bars as series or as pre-rendered HTML per component id. */
export function groupRows(
  ctx: ModelContext,
  bars: { series?: Map<string, UptimeSeries>; html?: ReadonlyMap<string, string> } = {},
): GroupRow[] {
  const statuses = componentStatuses(ctx.view, ctx.now, ctx.extra);
  const sourceOf = new Map(statuses.map((s) => [s.component.id, stateSource(s, ctx.extra)]));
  const row = (component: Component, state: (typeof statuses)[number]['state']) => ({
    id: component.id,
    name: component.name,
    description: component.description,
    state,
    ...(sourceOf.get(component.id) ? { source: sourceOf.get(component.id)! } : {}),
    ...(bars.series?.get(component.id) ? { series: bars.series.get(component.id)! } : {}),
    ...(bars.html?.has(component.id) ? { barsHtml: bars.html.get(component.id)! } : {}),
  });
  // Config order: a group takes the place of its first member, and components without a group
  // stay where they are listed (next to each other, they share one unnamed row).
  const groups = new Map(groupStatuses(statuses, ctx.view).map((g) => [g.group.name, g]));
  const rows: GroupRow[] = [];
  for (const status of statuses) {
    const group = groups.get(status.component.group);
    if (group) {
      groups.delete(group.group.name);
      rows.push({
        name: group.group.name,
        state: group.state,
        components: group.components.map((s) => row(s.component, s.state)),
      });
    } else if (!status.component.group) {
      const last = rows[rows.length - 1];
      if (last && last.name === null) last.components.push(row(status.component, status.state));
      else rows.push({ name: null, state: 0, components: [row(status.component, status.state)] });
    }
  }
  return rows;
}

/** Where a component's state comes from, in words, for its tooltip; '' when only incidents set it. */
function stateSource(status: ComponentStatus, extra: readonly ExtraComponentState[] = []): string {
  // Every bound state, operational ones included: "operational" is a claim the cluster makes too.
  const cluster = extra.filter((e) => e.component === status.component.id).map((e) => e.source);
  if (cluster.length === 0) return '';
  const others = status.sources.filter((s) => s.kind !== 'extra').length;
  return `From ${cluster.join('; ')}${others > 0 ? ` and ${others === 1 ? 'an incident' : `${others} incidents`}` : ''}`;
}

export function uptimeSeries(
  ctx: ModelContext,
  since: number | undefined,
  healthDays?: HealthDayLookup,
): Map<string, UptimeSeries> {
  return computeUptime({
    incidents: ctx.view.incidents,
    components: ctx.view.settings.components.map((c) => c.id),
    now: ctx.now,
    timeZone: ctx.fmt.zone,
    days: 90,
    // A page without any data yet has no day to show, rather than 90 days of "no downtime".
    since: since ?? ctx.now,
    ...(ctx.view.overrideChanges ? { overrides: ctx.view.overrideChanges } : {}),
    ...(healthDays ? { healthDays } : {}),
  });
}

/**
 * At most this many incidents on the front page's past-incidents list: its weight and render time
 * then follow what a visitor reads, not how busy the week was; the history page has the rest.
 */
export const RECENT_INCIDENTS_LIMIT = 20;

/**
 * Incidents and maintenances that started on each of the last `count` local days, today first.
 * Once `limit` incidents are listed the older days are left out (the day that reaches it keeps
 * its newest ones), so no day reads as quiet when it was not.
 */
export function recentDays(
  ctx: ModelContext,
  count = 7,
  limit = RECENT_INCIDENTS_LIMIT,
): DayView[] {
  const starts = dayStarts(ctx.now, count, ctx.fmt.zone);
  const first = starts[0]!;
  const byDate = new Map<string, Incident[]>();
  for (const incident of ctx.view.incidents) {
    if (incident.persistent) continue;
    const start = instant(incident.created_at);
    if (start < first || start > ctx.now) continue;
    if (incident.is_scheduled && incident.state === 4) continue;
    const date = localDate(start, ctx.fmt.zone);
    const list = byDate.get(date) ?? [];
    list.push(incident);
    byDate.set(date, list);
  }
  const days: DayView[] = [];
  let listed = 0;
  for (const start of starts.slice().reverse()) {
    if (listed >= limit) break;
    const date = localDate(start, ctx.fmt.zone);
    const incidents = (byDate.get(date) ?? []).slice(0, limit - listed);
    listed += incidents.length;
    days.push({
      date,
      label: ctx.fmt.day(start + 12 * 3_600_000),
      incidents: incidents.map((i) => incidentView(i, ctx)),
    });
  }
  return days;
}

export interface StatusModel {
  overall: ReturnType<typeof overallStatus>;
  open: IncidentView[];
  active: IncidentView[];
  upcoming: IncidentView[];
  persistent: IncidentView[];
}

export function statusModel(ctx: ModelContext): StatusModel {
  const { view, now } = ctx;
  return {
    overall: overallStatus(view, now, ctx.extra),
    open: openIncidents(view, now).map((i) => incidentView(i, ctx, 'incident')),
    active: activeMaintenance(view, now).map((i) => incidentView(i, ctx, 'maintenance')),
    upcoming: upcomingMaintenance(view, now)
      .slice(0, 20)
      .map((i) => incidentView(i, ctx, 'maintenance')),
    persistent: persistentIncidents(view).map((i) => incidentView(i, ctx, 'persistent')),
  };
}
