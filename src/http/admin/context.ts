/**
 * What every admin screen is given, built once per app by `adminUi`: the site, the sessions,
 * the name of known issues, and the request helpers every screen uses (the signed-in actor and
 * the frame of a page).
 */
import type { Context } from 'hono';
import { isSessionRevoked, revokeSession } from '../../domain/sessions.ts';
import type { Actor } from '../../domain/types.ts';
import { timeFormat, type TimeFormat } from '../site/format.ts';
import type { Notice } from '../site/layout.tsx';
import type { PageDeps, Site } from '../site/site.ts';
import { isSecureRequest, visitorZone, zoneCookie } from '../site/zone.ts';
import { Sessions, type Session } from './session.ts';
import type { AdminChrome } from './shell.tsx';

/** Set by the session guard on every route behind it. */
export type AdminEnv = { Variables: { session: Session } };
export type AdminRequest = Context<AdminEnv>;

/** A page's frame, with the formatter and the instant it is rendered at. */
export type AdminPage = AdminChrome & { fmt: TimeFormat; now: number };

export interface AdminContext {
  site: Site;
  sessions: Sessions;
  /** `theme.persistent_display_name`, capitalised, for the known issues section. */
  persistentName: string;
  /** The request came over https (directly or behind a trusted proxy): cookies get `Secure`. */
  secure(c: Context): boolean;
  /** The signed-in user, as the audit log records them. */
  actor(c: AdminRequest): Actor;
  /** The frame of a signed-in page: zone, user, CSRF token, and the notices to show first. */
  page(c: AdminRequest, notices?: Notice[]): Promise<AdminPage>;
}

/** The `?done=` a change redirects with, and what the page then says. */
const DONE: Record<string, string> = {
  created: 'Published.',
  updated: 'Changes saved.',
  posted: 'Update posted.',
  resolved: 'Marked as resolved.',
  deleted: 'Deleted.',
  removed: 'Subscriber removed.',
  override_set: 'Manual status set.',
  override_cleared: 'Manual status cleared.',
  signed_in: 'Signed in.',
  retried: 'Queued for delivery now.',
  not_retried: 'Nothing to retry: that entry was already sent or is gone.',
  notified: 'Notification queued for every channel that takes it.',
  notified_none: 'No configured channel takes this notification, so nothing was queued.',
};

export function createAdminContext(deps: PageDeps): AdminContext {
  const site = deps.site;
  const { config } = site;
  const sessions = new Sessions(config.cookie_key, site.now, {
    isRevoked: (sid) => isSessionRevoked(site.domain(), sid),
    revoke: (sid, expiresAt) => revokeSession(site.domain(), sid, expiresAt),
  });
  const name = config.theme.persistent_display_name.trim() || 'persistent incident';
  const persistentName = name.charAt(0).toUpperCase() + name.slice(1);
  const secure = (c: Context) => isSecureRequest(c, config.base_info.base_url);

  async function page(c: AdminRequest, notices: Notice[] = []): Promise<AdminPage> {
    const session = c.get('session');
    const zone = await visitorZone(c, config.cookie_key, config.base_info.time_zone);
    // The same one cookie as the public pages: a zone picked here (or detected) holds on every page.
    if (zone.remember)
      c.header('Set-Cookie', await zoneCookie(config.cookie_key, zone.zone, secure(c)), {
        append: true,
      });
    const fmt = timeFormat(zone.zone);
    const now = site.now();
    const done = c.req.query('done');
    const all = [...notices];
    if (done && DONE[done]) all.unshift({ tone: 'ok', title: DONE[done]! });
    const down = site.storage.check();
    if (down !== null)
      all.unshift({
        tone: 'warn',
        title: `Storage unreachable since ${fmt.short(down, now)}.`,
        text: 'Changes cannot be saved until a storage target is back.',
      });
    return {
      site: site.info,
      zone: { name: zone.zone, label: fmt.zoneName(now), chosen: zone.chosen },
      user: session.user,
      csrf: session.csrf,
      persistentName,
      notices: all,
      fmt,
      now,
    };
  }

  return {
    site,
    sessions,
    persistentName,
    secure,
    actor: (c) => ({ type: 'user', name: c.get('session').user }),
    page,
  };
}
