/**
 * The public HTML pages: `/`, `/history`, `/incidents/:id`, `/timezone`, the subscribe form,
 * and the hashed assets. Pages are rendered from the in-memory view and cached by
 * (store version, zone, minute, storage notice), so a page is rendered when the data changes,
 * not on every request, and keeps being served when every storage target is down.
 */
import { Hono, type Context } from 'hono';
import { incidentsBetween, incidentRole } from '../../domain/status.ts';
import { instant, startOfDay } from '../../domain/time.ts';
import { localDate } from '../../domain/uptime.ts';
import { ASSETS } from '../site/assets/index.ts';
import { etagMatches } from '../site/etag.ts';
import { timeFormat } from '../site/format.ts';
import type { DayView } from '../site/incidents.tsx';
import {
  HistoryPage,
  IncidentPage,
  IndexPage,
  MessagePage,
  NotFoundPage,
  TimezonePage,
  UnsubscribePage,
  type UnsubscribeProps,
} from './views.tsx';
import { createUptimeBars, type UptimeBars } from './uptime-bars.ts';
import { DayPage, dayModel, parseDay } from './day-page.tsx';
import { dayHref } from '../site/status.tsx';
import { safeHref, safeReturnPath } from '../site/url.ts';
import { knownState, UNKNOWN_HEADERS } from '../known-state.ts';
import {
  groupRows,
  incidentView,
  recentDays,
  statusModel,
  type ModelContext,
} from '../site/page-model.ts';
import { baseKey, chrome, pageRequest, sendPage, type PageRequest } from './page-request.ts';
import { scopeOptions, subscriptionPages } from './subscription-routes.tsx';
import { html, sendHtml, type PageDeps } from '../site/site.ts';
import { allZones, canonicalZone, isSecureRequest, zoneCookie } from '../site/zone.ts';

function modelContext(r: PageRequest): ModelContext {
  return {
    view: r.site.view(),
    now: r.now,
    fmt: timeFormat(r.zone.zone),
    extra: r.health.states,
  };
}

export function renderIndex(r: PageRequest, bars: UptimeBars): string {
  const ctx = modelContext(r);
  const model = statusModel(ctx);
  return html(
    <IndexPage
      {...chrome(r, '/')}
      theme={r.site.theme}
      banner={{
        state: model.overall.state,
        description: model.overall.description,
        updated: `Status as of ${ctx.fmt.short(r.now, r.now)}`,
      }}
      open={model.open}
      activeMaintenance={model.active}
      upcomingMaintenance={model.upcoming}
      persistent={model.persistent}
      groups={groupRows(ctx, { html: bars.html(ctx) })}
      days={recentDays(ctx, 7)}
      subscribe={{
        emailDelivery: r.site.subscriptions.canMail,
        baseUrl: r.site.info.baseUrl,
        scope: scopeOptions(r.site.settings),
      }}
    />,
  );
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
type HistoryType = 'all' | 'incidents' | 'maintenance';

function monthStart(month: string, zone: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return startOfDay(Date.UTC(y, m - 1, 1, 12), zone);
}
function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function historyHref(month: string, component: string, type: HistoryType): string {
  const params = new URLSearchParams({ month });
  if (component) params.set('component', component);
  if (type !== 'all') params.set('type', type);
  return `/history?${params.toString()}`;
}

function renderHistory(
  r: PageRequest,
  month: string,
  component: string,
  type: HistoryType,
): string {
  const ctx = modelContext(r);
  const zone = r.zone.zone;
  const from = monthStart(month, zone);
  const to = monthStart(shiftMonth(month, 1), zone) - 1;
  const current = localDate(r.now, zone).slice(0, 7);
  const incidents = incidentsBetween(ctx.view, from, Math.min(to, r.now), r.now, {
    allTypes: true,
  }).filter((i) => {
    if (component && !i.components.includes(component)) return false;
    if (i.is_scheduled && i.state === 4) return false;
    const role = incidentRole(i, ctx.view, r.now);
    return (
      type === 'all' || (type === 'maintenance' ? role === 'maintenance' : role === 'incident')
    );
  });
  const byDate = new Map<string, DayView>();
  for (const incident of incidents) {
    const start = instant(incident.created_at);
    const date = localDate(start, zone);
    let day = byDate.get(date);
    if (!day) {
      day = { date, label: ctx.fmt.day(start), incidents: [] };
      byDate.set(date, day);
    }
    day.incidents.push(incidentView(incident, ctx));
  }
  const settings = r.site.settings;
  const path = historyHref(month, component, type);
  return html(
    <HistoryPage
      {...chrome(r, path)}
      month={month}
      monthLabel={ctx.fmt.month(from + 15 * 86_400_000)}
      previous={{
        href: historyHref(shiftMonth(month, -1), component, type),
        label: ctx.fmt.month(monthStart(shiftMonth(month, -1), zone) + 15 * 86_400_000),
      }}
      {...(month < current
        ? {
            next: {
              href: historyHref(shiftMonth(month, 1), component, type),
              label: ctx.fmt.month(monthStart(shiftMonth(month, 1), zone) + 15 * 86_400_000),
            },
          }
        : {})}
      components={settings.components.map((c) => ({
        id: c.id,
        label: c.group ? `${c.group} › ${c.name}` : c.name,
      }))}
      component={component}
      type={type}
      days={[...byDate.values()]}
      count={incidents.length}
    />,
  );
}

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#22a35a"/><stop offset="1" stop-color="#3b7be8"/></linearGradient></defs><rect width="32" height="32" rx="8" fill="url(#g)"/><path d="M9 16.5l4.5 4.5L23 11.5" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/** The page a browser gets for an address that matches no route. */
export async function notFoundPage(c: Context, deps: PageDeps): Promise<Response> {
  const r = await pageRequest(c, deps.site);
  return sendHtml(
    c,
    html(
      <NotFoundPage
        {...chrome(r, '/')}
        what="There is no page at this address. The link may be mistyped or out of date."
      />,
    ),
    404,
    r.site.headers,
  );
}

/** The answer of `/v1/unsubscribe` to a browser: what happened, or how an address can be removed. */
export async function unsubscribePage(
  c: Context,
  deps: PageDeps,
  props: Pick<UnsubscribeProps, 'outcome' | 'email' | 'badLink'>,
): Promise<Response> {
  const site = deps.site;
  const r = await pageRequest(c, site);
  const contactHref = safeHref(site.info.contact) ?? safeHref(site.info.support);
  const page = (
    <UnsubscribePage
      {...chrome(r, '/')}
      {...props}
      emailDelivery={site.emailDelivery}
      {...(contactHref ? { contactHref } : {})}
    />
  );
  return sendHtml(c, html(page), 200, {
    ...site.headers,
    ...(r.cookie ? { 'Set-Cookie': r.cookie } : {}),
  });
}

export function publicPages(deps: PageDeps): Hono {
  const site = deps.site;
  const bars = createUptimeBars(site.read);
  const app = new Hono();

  for (const asset of ASSETS) {
    app.get(asset.path, (c) => {
      const headers = {
        'Content-Type': asset.type,
        'Cache-Control': 'public, max-age=31536000, immutable',
        ETag: asset.etag,
        'X-Content-Type-Options': 'nosniff',
      };
      if (etagMatches(c.req.header('if-none-match'), asset.etag))
        return new Response(null, { status: 304, headers });
      return new Response(asset.body, { headers });
    });
  }
  app.get(
    '/favicon.svg',
    () =>
      new Response(FAVICON, {
        headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' },
      }),
  );
  app.get(
    '/favicon.ico',
    () =>
      new Response(FAVICON, {
        headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' },
      }),
  );

  const index = async (c: Context) => {
    const r = await pageRequest(c, site);
    const rendered = site.cache.get(
      `index|${baseKey(r)}`,
      () => ({ body: renderIndex(r, bars) }),
      r.zone.chosen,
    );
    return sendPage(c, r, rendered);
  };
  // No page states a status before one is loaded: not the banner, not a bar, not "no such incident".
  const unknownPage = async (c: Context) => {
    if (knownState(site.store).known) return undefined;
    const r = await pageRequest(c, site);
    const page = (
      <MessagePage
        {...chrome(r, c.req.path)}
        heading="Status unknown"
        text="The current status is not known yet. Please try again in a few seconds."
      />
    );
    return sendHtml(c, html(page), 503, { ...site.headers, ...UNKNOWN_HEADERS });
  };
  for (const path of ['/', '/index', '/history', '/incidents/:id'])
    app.get(path, async (c, next) => (await unknownPage(c)) ?? next());
  app.get('/', index);
  app.get('/index', index);

  // Where a bar links: one day in detail. Old links (month, component, #day-) keep working below.
  const dayPage = async (c: Context, asked: string) => {
    const r = await pageRequest(c, site);
    const date = parseDay(asked, r.now, r.zone.zone);
    if (!date)
      return sendHtml(
        c,
        html(
          <MessagePage
            {...chrome(r, '/history')}
            heading="No such day"
            text="A day is written YYYY-MM-DD (such as 2026-03-30), from 2000 up to today."
            back={{ href: '/history', label: 'Incident history' }}
          />,
        ),
        400,
        site.headers,
      );
    const rendered = site.cache.get(
      `day|${date}|${baseKey(r)}`,
      () => {
        const ctx = modelContext(r);
        return {
          body: html(
            <DayPage {...chrome(r, dayHref(date))} {...dayModel(ctx, date, bars.series(ctx))} />,
          ),
        };
      },
      r.zone.chosen,
    );
    return sendPage(c, r, rendered);
  };

  app.get('/history', async (c) => {
    const askedDay = c.req.query('day');
    if (askedDay !== undefined) return dayPage(c, askedDay);
    const r = await pageRequest(c, site);
    const current = localDate(r.now, r.zone.zone).slice(0, 7);
    const askedMonth = c.req.query('month') ?? '';
    const month =
      MONTH.test(askedMonth) && askedMonth <= current && askedMonth >= '2000-01'
        ? askedMonth
        : current;
    const askedComponent = c.req.query('component') ?? '';
    const component = site.settings.components.some((x) => x.id === askedComponent)
      ? askedComponent
      : '';
    const askedType = c.req.query('type');
    const type: HistoryType =
      askedType === 'incidents' || askedType === 'maintenance' ? askedType : 'all';
    const rendered = site.cache.get(
      `history|${month}|${component}|${type}|${baseKey(r)}`,
      () => ({ body: renderHistory(r, month, component, type) }),
      r.zone.chosen,
    );
    return sendPage(c, r, rendered);
  });

  app.get('/incidents/:id', async (c) => {
    const r = await pageRequest(c, site);
    const id = c.req.param('id');
    const incident = site.view().byGuid.get(id);
    const path = `/incidents/${encodeURIComponent(id)}`;
    if (!incident) {
      // Not cached: ids are unbounded, and a miss is cheap to render.
      return sendHtml(
        c,
        html(
          <NotFoundPage
            {...chrome(r, path)}
            what="There is no incident with this address. It may have been deleted, or the link is mistyped."
          />,
        ),
        404,
        site.headers,
      );
    }
    const rendered = site.cache.get(
      `incident|${id}|${baseKey(r)}`,
      () => {
        const ctx = modelContext(r);
        return {
          body: html(<IncidentPage {...chrome(r, path)} incident={incidentView(incident, ctx)} />),
        };
      },
      r.zone.chosen,
    );
    return sendPage(c, r, rendered);
  });

  app.get('/timezone', async (c) => {
    const returnTo = safeReturnPath(c.req.query('return'));
    const asked = c.req.query('timezone');
    if (asked !== undefined) {
      const zone = canonicalZone(asked);
      if (zone) {
        const cookie = await zoneCookie(
          site.config.cookie_key,
          zone,
          isSecureRequest(c, site.config.base_info.base_url),
        );
        // One redirect to a path without `timezone`: the cookie is set, so it cannot come back here.
        return new Response(null, {
          status: 303,
          headers: { Location: returnTo, 'Set-Cookie': cookie, 'Cache-Control': 'no-store' },
        });
      }
    }
    const r = await pageRequest(c, site);
    return sendHtml(
      c,
      html(
        <TimezonePage
          {...chrome(r, returnTo)}
          zones={allZones()}
          returnTo={returnTo}
          selected={r.zone.zone}
        />,
      ),
      asked !== undefined ? 400 : 200,
      site.headers,
    );
  });

  const refuse = async (c: Context) => {
    const r = await pageRequest(c, site);
    return sendHtml(
      c,
      html(
        <MessagePage
          {...chrome(r, '/')}
          heading="Not accepted"
          text="This form was sent from another site. Please use the form on this page."
        />,
      ),
      403,
      site.headers,
    );
  };

  app.route('/', subscriptionPages(deps, refuse));

  return app;
}
