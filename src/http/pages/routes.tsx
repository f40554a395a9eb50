/**
 * The public HTML pages: `/`, `/history`, `/incidents/:id`, `/timezone`, the subscribe form,
 * and the hashed assets. Pages are rendered from the in-memory view and cached by
 * (store version, zone, minute, storage notice), so a page is rendered when the data changes,
 * not on every request, and keeps being served when every storage target is down.
 */
import { Hono, type Context } from 'hono';
import { DomainError } from '../../domain/errors.ts';
import { incidentsBetween, incidentRole } from '../../domain/status.ts';
import { emailAddress, subscribe } from '../../domain/subscribers.ts';
import { instant, startOfDay } from '../../domain/time.ts';
import { localDate } from '../../domain/uptime.ts';
import { QuorumError } from '../../replication/types.ts';
import { ASSETS } from '../site/assets/index.ts';
import { etagMatches } from '../site/etag.ts';
import { relative, timeFormat } from '../site/format.ts';
import type { DayView } from '../site/incidents.tsx';
import type { Notice, ZoneInfo } from '../site/layout.tsx';
import {
  HistoryPage,
  IncidentPage,
  IndexPage,
  MessagePage,
  NotFoundPage,
  SubscribePanel,
  TimezonePage,
  UnsubscribePage,
  type UnsubscribeProps,
} from './views.tsx';
import { createUptimeBars, type UptimeBars } from './uptime-bars.ts';
import { Layout } from '../site/layout.tsx';
import { safeHref, safeReturnPath } from '../site/url.ts';
import { unsubscribeUrl } from '../unsubscribe-link.ts';
import { knownState, UNKNOWN_HEADERS, type KnownState } from '../known-state.ts';
import { clientAddress, clientKey } from '../rate-limit.ts';
import { sameOrigin } from '../same-origin.ts';
import {
  groupRows,
  incidentView,
  recentDays,
  statusModel,
  type ModelContext,
} from '../site/page-model.ts';
import { minuteOf, type Rendered } from '../site/render-cache.ts';
import { html, sendHtml, sendRendered, type PageDeps, type Site } from '../site/site.ts';
import {
  allZones,
  canonicalZone,
  isSecureRequest,
  visitorZone,
  zoneCookie,
  type VisitorZone,
} from '../site/zone.ts';

interface PageRequest {
  site: Site;
  zone: VisitorZone;
  now: number;
  /** The instant every storage target was first seen down, or null. */
  downSince: number | null;
  known: KnownState;
  cookie?: string;
}

async function pageRequest(c: Context, site: Site): Promise<PageRequest> {
  const zone = await visitorZone(c, site.config.cookie_key, site.config.base_info.time_zone);
  const now = site.now();
  const request: PageRequest = {
    site,
    zone,
    now,
    downSince: site.storage.check(),
    known: knownState(site.store),
  };
  if (zone.remember)
    request.cookie = await zoneCookie(
      site.config.cookie_key,
      zone.zone,
      isSecureRequest(c, site.config.base_info.base_url),
    );
  return request;
}

/** A cached page with this site's headers, and the zone cookie when it needs (re)writing. */
function sendPage(c: Context, r: PageRequest, rendered: Rendered): Response {
  return sendRendered(c, rendered, {
    headers: { ...r.site.headers, ...(r.cookie ? { 'Set-Cookie': r.cookie } : {}) },
  });
}

/** The part of a cache key every page shares. */
function baseKey(r: PageRequest): string {
  return `${r.site.store.version}|${r.zone.zone}|${r.zone.chosen ? 1 : 0}|${r.zone.invalid ? 1 : 0}|${minuteOf(r.now)}|${r.downSince === null ? '' : minuteOf(r.downSince)}`;
}

function zoneInfo(r: PageRequest): ZoneInfo {
  return {
    name: r.zone.zone,
    label: timeFormat(r.zone.zone).zoneName(r.now),
    chosen: r.zone.chosen,
  };
}

function notices(r: PageRequest): Notice[] {
  const list: Notice[] = [];
  const fmt = timeFormat(r.zone.zone);
  if (!r.known.known) {
    list.push({
      tone: 'error',
      title: 'Status unknown.',
      text: 'This page has not been able to load the current status from storage yet. It does not know whether anything is wrong; try again in a few seconds.',
    });
  } else if (r.known.asOf !== undefined) {
    // Restored from this instance's snapshot: say how old it is, whatever the targets' state.
    list.push({
      tone: 'warn',
      title: `Showing the last known state, as of ${fmt.short(r.known.asOf, r.now)} (${relative(r.known.asOf, r.now)}).`,
      text: 'Storage has not answered since this server started; changes made since then are not shown yet.',
    });
  } else if (r.downSince !== null) {
    list.push({
      tone: 'warn',
      title: `Storage unreachable since ${fmt.short(r.downSince, r.now)} (${relative(r.downSince, r.now)}).`,
      text: 'Showing the last known state; changes made since then may be missing.',
    });
  }
  if (r.zone.invalid)
    list.push({
      tone: 'info',
      title: 'Unknown time zone.',
      text: `The time zone you asked for is not one we know; times are shown in ${r.zone.zone}.`,
    });
  return list;
}

function chrome(r: PageRequest, path: string) {
  return { site: r.site.info, zone: zoneInfo(r), notices: notices(r), path };
}

function modelContext(r: PageRequest): ModelContext {
  return { view: r.site.view(), now: r.now, fmt: timeFormat(r.zone.zone) };
}

function renderIndex(r: PageRequest, bars: UptimeBars): string {
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
      subscribe={{ emailDelivery: r.site.emailDelivery, baseUrl: r.site.info.baseUrl }}
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

  app.get('/history', async (c) => {
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

  app.post('/subscribe', sameOrigin(refuse), async (c) => {
    const r = await pageRequest(c, site);
    const form = await c.req.parseBody();
    const email = typeof form.email === 'string' ? form.email.slice(0, 300) : '';
    const again = (error: string, status: number) =>
      sendHtml(
        c,
        html(
          <Layout {...chrome(r, '/')} current="other" title="Subscribe">
            <SubscribePanel
              emailDelivery={site.emailDelivery}
              baseUrl={site.info.baseUrl}
              email={email}
              error={error}
            />
          </Layout>,
        ),
        status,
        site.headers,
      );
    const who = clientKey(clientAddress(c));
    const subscribeLimit = site.limits.subscriptions;
    if (subscribeLimit.blockedFor(who) > 0)
      return again('Too many subscriptions from your network; please try again later.', 429);
    try {
      const added = await subscribe(site.domain(), { type: 'public', name: 'visitor' }, email);
      subscribeLimit.hit(who);
      const text = added
        ? site.emailDelivery
          ? 'This address will receive incident and maintenance notices.'
          : 'This address is on the subscriber list. This site does not send email yet; the operators have been given your address for when it does.'
        : 'This address was already subscribed; nothing changed.';
      // The personal unsubscribe link, to whoever just added the address (never for one already on the list).
      const link = added
        ? {
            text: 'To unsubscribe later, keep this personal link:',
            href: await unsubscribeUrl(
              site.info.baseUrl,
              site.config.cookie_key,
              emailAddress(email) ?? email,
            ),
            label: 'unsubscribe',
          }
        : undefined;
      return sendHtml(
        c,
        html(
          <MessagePage
            {...chrome(r, '/')}
            heading={added ? 'Subscribed' : 'Already subscribed'}
            text={text}
            {...(link ? { link } : {})}
          />,
        ),
        200,
        site.headers,
      );
    } catch (error) {
      if (error instanceof DomainError)
        return again('Please enter a valid email address, such as name@example.com.', 400);
      if (error instanceof QuorumError)
        return again(
          'The subscription could not be saved right now because storage is unavailable. Please try again in a few minutes.',
          503,
        );
      throw error;
    }
  });

  return app;
}
