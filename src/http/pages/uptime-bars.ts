/**
 * The 90-day bars are the heavy part of the status page (4,500 elements for 50 components): they
 * are rendered per store version, zone and quarter of an hour, and the rest of the page every
 * minute. A write shows at once; only the minutes of an outage still going on today lag by up to
 * 15 minutes. Quarter hours fall on local midnight in every zone, so a new day starts on time.
 */
import type { ReadModel } from '../../domain/read-model.ts';
import type { UptimeSeries } from '../../domain/uptime.ts';
import { dataSince, uptimeSeries, type ModelContext } from '../site/page-model.ts';
import { uptimeBarsHtml } from '../site/status.tsx';

const QUARTER_MS = 15 * 60_000;
/** Zones times quarters kept; the oldest entry goes first. */
const MAX_ENTRIES = 50;

export interface UptimeBars {
  /** Each component's bars as HTML, by component id. */
  html(ctx: ModelContext): ReadonlyMap<string, string>;
  /** The days behind the bars, by component id: what a day's page details. */
  series(ctx: ModelContext): ReadonlyMap<string, UptimeSeries>;
}

/** One per app (publicPages builds it), so its memory is bounded by MAX_ENTRIES whatever the zones asked. */
export function createUptimeBars(read: ReadModel): UptimeBars {
  // dataSince() scans the incidents and the audit log: once per store version.
  let since: { version: number; value: number | undefined } | undefined;
  const sinceOf = (ctx: ModelContext) => {
    if (since?.version !== ctx.view.version)
      since = { version: ctx.view.version, value: dataSince(ctx.view, read.auditRevs()) };
    return since.value;
  };
  const keyOf = (ctx: ModelContext, from: number | undefined) =>
    `${ctx.view.version}|${ctx.fmt.zone}|${Math.floor(ctx.now / QUARTER_MS)}|${from ?? ''}`;
  // Day pages ask for the series (they are cached as pages): only the last is kept, since 4,500
  // days of objects for 50 components is too much to keep per zone and quarter, or for the bars.
  let last: { key: string; series: ReadonlyMap<string, UptimeSeries> } | undefined;
  const rendered = new Map<string, ReadonlyMap<string, string>>();
  return {
    html(ctx) {
      const from = sinceOf(ctx);
      const key = keyOf(ctx, from);
      const hit = rendered.get(key);
      if (hit) return hit;
      const series = uptimeSeries(ctx, from, read.healthDays(ctx.now));
      const html = new Map(
        ctx.view.settings.components.map((c) => [c.id, uptimeBarsHtml(series.get(c.id)!, c.name)]),
      );
      if (rendered.size >= MAX_ENTRIES) rendered.delete(rendered.keys().next().value!);
      rendered.set(key, html);
      return html;
    },
    series(ctx) {
      const from = sinceOf(ctx);
      const key = keyOf(ctx, from);
      if (last?.key !== key)
        last = { key, series: uptimeSeries(ctx, from, read.healthDays(ctx.now)) };
      return last.series;
    },
  };
}
