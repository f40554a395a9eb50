/**
 * Shields-style SVG badges: `/badge.svg` (overall status) and `/badge/:component.svg`
 * (component id such as `Core - API`, or its name when that is unique). `?label=` replaces the
 * left text. Every text is XML-escaped; the SVG has no script and is served with a CSP that
 * forbids one anyway.
 */
import { Hono, type Context } from 'hono';
import { componentStatuses, overallStatus } from '../../domain/status.ts';
import type { ComponentState } from '../../domain/types.ts';
import { type PageDeps, type Site } from '../site/site.ts';
import { knownState, UNKNOWN_HEADERS } from '../known-state.ts';

const COLORS: Record<ComponentState, string> = {
  0: '#2b9a4f',
  1: '#2f6fde',
  2: '#c99a06',
  3: '#e0690b',
  4: '#d0312d',
};
const MESSAGES: Record<ComponentState, string> = {
  0: 'operational',
  1: 'maintenance',
  2: 'degraded',
  3: 'partial outage',
  4: 'major outage',
};

export const escapeXml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!,
  );

/** Approximate Verdana 11px advance widths, good enough to size the boxes. */
function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if ("iljI.,:;!|'`".includes(ch)) width += 3.6;
    else if (ch === ' ') width += 3.9;
    else if ('frt()[]{}-/'.includes(ch)) width += 4.9;
    else if ('mwMW%@'.includes(ch)) width += 10.5;
    else if (ch >= 'A' && ch <= 'Z') width += 7.6;
    else if (ch >= '0' && ch <= '9') width += 7;
    else if (ch.charCodeAt(0) > 0x2e7f) width += 11;
    else width += 6.6;
  }
  return Math.ceil(width);
}

export function badgeSvg(label: string, message: string, color: string): string {
  const l = escapeXml(label);
  const m = escapeXml(message);
  const lw = textWidth(label) + 12;
  const mw = textWidth(message) + 12;
  const w = lw + mw;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${m}">` +
    `<title>${l}: ${m}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${color}"/><rect width="${w}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="11">` +
    `<text x="${lw / 2}" y="15" fill="#010101" fill-opacity=".3">${l}</text><text x="${lw / 2}" y="14">${l}</text>` +
    `<text x="${lw + mw / 2}" y="15" fill="#010101" fill-opacity=".3">${m}</text><text x="${lw + mw / 2}" y="14">${m}</text>` +
    `</g></svg>`
  );
}

const UNKNOWN_COLOR = '#9f9f9f';

function send(
  c: Context,
  svg: string,
  status = 200,
  extra: Readonly<Record<string, string>> = {},
): Response {
  return new Response(svg, {
    status,
    headers: {
      'Content-Type': 'image/svg+xml; charset=utf-8',
      'Cache-Control': 'public, max-age=60, stale-if-error=86400',
      ...extra,
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Allow-Origin': '*',
    },
  });
}

function labelFrom(c: Context, fallback: string): string {
  const asked = c.req.query('label');
  return asked === undefined ? fallback : asked.slice(0, 60);
}

/** Component states, computed once per store version and minute (maintenance windows follow the clock). */
function statesOf(
  site: Site,
  memo: { key: string; states: Map<string, ComponentState> },
): Map<string, ComponentState> {
  const now = site.now();
  // Bound components change with their clusters, not with the store.
  const extra = site.componentHealth().states;
  const key = `${site.store.version}|${Math.floor(now / 60_000)}|${extra.map((e) => e.state).join('')}`;
  if (memo.key !== key) {
    memo.key = key;
    memo.states = new Map(
      componentStatuses(site.view(), now, extra).map((s) => [s.component.id, s.state]),
    );
  }
  return memo.states;
}

export function badgeRoutes(deps: PageDeps): Hono {
  const site = deps.site;
  const app = new Hono();
  const memo = { key: '', states: new Map<string, ComponentState>() };

  // A grey "unknown" rather than an error: an <img> shows what it gets, and the next view retries.
  const unknown = (c: Context, label: string) =>
    send(c, badgeSvg(labelFrom(c, label), 'unknown', UNKNOWN_COLOR), 200, UNKNOWN_HEADERS);

  app.get('/badge.svg', (c) => {
    if (!knownState(site.store).known) return unknown(c, 'status');
    const overall = overallStatus(site.view(), site.now(), site.componentHealth().states);
    return send(
      c,
      badgeSvg(labelFrom(c, 'status'), MESSAGES[overall.state], COLORS[overall.state]),
    );
  });

  app.get('/badge/:file{.+\\.svg}', (c) => {
    const asked = c.req.param('file').slice(0, -'.svg'.length);
    const components = site.settings.components;
    const lower = asked.toLowerCase();
    const match =
      components.find((x) => x.id === asked) ??
      components.find((x) => x.id.toLowerCase() === lower) ??
      (components.filter((x) => x.name.toLowerCase() === lower).length === 1
        ? components.find((x) => x.name.toLowerCase() === lower)
        : undefined);
    if (!match)
      return send(
        c,
        badgeSvg(
          labelFrom(c, asked.slice(0, 60) || 'component'),
          'unknown component',
          UNKNOWN_COLOR,
        ),
        404,
      );
    if (!knownState(site.store).known) return unknown(c, match.name);
    const state = statesOf(site, memo).get(match.id) ?? 0;
    return send(c, badgeSvg(labelFrom(c, match.name), MESSAGES[state], COLORS[state]));
  });

  return app;
}
