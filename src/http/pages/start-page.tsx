/**
 * The front page as the start file keeps it (src/runtime/start-file.ts): rendered from the view
 * now, with the notice a restored page carries ("the last known state, as of …") written with the
 * full time and nothing relative, since a later start sends these bytes before it knows anything.
 */
import type { Site } from '../site/site.ts';
import { DEFAULT_SECURITY_HEADERS } from '../site/security-headers.ts';
import { HTML_TYPE } from '../site/site.ts';
import { renderIndex } from './routes.tsx';
import { createUptimeBars, type UptimeBars } from './uptime-bars.ts';
import type { PageRequest } from './page-request.ts';

export interface StartAnswer {
  path: string;
  headers: Record<string, string>;
  body: string;
}

const bars = new WeakMap<Site, UptimeBars>();

/** The answers a later start sends before its view is restored; `at` is the time they show. */
export function startAnswers(site: Site, at: number): StartAnswer[] {
  let siteBars = bars.get(site);
  if (!siteBars) bars.set(site, (siteBars = createUptimeBars(site.read)));
  const zone = site.config.base_info.time_zone;
  const request: PageRequest = {
    site,
    zone: { zone, chosen: false, remember: false },
    now: at,
    downSince: null,
    known: { known: true, asOf: at },
    health: site.componentHealth(),
    saved: true,
  };
  const headers = {
    ...DEFAULT_SECURITY_HEADERS,
    ...site.headers,
    'Content-Type': HTML_TYPE,
    // Only for the seconds of a start: no cache may keep it as the page.
    'Cache-Control': 'no-store',
    Vary: 'Cookie, Accept-Encoding',
  };
  return [{ path: '/', headers, body: renderIndex(request, siteBars) }];
}
