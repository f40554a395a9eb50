/**
 * `/history?day=YYYY-MM-DD`, where a day's bar links: what each component went through that day
 * (minutes per state, uptime) and the incidents that touched it. The bars keep only a short
 * label (date, worst state, incident count) so that the front page stays light; the numbers
 * are here.
 */
import { incidentsBetween } from '../../domain/status.ts';
import { instant, startOfDay } from '../../domain/time.ts';
import type { Incident } from '../../domain/types.ts';
import { localDate, type UptimeDay, type UptimeSeries } from '../../domain/uptime.ts';
import { minutes, percent } from '../site/format.ts';
import { PastIncident, type IncidentView } from '../site/incidents.tsx';
import { Layout, type LayoutProps } from '../site/layout.tsx';
import { componentName, incidentView, type ModelContext } from '../site/page-model.ts';
import { dayHref } from '../site/status.tsx';

type Chrome = Omit<LayoutProps, 'children' | 'current' | 'title'>;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date from 2000 to today in the zone, or null: the days a history can have. */
export function parseDay(text: string, now: number, zone: string): string | null {
  const match = DAY.exec(text);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const noon = new Date(Date.UTC(y, m - 1, d, 12));
  if (noon.getUTCMonth() !== m - 1 || noon.getUTCDate() !== d) return null;
  return text >= '2000-01-01' && text <= localDate(now, zone) ? text : null;
}

const shiftDay = (date: string, delta: number) =>
  new Date(Date.parse(`${date}T12:00:00Z`) + delta * 86_400_000).toISOString().slice(0, 10);

export interface DayComponentRow {
  name: string;
  /** `1 h 5 min major outage`, one line per state; empty when the day had none. */
  what: string[];
  uptime: string;
  worst: number;
}

export interface DayPageProps extends Chrome {
  date: string;
  label: string;
  monthHref: string;
  previous: string;
  next?: string;
  /** null when the day is older than the bars (90 days): no minutes are kept per day. */
  rows: DayComponentRow[] | null;
  /** Components with data and nothing to report. */
  quiet: number;
  /** Components without data for the day (before the page's first record). */
  unknown: number;
  incidents: IncidentView[];
}

function what(day: UptimeDay): string[] {
  const m = day.minutes;
  const lines: string[] = [];
  if (m.major >= 0.5) lines.push(`${minutes(m.major)} major outage`);
  if (m.partial >= 0.5) lines.push(`${minutes(m.partial)} partial outage`);
  if (m.degraded >= 0.5) lines.push(`${minutes(m.degraded)} degraded performance`);
  if (m.maintenance >= 0.5) lines.push(`${minutes(m.maintenance)} maintenance`);
  return lines;
}

/** The props of one day's page, from the bars' series (when they cover the day) and the incidents. */
export function dayModel(
  ctx: ModelContext,
  date: string,
  series: ReadonlyMap<string, UptimeSeries>,
): Omit<DayPageProps, keyof Chrome> {
  const zone = ctx.fmt.zone;
  const noon = Date.parse(`${date}T12:00:00Z`);
  const from = startOfDay(noon, zone);
  const to = startOfDay(noon + 86_400_000, zone) - 1;
  let rows: DayComponentRow[] | null = null;
  let quiet = 0;
  let unknown = 0;
  const touched = new Set<string>();
  for (const component of ctx.view.settings.components) {
    const day = series.get(component.id)?.days.find((d) => d.date === date);
    if (!day) continue;
    rows ??= [];
    for (const guid of day.incidents) touched.add(guid);
    if (day.worst === null) {
      unknown++;
      continue;
    }
    if (day.worst === 0 && day.incidents.length === 0) {
      quiet++;
      continue;
    }
    rows.push({
      name: componentName(ctx, component.id),
      what: what(day),
      uptime: percent(day.uptime),
      worst: day.worst,
    });
  }
  // Incidents that touched the day, and whatever started on it (maintenance too).
  const started = incidentsBetween(ctx.view, from, Math.min(to, ctx.now), ctx.now, {
    allTypes: true,
  }).filter((i) => !(i.is_scheduled && i.state === 4));
  const incidents = new Map<string, Incident>(started.map((i) => [i.guid, i]));
  for (const guid of touched) {
    const incident = ctx.view.byGuid.get(guid);
    if (incident) incidents.set(guid, incident);
  }
  const listed = [...incidents.values()].sort(
    (a, b) => instant(b.created_at) - instant(a.created_at),
  );
  const today = localDate(ctx.now, zone);
  return {
    date,
    label: ctx.fmt.day(noon),
    monthHref: `/history?month=${date.slice(0, 7)}#day-${date}`,
    previous: dayHref(shiftDay(date, -1)),
    ...(date < today ? { next: dayHref(shiftDay(date, 1)) } : {}),
    rows,
    quiet,
    unknown,
    incidents: listed.map((i) => incidentView(i, ctx)),
  };
}

/** `3 other components: no downtime.`, or without "other" when the table above is empty. */
function others(n: number, before: number, what: string): string {
  const other = before > 0 ? ' other' : '';
  return `${n === 1 ? `One${other} component` : `${n}${other} components`}: ${what}.`;
}

const STATE_CLASS = ['c0', 'c1', 'c2', 'c3', 'c4'];

export function DayPage(props: DayPageProps) {
  const { rows } = props;
  return (
    <Layout {...props} current="history" title={`History: ${props.label}`}>
      <div class="section-head">
        <h1>{props.label}</h1>
        <nav class="pager" aria-label="Days">
          <a class="btn secondary small" href={props.previous} rel="prev">
            ← Day before
          </a>
          {props.next ? (
            <a class="btn secondary small" href={props.next} rel="next">
              Day after →
            </a>
          ) : null}
          <a class="btn secondary small" href={props.monthHref}>
            The whole month
          </a>
        </nav>
      </div>
      <section aria-labelledby="day-components" class="card">
        <div class="card-body">
          <h2 id="day-components">Components</h2>
          {rows === null ? (
            <p class="help">
              Minutes per component are shown for the last 90 days; the incidents of the day are
              below.
            </p>
          ) : rows.length === 0 ? null : (
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">Component</th>
                    <th scope="col">Downtime and maintenance</th>
                    <th scope="col">Uptime</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr>
                      <th scope="row">{row.name}</th>
                      <td class={STATE_CLASS[row.worst]}>
                        {row.what.length ? row.what.join('; ') : 'No downtime'}
                      </td>
                      <td>{row.uptime}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {rows !== null && props.quiet > 0 ? (
            <p class="help">{others(props.quiet, rows.length, 'no downtime')}</p>
          ) : null}
          {rows !== null && props.unknown > 0 ? (
            <p class="help">
              {others(props.unknown, rows.length + props.quiet, 'no data for this day')}
            </p>
          ) : null}
        </div>
      </section>
      <section aria-labelledby="day-incidents">
        <div class="section-head">
          <h2 id="day-incidents">Incidents and maintenance</h2>
        </div>
        <div class="card card-body">
          {props.incidents.length === 0 ? (
            <p class="none">No incidents on this day.</p>
          ) : (
            <ul class="day-incidents">
              {props.incidents.map((incident) => (
                <PastIncident incident={incident} />
              ))}
            </ul>
          )}
        </div>
      </section>
    </Layout>
  );
}
