/**
 * Which URLs a publication holds, and under which file name and bucket key each is stored. A
 * static server cannot see a query string, so each month of the history is a file of its own
 * (`history/2026-03.html`), which the nginx snippet maps `/history?month=2026-03` to, and so is
 * each day a bar links to (`history/day/2026-03-30.html` for `/history?day=2026-03-30`).
 */
import type { DomainView } from '../domain/read-model.ts';
import { instant } from '../domain/time.ts';
import { localDate } from '../domain/uptime.ts';
import { STATUSPAGE_ENDPOINTS } from '../http/statuspage/cache.ts';
import { ASSETS } from '../http/site/assets/index.ts';

export interface MirrorPath {
  path: string;
  file: string;
  key: string;
}

/** History pages go back this far at most (ten years), however old the oldest incident. */
const MAX_MONTHS = 120;
/** The front page's bars: today and the 89 days before it. */
const BAR_DAYS = 90;

const page = (path: string, name: string): MirrorPath => ({
  path,
  file: `${name}.html`,
  key: name,
});
const asIs = (path: string): MirrorPath => ({ path, file: path.slice(1), key: path.slice(1) });

/** A name that stays one path segment in a folder and a bucket: no slash, no dot-only name, no NUL. */
const usableName = (name: string) =>
  name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && name.length <= 200;

export function mirrorPaths(view: DomainView, now: number, extraAssets: string[]): MirrorPath[] {
  const zone = view.settings.timeZone;
  const paths: MirrorPath[] = [{ path: '/', file: 'index.html', key: 'index.html' }];
  paths.push(page('/history', 'history'));
  for (const month of historyMonths(view, now, zone))
    paths.push(page(`/history?month=${month}`, `history/${month}`));
  for (const day of barDays(now, zone))
    paths.push(page(`/history?day=${day}`, `history/day/${day}`));
  for (const incident of view.incidents)
    if (usableName(incident.guid))
      paths.push(
        page(`/incidents/${encodeURIComponent(incident.guid)}`, `incidents/${incident.guid}`),
      );
  for (const feed of ['/rss.xml', '/atom.xml', '/cal.ics', '/badge.svg', '/favicon.svg'])
    paths.push(asIs(feed));
  for (const component of view.settings.components)
    if (usableName(`${component.id}.svg`))
      paths.push({
        path: `/badge/${encodeURIComponent(component.id)}.svg`,
        file: `badge/${component.id}.svg`,
        key: `badge/${component.id}.svg`,
      });
  for (const endpoint of STATUSPAGE_ENDPOINTS) paths.push(asIs(`/api/v2/${endpoint}`));
  for (const asset of [...ASSETS.map((a) => a.path), ...extraAssets]) paths.push(asIs(asset));
  return paths;
}

/** The dates the bars link to, in the site's zone, by calendar (a DST day is one date too). */
function barDays(now: number, zone: string): string[] {
  const [year, month, day] = localDate(now, zone).split('-').map(Number) as [
    number,
    number,
    number,
  ];
  const today = Date.UTC(year, month - 1, day);
  return Array.from({ length: BAR_DAYS }, (_, i) =>
    new Date(today - i * 86_400_000).toISOString().slice(0, 10),
  );
}

/** Every month from the oldest incident's to the current one, in the site's zone. */
function historyMonths(view: DomainView, now: number, zone: string): string[] {
  const current = localDate(now, zone).slice(0, 7);
  let oldest = current;
  for (const incident of view.incidents) {
    for (const time of [incident.created_at, incident.recorded_at]) {
      const ms = time === undefined ? NaN : instant(time);
      if (!Number.isFinite(ms) || ms <= 0 || ms > now) continue;
      const month = localDate(ms, zone).slice(0, 7);
      if (month < oldest) oldest = month;
    }
  }
  const months: string[] = [];
  let [year, month] = current.split('-').map(Number) as [number, number];
  for (let i = 0; i < MAX_MONTHS; i++) {
    const label = `${year}-${String(month).padStart(2, '0')}`;
    if (label < oldest || label < '2000-01') break;
    months.push(label);
    if (--month === 0) [year, month] = [year - 1, 12];
  }
  return months;
}
