/**
 * `/rss.xml`, `/atom.xml` (the `feed` library) and `/cal.ics` (ical-generator). Unlike
 * statusetat's, item links point at `/incidents/:id` under base_url, items are sorted newest
 * first, an incident without messages cannot break them, and every HTML fragment in them is the
 * sanitised Markdown rendering. Rendered once per store version and hour, then served from memory.
 */
import { Feed } from 'feed';
import { Hono } from 'hono';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { incidentRole, incidentTitle, maintenancePhase } from '../../domain/status.ts';
import { instant, isZeroTime } from '../../domain/time.ts';
import { announcedAt, lastChangeAt } from '../../domain/timestamps.ts';
import { isOpenState, type Incident } from '../../domain/types.ts';
import type { DomainView } from '../../domain/read-model.ts';
import { timeFormat } from '../site/format.ts';
import { componentName, incidentView, type ModelContext } from '../site/page-model.ts';
import { sendRendered, type PageDeps, type Site } from '../site/site.ts';
import { unknownText, whileUnknown } from '../known-state.ts';

const DAY = 86_400_000;
/** How far back the feeds reach; open incidents and upcoming maintenance are always in. */
export const FEED_WINDOW_DAYS = 30;
const FEED_LIMIT = 50;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );

/**
 * Newest change first, then newest announcement (RSS's pubDate). Items are dated by when they
 * were announced and last changed, never by a maintenance's start, which is still to come.
 */
function feedIncidents(view: DomainView, now: number): Incident[] {
  const from = now - FEED_WINDOW_DAYS * DAY;
  const changed = new Map(view.incidents.map((i) => [i, lastChangeAt(i, now)]));
  return view.incidents
    .filter((i) => isOpenState(i.state) || changed.get(i)! >= from || instant(i.created_at) >= from)
    .filter((i) => !(i.is_scheduled && i.state === 4 && changed.get(i)! < from))
    .sort(
      (a, b) =>
        changed.get(b)! - changed.get(a)! ||
        announcedAt(b) - announcedAt(a) ||
        (a.guid < b.guid ? -1 : 1),
    )
    .slice(0, FEED_LIMIT);
}

function itemHtml(incident: Incident, ctx: ModelContext): string {
  const v = incidentView(incident, ctx);
  const parts: string[] = [];
  parts.push(
    `<p><strong>Status:</strong> ${escapeHtml(v.status)}${v.kind === 'maintenance' ? ` (maintenance, ${escapeHtml(v.start.text)}${v.end ? ` – ${escapeHtml(v.end.text)}` : ''})` : ''}</p>`,
  );
  if (v.components.length)
    parts.push(
      `<p><strong>Affected components:</strong></p><ul>${v.components.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`,
    );
  for (const u of v.updates) {
    parts.push(`<h3>${escapeHtml(u.status ?? 'Update')} · ${escapeHtml(u.at.text)}</h3>`);
    if (u.titleHtml) parts.push(`<p><strong>${u.titleHtml}</strong></p>`);
    if (u.contentHtml) parts.push(u.contentHtml);
  }
  return parts.join('\n');
}

function summary(incident: Incident, ctx: ModelContext): string {
  const v = incidentView(incident, ctx);
  const components = v.components.length ? ` Affected: ${v.components.join(', ')}.` : '';
  const latest = incident.messages[0];
  const text = latest?.content ? ` ${latest.content.slice(0, 300)}` : '';
  // Feed readers take the summary as HTML (Atom says type="html"): it is plain text, so escape it.
  return escapeHtml(`${v.status}.${components}${text}`);
}

/** The title as HTML text: the `feed` library writes Atom titles as type="html", and many RSS readers treat titles as HTML too. */
function itemTitle(incident: Incident, view: DomainView, now: number): string {
  const title = incidentTitle(incident) || 'Untitled incident';
  const role = incidentRole(incident, view, now);
  const prefix =
    role === 'maintenance' ? 'Maintenance: ' : role === 'persistent' ? 'Known issue: ' : '';
  return escapeHtml(`${prefix}${title}`);
}

export function buildFeed(site: Site, now: number): Feed {
  const view = site.view();
  const ctx: ModelContext = { view, now, fmt: timeFormat('UTC') };
  const base = site.info.baseUrl;
  const incidents = feedIncidents(view, now);
  // With no items, the feed's own time is now; never a time to come.
  const updated = new Date(incidents.length ? lastChangeAt(incidents[0]!, now) : now);
  const feed = new Feed({
    id: `${base}/`,
    title: escapeHtml(`${site.info.title} status`),
    description: escapeHtml(`Incidents and scheduled maintenance for ${site.info.title}`),
    link: `${base}/`,
    language: 'en',
    updated,
    generator: 'Staunch',
    favicon: `${base}/favicon.svg`,
    feedLinks: { rss: `${base}/rss.xml`, atom: `${base}/atom.xml` },
    author: { name: escapeHtml(site.info.title), link: `${base}/` },
    ttl: 5,
  });
  for (const incident of incidents) {
    const link = `${base}/incidents/${encodeURIComponent(incident.guid)}`;
    feed.addItem({
      title: itemTitle(incident, view, now),
      id: link,
      guid: link,
      link,
      date: new Date(lastChangeAt(incident, now)),
      published: new Date(announcedAt(incident)),
      description: summary(incident, ctx),
      content: itemHtml(incident, ctx),
      category: incident.components.map((c) => ({ name: escapeHtml(componentName(ctx, c)) })),
    });
  }
  return feed;
}

/**
 * iCalendar text is plain text, yet Outlook and Google Calendar render some HTML found in it:
 * angle brackets become look-alike quotation marks so that no tag can be formed.
 */
const calendarText = (text: string) => text.replace(/</g, '‹').replace(/>/g, '›');

/** Seconds since 2024 of the last change: a SEQUENCE that grows on every edit, so calendars pick changes up. */
const sequenceOf = (incident: Incident) =>
  Math.max(0, Math.floor((instant(incident.updated_at) - Date.UTC(2024, 0, 1)) / 1000));

export function buildCalendar(site: Site, now: number): string {
  const view = site.view();
  const base = site.info.baseUrl;
  const host = (() => {
    try {
      return new URL(base).host;
    } catch {
      return 'staunch';
    }
  })();
  const calendar = ical({
    name: calendarText(`${site.info.title} maintenance`),
    description: calendarText(`Scheduled maintenance for ${site.info.title}`),
    prodId: { company: 'Staunch', product: 'status-page', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    url: `${base}/cal.ics`,
    ttl: 3600,
  });
  const ctx: ModelContext = { view, now, fmt: timeFormat('UTC') };
  const from = now - 60 * DAY;
  const maintenances = view.incidents
    .filter(
      (i) =>
        i.is_scheduled &&
        !i.persistent &&
        (isZeroTime(i.scheduled_end) ? instant(i.created_at) : instant(i.scheduled_end)) >= from,
    )
    .sort((a, b) => instant(a.created_at) - instant(b.created_at));
  for (const m of maintenances) {
    const start = instant(m.created_at);
    const end = isZeroTime(m.scheduled_end)
      ? start + 3_600_000
      : Math.max(instant(m.scheduled_end), start + 60_000);
    const phase = maintenancePhase(m, now);
    const components = m.components.map((c) => componentName(ctx, c));
    const updates = m.messages
      .map((msg) => [msg.title, msg.content].filter(Boolean).join('\n'))
      .filter(Boolean);
    calendar.createEvent({
      id: `${m.guid}@${host}`,
      start: new Date(start),
      end: new Date(end),
      stamp: new Date(now),
      created: new Date(announcedAt(m)),
      lastModified: new Date(lastChangeAt(m, now)),
      sequence: sequenceOf(m),
      summary: calendarText(
        `${incidentTitle(m) || 'Maintenance'}${m.state === 4 ? ' (cancelled)' : ''}`,
      ),
      description: calendarText(
        [
          `Status: ${m.state === 4 ? 'cancelled' : phase.replace('_', ' ')}`,
          components.length ? `Affected: ${components.join(', ')}` : '',
          ...updates.reverse(),
        ]
          .filter(Boolean)
          .join('\n\n'),
      ),
      location: calendarText(components.join(', ')),
      url: `${base}/incidents/${encodeURIComponent(m.guid)}`,
      status: m.state === 4 ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}

export function feedRoutes(deps: PageDeps): Hono {
  const site = deps.site;
  const app = new Hono();
  const hourOf = (ms: number) => Math.floor(ms / 3_600_000);
  const cacheControl = 'public, max-age=60, stale-if-error=86400';
  // An empty feed would read as "nothing happened"; on a 503 readers keep their items and retry.
  for (const path of ['/rss.xml', '/atom.xml', '/cal.ics'])
    app.use(path, whileUnknown(site.store, unknownText));
  app.get('/rss.xml', (c) => {
    const now = site.now();
    const rendered = site.cache.get(`rss|${site.store.version}|${hourOf(now)}`, () => ({
      body: buildFeed(site, now).rss2(),
    }));
    return sendRendered(c, rendered, { type: 'application/rss+xml; charset=utf-8', cacheControl });
  });
  app.get('/atom.xml', (c) => {
    const now = site.now();
    const rendered = site.cache.get(`atom|${site.store.version}|${hourOf(now)}`, () => ({
      body: buildFeed(site, now).atom1(),
    }));
    return sendRendered(c, rendered, { type: 'application/atom+xml; charset=utf-8', cacheControl });
  });
  app.get('/cal.ics', (c) => {
    const now = site.now();
    // The status words (scheduled, in progress, completed) follow the clock: re-render every minute.
    const rendered = site.cache.get(
      `ics|${site.store.version}|${Math.floor(now / 60_000)}`,
      () => ({ body: buildCalendar(site, now) }),
    );
    return sendRendered(c, rendered, {
      type: 'text/calendar; charset=utf-8',
      cacheControl,
      headers: { 'Content-Disposition': 'inline; filename="maintenance.ics"' },
    });
  });
  return app;
}
