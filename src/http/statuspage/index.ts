/**
 * The Statuspage public API v2 (`/api/v2/*.json`, all eight endpoints), so widgets, exporters
 * and aggregators built for Statuspage read this page unchanged. Open to every origin, cacheable,
 * and answered from the per-version cache in ./statuspage/cache.ts.
 */
import { Hono } from 'hono';
import type { ApiDeps } from '../api-deps.ts';
import {
  BUCKET_MS,
  createStatuspageCache,
  STATUSPAGE_ENDPOINTS,
  type Rendered,
  type StatuspageCache,
} from './cache.ts';
import type { StatuspageEndpoint } from './format.ts';
import { unknownStatuspageDocument } from './unknown.ts';
import { etagMatches } from '../site/etag.ts';
import { choose } from '../site/compress.ts';
import { knownState, UNKNOWN_HEADERS } from '../known-state.ts';
import { componentBindings } from '../../cluster/component-health.ts';
import { memoStamp, offerHot, wantsOffer, type Stamp } from '../hot-responses.ts';

// Short freshness for a live page; when the origin is down, caches may keep serving the last answer.
const CACHE_CONTROL = 'public, max-age=10, stale-while-revalidate=30, stale-if-error=86400';

const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'If-None-Match, Cache-Control',
  'Access-Control-Max-Age': '86400',
};

/** The parts of the documents' cache key (./cache.ts), asked again on every hit of a recorded answer. */
function documentsStamp(deps: ApiDeps): Stamp {
  const dataMemo = memoStamp();
  const memo = memoStamp();
  // Extra states come from components bound to clusters: without bindings there are none.
  const bound = componentBindings(deps.config).length > 0;
  const data = () => {
    const extra = bound ? deps.extraComponentStates?.() : undefined;
    const extraKey = extra?.length ? JSON.stringify(extra.map((e) => [e.state, e.source])) : '';
    return dataMemo(deps.store.version, extraKey, '', '');
  };
  return {
    data,
    current: () => memo(data(), Math.floor(deps.now() / BUCKET_MS), '', ''),
  };
}

/**
 * A rebuild (every 10 s) mostly yields the same bytes: they keep the compressed copies already
 * made, so no visitor gets the plain bytes while brotli runs again on the same input.
 */
function keepCompressed(before: Rendered | undefined, after: Rendered): void {
  if (!before?.br || !before.gzip || after.compressing || before.etag !== after.etag) return;
  const a = before.body;
  const b = after.body;
  if (a.length !== b.length) return;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return;
  after.br = before.br;
  after.gzip = before.gzip;
  after.compressing = true;
}

export function statuspageApi(
  deps: ApiDeps,
  cache: StatuspageCache = createStatuspageCache(deps),
): Hono {
  const app = new Hono();
  const stamp = documentsStamp(deps);
  const previous: Partial<Record<StatuspageEndpoint, Rendered>> = {};
  // Public, credential-free GETs: one constant header instead of a CORS middleware on the hot path.
  app.options('/api/v2/*', () => new Response(null, { status: 204, headers: PREFLIGHT_HEADERS }));
  for (const endpoint of STATUSPAGE_ENDPOINTS) {
    app.get(`/api/v2/${endpoint}`, (c) => {
      if (!knownState(deps.store).known) {
        const ctx = {
          view: deps.read.view(),
          now: deps.now(),
          title: deps.config.base_info.title,
          baseUrl: deps.config.base_info.base_url,
          startedAt: deps.startedAt,
          extra: [],
        };
        return new Response(JSON.stringify(unknownStatuspageDocument(endpoint, ctx)), {
          status: 503,
          headers: {
            ...UNKNOWN_HEADERS,
            'Access-Control-Allow-Origin': '*',
            'Content-Type': 'application/json; charset=utf-8',
          },
        });
      }
      // Offered only when the documents were built from the stamp's values on both sides of render.
      const before = wantsOffer(c) ? stamp.current() : undefined;
      const data = before === undefined ? '' : stamp.data();
      const rendered = cache.render(endpoint);
      if (rendered !== previous[endpoint]) keepCompressed(previous[endpoint], rendered);
      previous[endpoint] = rendered;
      const { encoding, bytes, settled } = choose(rendered, c.req.header('accept-encoding'));
      if (before !== undefined && stamp.current() === before)
        offerHot(c, { stamp, value: before, data, body: bytes ?? rendered.body, settled });
      // Each encoding is its own representation, with its own ETag.
      const etag = bytes ? `${rendered.etag.slice(0, -1)}-${encoding}"` : rendered.etag;
      const headers: Record<string, string> = {
        ETag: etag,
        'Cache-Control': CACHE_CONTROL,
        'Access-Control-Allow-Origin': '*',
        Vary: 'Accept-Encoding',
      };
      if (etagMatches(c.req.header('if-none-match'), etag))
        return new Response(null, { status: 304, headers });
      headers['Content-Type'] = 'application/json; charset=utf-8';
      if (bytes) headers['Content-Encoding'] = encoding!;
      return new Response(bytes ?? rendered.body, { headers });
    });
  }
  return app;
}
