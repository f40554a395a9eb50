/** The top of the status page: the overall banner, and components by group with their 90-day bars. */
import { componentStateRow, type ComponentState } from '../../domain/types.ts';
import { UPTIME_FORMULA, type UptimeDay, type UptimeSeries } from '../../domain/uptime.ts';
import { raw } from 'hono/html';
import { LruCache } from '../../domain/lru-cache.ts';
import { percent } from './format.ts';
import { StateIcon } from './icons.tsx';

export const stateText = (state: ComponentState) => componentStateRow(state).description;

export function StateLabel({ state, text }: { state: ComponentState; text?: string }) {
  return (
    <span class={`state c${state}`}>
      <StateIcon state={state} />
      {text ?? stateText(state)}
    </span>
  );
}

export interface BannerProps {
  state: ComponentState;
  description: string;
  /** e.g. "Updated 14:05 CEST" */
  updated: string;
}

export function Banner({ state, description, updated }: BannerProps) {
  return (
    <section class={`banner s${state}`} aria-labelledby="overall-status">
      <StateIcon state={state} class="icon" />
      <div>
        <h2 id="overall-status">{description}</h2>
        <p>{updated}</p>
      </div>
    </section>
  );
}

export interface ComponentRow {
  id: string;
  name: string;
  description: string;
  state: ComponentState;
  /** Where the state comes from when a cluster sets it (the state label's tooltip). */
  source?: string;
  series?: UptimeSeries;
  /** Pre-rendered bars (uptimeBarsHtml), used instead of `series` when the page caches them apart. */
  barsHtml?: string;
}

export interface GroupRow {
  /** null for components without a group. */
  name: string | null;
  state: ComponentState;
  components: ComponentRow[];
}

const dayFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
});
const shortLabels = new LruCache<string, string>(2000);
/** `30 Mar` for a `YYYY-MM-DD` calendar date: within 90 days, the year goes without saying. */
export function shortDateLabel(date: string): string {
  return shortLabels.getOrSet(date, () => dayFormat.format(Date.parse(`${date}T12:00:00Z`)));
}

const WORST_TEXT = [
  'no downtime',
  'maintenance',
  'degraded performance',
  'partial outage',
  'major outage',
];

/**
 * A bar's accessible name and tooltip: the date, the worst state and the incident count. The
 * minutes and the day's uptime are on the day's page: spelled out on 1,300 bars they were most
 * of the front page's compressed weight.
 */
export function dayLabel(day: UptimeDay): string {
  const n = day.incidents.length;
  const count = n === 0 ? '' : `, ${n} incident${n === 1 ? '' : 's'}`;
  return `${shortDateLabel(day.date)}: ${WORST_TEXT[day.worst ?? 0]}${count}`;
}

/** The page that details one day: every component's minutes and uptime, and its incidents. */
export const dayHref = (date: string) => `/history?day=${date}`;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

/** What the percentage covers, in words: the days with data, never more. */
export function uptimePeriod(series: UptimeSeries): string {
  const n = series.coveredDays;
  return n === 1 ? 'today' : `the last ${n} days`;
}

/**
 * The 90 bars of one component, as an HTML string: 50 components make 4,500 elements, so this
 * is built directly rather than through JSX, and kept small, since the bars are most of the front
 * page. Every day without downtime is the same empty `<i>` (its tooltip, "12 days ago · No
 * downtime", comes from a CSS counter), so they compress to almost nothing; a day with something
 * to say is a link to that day's page with a short label (dayLabel), its accessible name and
 * tooltip. The link names no component: the same date in every row then compresses as one
 * string, and naming it cost 2 to 3.6 KB of brotli with 50 components; the day's page lists
 * them all.
 */
export function uptimeBarsHtml(series: UptimeSeries, name: string): string {
  const bad = series.days.filter((d) => d.worst !== null && d.worst > 1).length;
  const pct = percent(series.uptime);
  const noData = series.days.length - series.coveredDays;
  const period = uptimePeriod(series);
  let bars = '';
  for (const day of series.days) {
    if (day.worst === null) bars += '<i class="un"></i>';
    else if (day.worst === 0 && day.incidents.length === 0) bars += '<i></i>';
    else
      // The class last: what differs from one link to the next then sits together (0.7 KB of gzip).
      bars += `<a href="${dayHref(day.date)}" aria-label="${escapeHtml(dayLabel(day))}" class="u${day.worst}"></a>`;
  }
  const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  const gap = noData === 0 ? '' : ` No data for the ${days(noData)} before.`;
  const summary =
    series.coveredDays === 0
      ? `${escapeHtml(name)}: no uptime data yet for the last ${days(series.days.length)}.`
      : `${escapeHtml(name)}: ${pct} uptime over ${period}; ${bad === 0 ? 'no day with an outage' : `${days(bad)} with degraded service or an outage, linked below`}.${gap}`;
  const legend = series.coveredDays === 0 ? 'No data yet' : `${pct} uptime over ${period}`;
  return (
    // data-end (the last bar's date, the same in every row) lets the script date a good day's tooltip.
    `<div class="uptime" data-end="${series.days.at(-1)?.date ?? ''}"><p class="visually-hidden">${summary}</p><div class="bars">${bars}</div>` +
    `<div class="uptime-legend" aria-hidden="true"><span class="d90">90 days ago</span><span class="d60">60 days ago</span><span class="d30">30 days ago</span>` +
    `<span class="rule"></span><span class="pct">${legend}</span><span class="rule"></span><span>Today</span></div></div>`
  );
}

export function UptimeBars({ series, name }: { series: UptimeSeries; name: string }) {
  return raw(uptimeBarsHtml(series, name));
}

function ComponentItem({ row }: { row: ComponentRow }) {
  return (
    <li class="component">
      <div class="component-head">
        <div>
          <div class="component-name">{row.name}</div>
          {row.description ? <div class="component-desc">{row.description}</div> : null}
        </div>
        {row.source ? (
          <span class="state-source" title={row.source}>
            <StateLabel state={row.state} />
            <span class="visually-hidden">{` (${row.source})`}</span>
          </span>
        ) : (
          <StateLabel state={row.state} />
        )}
      </div>
      {row.barsHtml !== undefined ? (
        raw(row.barsHtml)
      ) : row.series ? (
        <UptimeBars series={row.series} name={row.name} />
      ) : null}
    </li>
  );
}

export function ComponentGroups({ groups }: { groups: readonly GroupRow[] }) {
  return (
    <section aria-labelledby="components-title">
      <div class="section-head">
        <h2 id="components-title">Components</h2>
      </div>
      {groups.map((group, i) =>
        group.name === null ? (
          <div class="card group">
            <ul class="components">
              {group.components.map((row) => (
                <ComponentItem row={row} />
              ))}
            </ul>
          </div>
        ) : (
          <details class="card group" open>
            <summary>
              <h3 id={`group-${i}`}>
                {group.name} <span class="count">({group.components.length})</span>
              </h3>
              <StateLabel state={group.state} />
            </summary>
            <ul class="components" aria-labelledby={`group-${i}`}>
              {group.components.map((row) => (
                <ComponentItem row={row} />
              ))}
            </ul>
          </details>
        ),
      )}
      <details class="help">
        <summary>How uptime is calculated</summary>
        <p>{UPTIME_FORMULA.text}</p>
        <div class="legend-keys" aria-hidden="true">
          <span>
            <i></i>No downtime
          </span>
          <span>
            <i class="u2"></i>Degraded
          </span>
          <span>
            <i class="u3"></i>Partial outage
          </span>
          <span>
            <i class="u4"></i>Major outage
          </span>
          <span>
            <i class="u1"></i>Maintenance
          </span>
          <span>
            <i class="un"></i>No data
          </span>
        </div>
      </details>
    </section>
  );
}
