/**
 * What the public pages, the feeds, the badges and the admin UI share, built once by createApp:
 * the read model, the theme's Markdown blocks rendered and sanitised, the render cache, the
 * storage watch, and a few helpers for HTML responses.
 */
import type { RestartService } from '../../restart/service.ts';
import type { Context } from 'hono';
import type { Config } from '../../config/parse.ts';
import type { DomainContext } from '../../domain/context.ts';
import type { DomainSettings, DomainView, ReadModel } from '../../domain/read-model.ts';
import type { NotificationService } from '../../domain/notify-hooks.ts';
import type { Logger } from '../../logger.ts';
import type { RecordStore } from '../../replication/types.ts';
import { ClusterRegistry } from '../../cluster/registry.ts';
import type { ComponentHealthResult } from '../../cluster/component-health.ts';
import type { ClusterHealth } from '../../cluster/health.ts';
import type { Limits } from '../limits.ts';
import { createSubscriptions, type SubscriptionService } from '../subscriptions.ts';
import type { SiteInfo, ThemeHtml } from './layout.tsx';
import { renderThemeMarkdown } from '../../domain/markdown.ts';
import { DEFAULT_SECURITY_HEADERS, securityHeaders } from './security-headers.ts';
import { RenderCache, type Rendered } from './render-cache.ts';
import { choose } from './compress.ts';
import { StorageWatch } from './storage-watch.ts';
import { etagMatches } from './etag.ts';
import { offerHot, type Stamp } from '../hot-responses.ts';

/** What createApp builds the app's one Site from. */
export interface SiteDeps {
  config: Config;
  store: RecordStore;
  logger: Logger;
  now: () => number;
  /** The app's limits, shared with the APIs. */
  limits: Limits;
  /** The app's read model, shared with the APIs. */
  read: ReadModel;
  /** Sign-ups' links, mails and checks, shared with the APIs (built from the config when absent). */
  subscriptions?: SubscriptionService;
  /** The clusters' latest snapshots, fed by the agents' API (none when absent). */
  clusters?: ClusterRegistry;
  /** Restarts carried out by the agents (the admin Restarts screen; none: the screen says so). */
  restarts?: RestartService;
  /** The notification outbox (none: nothing is sent). */
  notifications?: NotificationService;
  /** Components bound to cluster objects (none: incidents alone set component states). */
  components?: { current(): ComponentHealthResult };
  /** Cluster health's read API and its admin actions (acknowledge, enable a category). */
  health?: ClusterHealth;
}

/** What each page surface (pages, feeds, badges, admin UI) is handed by createApp. */
export interface PageDeps {
  site: Site;
}

export interface Site {
  deps: SiteDeps;
  config: Config;
  store: RecordStore;
  settings: DomainSettings;
  info: SiteInfo;
  theme: ThemeHtml;
  cache: RenderCache;
  storage: StorageWatch;
  limits: Limits;
  read: ReadModel;
  clusters: ClusterRegistry;
  subscriptions: SubscriptionService;
  now: () => number;
  /** A configured channel sends mail, so the page may promise it. */
  emailDelivery: boolean;
  notifications?: NotificationService;
  /** Security headers of the public pages: the CSP allows the theme's image origins. */
  headers: Record<string, string>;
  view(): DomainView;
  domain(): DomainContext;
  /** Bound components' states and the silent clusters, as of now. */
  componentHealth(): ComponentHealthResult;
}

/**
 * Built once by createApp, so the public pages, the feeds, the badges and the admin UI share one
 * render cache, one storage watch and one rendering of the theme.
 */
export function createSite(deps: SiteDeps): Site {
  const { config, store, now, read } = deps;
  const settings = read.settings;
  const theme = config.theme;
  const persistentName = theme.persistent_display_name.trim() || 'persistent incident';
  const md = renderThemeMarkdown;
  const footerHtml = md(theme.footer);
  const blocks = {
    pre_status: md(theme.pre_status),
    post_status: md(theme.post_status),
    pre_timeline: md(theme.pre_timeline),
    post_timeline: md(theme.post_timeline),
    pre_maintenance: md(theme.pre_maintenance),
    post_maintenance: md(theme.post_maintenance),
    pre_persistent: md(theme.pre_persistent),
    post_persistent: md(theme.post_persistent),
  };
  const site: Site = {
    deps,
    config,
    store,
    settings,
    now,
    info: {
      title: config.base_info.title,
      baseUrl: config.base_info.base_url,
      support: config.base_info.support,
      contact: config.base_info.contact,
      footerHtml,
    },
    theme: {
      ...blocks,
      // statusetat uses the display name as the section title; its default is lower-case.
      persistentTitle: persistentName.charAt(0).toUpperCase() + persistentName.slice(1),
    },
    headers: securityHeaders([footerHtml, ...Object.values(blocks)]),
    cache: new RenderCache(),
    storage: new StorageWatch(() => store.targets(), now),
    limits: deps.limits,
    read,
    clusters: deps.clusters ?? new ClusterRegistry([], now),
    subscriptions: deps.subscriptions ?? createSubscriptions(config, { now }),
    emailDelivery: deps.notifications?.canMail ?? false,
    ...(deps.notifications ? { notifications: deps.notifications } : {}),
    view: () => read.view(),
    componentHealth: () => deps.components?.current() ?? { states: [], silent: [] },
    domain: () => ({
      store,
      settings,
      now,
      ...(deps.notifications ? { notifications: deps.notifications.hooks } : {}),
    }),
  };
  return site;
}

export const HTML_TYPE = 'text/html; charset=UTF-8';

/**
 * Send a rendered page, answering 304 when the browser already has these bytes. With `hot`, the
 * answer is offered to the runtime's table of plain answers (src/http/hot-responses.ts), valid
 * while the stamp keeps that value.
 */
export function sendRendered(
  c: Context,
  rendered: Rendered,
  options: {
    type?: string;
    cacheControl?: string;
    headers?: Record<string, string>;
    hot?: { stamp: Stamp; value: string; data: string };
  } = {},
): Response {
  const headers: Record<string, string> = {
    ...DEFAULT_SECURITY_HEADERS,
    'Content-Type': options.type ?? HTML_TYPE,
    // Always revalidated (a 304 is cheap), but a CDN in front may serve it for a day if this origin fails.
    'Cache-Control': options.cacheControl ?? 'public, max-age=0, stale-if-error=86400',
    ETag: rendered.etag,
    Vary: 'Cookie, Accept-Encoding',
    ...options.headers,
  };
  const { encoding, bytes, settled } = choose(rendered, c.req.header('accept-encoding'));
  if (options.hot) offerHot(c, { ...options.hot, body: bytes ?? rendered.body, settled });
  // Each encoding is its own representation, with its own ETag.
  if (bytes)
    headers.ETag = `${rendered.etag.slice(0, -1)}-${encoding === 'gzip' ? 'gz' : encoding}"`;
  const etag = headers.ETag ?? rendered.etag;
  if (rendered.status === 200 && etagMatches(c.req.header('if-none-match'), etag))
    return new Response(null, { status: 304, headers });
  if (bytes)
    return new Response(bytes, {
      status: rendered.status,
      headers: { ...headers, 'Content-Encoding': encoding! },
    });
  return new Response(rendered.body, { status: rendered.status, headers });
}

/** For pages that are never cached: forms, admin, per-visitor answers. */
export function sendHtml(
  c: Context,
  body: string,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  c.header('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries({ ...DEFAULT_SECURITY_HEADERS, ...headers }))
    c.header(name, value);
  return c.html(body, status as 200);
}

/** `<!DOCTYPE html>` plus a JSX tree rendered to a string (the views are synchronous). */
export function html(element: unknown): string {
  return `<!DOCTYPE html>${String(element)}`;
}
