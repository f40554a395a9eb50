/**
 * What every public page starts from: the visitor's zone (and the cookie that keeps it), the
 * time, the storage notices, and the chrome the layout needs.
 */
import type { Context } from 'hono';
import { relative, timeFormat } from '../site/format.ts';
import type { Notice, ZoneInfo } from '../site/layout.tsx';
import { knownState, type KnownState } from '../known-state.ts';
import { componentBindings, type ComponentHealthResult } from '../../cluster/component-health.ts';
import { minuteOf, type Rendered } from '../site/render-cache.ts';
import { sendRendered, type Site } from '../site/site.ts';
import { isSecureRequest, visitorZone, zoneCookie, type VisitorZone } from '../site/zone.ts';
import { memoStamp, wantsOffer, type Stamp } from '../hot-responses.ts';

export interface PageRequest {
  site: Site;
  zone: VisitorZone;
  now: number;
  /** The instant every storage target was first seen down, or null. */
  downSince: number | null;
  known: KnownState;
  /** Components bound to cluster objects, and the clusters silent past their grace, as of `now`. */
  health: ComponentHealthResult;
  cookie?: string;
  /**
   * Rendered to be saved and sent by a later start before its view is restored (the start file):
   * the notice then names the time in full and nothing relative, which would be wrong by then.
   */
  saved?: boolean;
}

export async function pageRequest(c: Context, site: Site): Promise<PageRequest> {
  const zone = await visitorZone(c, site.config.cookie_key, site.config.base_info.time_zone);
  const now = site.now();
  const request: PageRequest = {
    site,
    zone,
    now,
    downSince: site.storage.check(),
    known: knownState(site.store),
    health: site.componentHealth(),
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
export function sendPage(c: Context, r: PageRequest, rendered: Rendered): Response {
  // In the site's own zone a page's key is its path plus baseKey's parts: the runtime may send it again.
  const plain = !r.cookie && !r.zone.chosen && r.zone.invalid === undefined && wantsOffer(c);
  return sendRendered(c, rendered, {
    headers: { ...r.site.headers, ...(r.cookie ? { 'Set-Cookie': r.cookie } : {}) },
    ...(plain ? { hot: hotStamp(r) } : {}),
  });
}

interface PageStamp extends Stamp {
  dataOf(version: number, downSince: number | null, health: ComponentHealthResult): string;
  of(data: string, now: number): string;
}

const stamps = new WeakMap<Site, PageStamp>();
const NO_HEALTH: ComponentHealthResult = { states: [], silent: [] };

/** baseKey's parts for a visitor in the site's zone, asked again on every hit of a recorded page. */
function pageStamp(site: Site): PageStamp {
  let stamp = stamps.get(site);
  if (!stamp) {
    const dataMemo = memoStamp();
    const memo = memoStamp();
    // Without bindings no component follows a cluster: health is empty whatever the clusters say.
    const bound = componentBindings(site.config).length > 0;
    const dataOf: PageStamp['dataOf'] = (version, downSince, health) =>
      dataMemo(version, downSince === null ? '' : minuteOf(downSince), healthKey(health), '');
    const of: PageStamp['of'] = (data, now) => memo(data, minuteOf(now), '', '');
    const data = () =>
      dataOf(site.store.version, site.storage.check(), bound ? site.componentHealth() : NO_HEALTH);
    stamp = { dataOf, of, data, current: () => of(data(), site.now()) };
    stamps.set(site, stamp);
  }
  return stamp;
}

/** The stamp of the page this request renders, from the same values its cache key was made of. */
function hotStamp(r: PageRequest): { stamp: Stamp; value: string; data: string } {
  const stamp = pageStamp(r.site);
  const data = stamp.dataOf(r.site.store.version, r.downSince, r.health);
  return { stamp, data, value: stamp.of(data, r.now) };
}

/** What cluster health changes on a page: each bound component's state and source, the silences. */
function healthKey(health: ComponentHealthResult): string {
  if (health.states.length === 0) return '';
  return JSON.stringify([
    health.states.map((s) => [s.state, s.source]),
    health.silent.map((s) => [s.cluster, s.since]),
  ]);
}

/** The part of a cache key every page shares. */
export function baseKey(r: PageRequest): string {
  return `${healthKey(r.health)}|${r.site.store.version}|${r.zone.zone}|${r.zone.chosen ? 1 : 0}|${r.zone.invalid ? 1 : 0}|${minuteOf(r.now)}|${r.downSince === null ? '' : minuteOf(r.downSince)}`;
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
  } else if (r.known.asOf !== undefined && r.saved) {
    list.push({
      tone: 'warn',
      title: `Showing the last known state, as of ${fmt.dateTime(r.known.asOf)}.`,
      text: 'This server is starting and has not read storage yet; changes made since then are not shown yet.',
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
  for (const silent of r.health.silent)
    list.push({
      tone: 'warn',
      title: `No data from cluster ${silent.cluster} since ${fmt.short(silent.since, r.now)} (${relative(silent.since, r.now)}).`,
      text: 'Its agent has stopped reporting; the components that follow it are shown as degraded until it reports again.',
    });
  if (r.zone.invalid)
    list.push({
      tone: 'info',
      title: 'Unknown time zone.',
      text: `The time zone you asked for is not one we know; times are shown in ${r.zone.zone}.`,
    });
  return list;
}

export function chrome(r: PageRequest, path: string) {
  return { site: r.site.info, zone: zoneInfo(r), notices: notices(r), path };
}
