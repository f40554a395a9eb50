/**
 * The page and the Statuspage API answered from the Cache API at the Worker's edge, so a burst
 * of visitors costs one rendering per content version rather than one per request or per
 * isolate.
 *
 * Only plain public reads are cached: GET or HEAD of `/` and of the eight `/api/v2/*.json`
 * documents, with no query (`?timezone=` changes the page), no Cookie (the zone cookie, the
 * admin session) and no Authorization. Anything else goes to the app as before.
 *
 * Keys are synthetic URLs on the request's own origin, holding everything the bytes depend on:
 * the deployment (configuration text and code version), the content version and the
 * isolate-local state the page shows (cluster health, the storage notice), and the time bucket
 * (the minute for the page's relative times and today's bar, 10 s for the API's maintenance
 * phases). A write changes the content version, so the isolate that made it misses at once;
 * other isolates follow after their next poll. Entries live for one bucket.
 *
 * Three tiers: this isolate's last copy of each path (no I/O at all), then `caches.default`
 * (shared by the isolates of one data centre; a no-op on workers.dev), then the app. Concurrent
 * misses of one key wait for the same answer. A cold isolate, before its view is loaded, may
 * answer from a "latest" copy whose lifetime the writing isolate bounded by its poll interval.
 *
 * On Workers the app sends uncompressed bytes (Cloudflare compresses on the way out), so the
 * negotiated encoding is not part of the key.
 */
import { etagMatches } from '../http/site/etag.ts';
import { BUCKET_MS, STATUSPAGE_ENDPOINTS } from '../http/statuspage/cache.ts';

/** The part of the Cache API used here (`caches.default` on Workers). */
export interface CacheLike {
  match(request: Request): Promise<Response | undefined>;
  put(request: Request, response: Response): Promise<void>;
}

export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

/** How a cacheable answer was found, in `X-Staunch-Cache`. */
export type CacheSource = 'miss' | 'hit' | 'memory' | 'stale';
export const CACHE_HEADER = 'X-Staunch-Cache';

/** A request this module may answer, and what its key depends on. */
export interface CacheRoute {
  origin: string;
  path: string;
  bucketMs: number;
  head: boolean;
  ifNoneMatch: string | undefined;
}

const PAGE_BUCKET_MS = 60_000;
const API_PATHS = new Set(STATUSPAGE_ENDPOINTS.map((endpoint) => `/api/v2/${endpoint}`));

/** The route when the request is a plain public read of a cached path; otherwise undefined. */
export function cacheRoute(request: Request): CacheRoute | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const headers = request.headers;
  if (headers.has('cookie') || headers.has('authorization')) return undefined;
  const url = new URL(request.url);
  if (url.search !== '') return undefined;
  const bucketMs =
    url.pathname === '/' ? PAGE_BUCKET_MS : API_PATHS.has(url.pathname) ? BUCKET_MS : 0;
  if (bucketMs === 0) return undefined;
  return {
    origin: url.origin,
    path: url.pathname,
    bucketMs,
    head: request.method === 'HEAD',
    ifNoneMatch: headers.get('if-none-match') ?? undefined,
  };
}

interface Entry {
  status: number;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer>;
  etag: string | undefined;
}

// The stored copy needs its own lifetime (the page's public one is max-age=0) and no Vary (the
// key already says everything); the visitor's headers travel beside it and are restored.
const KEPT_CACHE_CONTROL = 'x-staunch-cache-control';
const KEPT_VARY = 'x-staunch-vary';
/** Added by the cache on the way out; not part of the answer. */
const CACHE_ADDED = new Set(['age', 'cf-cache-status']);
/** Not sent with a 304 (the body they describe is not sent). */
const BODY_HEADERS = new Set(['content-length', 'content-type', 'content-encoding']);

function storable(response: Response): boolean {
  if (response.status !== 200 || response.headers.has('set-cookie')) return false;
  const cacheControl = response.headers.get('cache-control') ?? '';
  if (/no-store|private|no-cache/i.test(cacheControl)) return false;
  return !(response.headers.get('vary') ?? '').includes('*');
}

async function entryOf(response: Response): Promise<Entry> {
  const body = new Uint8Array(await response.arrayBuffer());
  const headers = [...response.headers].filter(([name]) => !CACHE_ADDED.has(name));
  return {
    status: response.status,
    headers,
    body,
    etag: response.headers.get('etag') ?? undefined,
  };
}

function storedCopy(entry: Entry, ttlMs: number): Response {
  const headers = new Headers();
  for (const [name, value] of entry.headers) {
    if (name === 'cache-control') headers.set(KEPT_CACHE_CONTROL, value);
    else if (name === 'vary') headers.set(KEPT_VARY, value);
    else headers.append(name, value);
  }
  headers.set('cache-control', `public, max-age=${Math.floor(ttlMs / 1000)}`);
  return new Response(entry.body, { status: entry.status, headers });
}

async function fromStored(response: Response): Promise<Entry> {
  const entry = await entryOf(response);
  entry.headers = entry.headers.flatMap(([name, value]): [string, string][] => {
    if (name === 'cache-control' || name === 'vary') return [];
    if (name === KEPT_CACHE_CONTROL) return [['cache-control', value]];
    if (name === KEPT_VARY) return [['vary', value]];
    return [[name, value]];
  });
  return entry;
}

function answer(route: CacheRoute, entry: Entry, source: CacheSource): Response {
  const notModified = entry.etag !== undefined && etagMatches(route.ifNoneMatch, entry.etag);
  const headers = new Headers();
  for (const [name, value] of entry.headers)
    if (!notModified || !BODY_HEADERS.has(name)) headers.append(name, value);
  headers.set(CACHE_HEADER, source);
  if (notModified) return new Response(null, { status: 304, headers });
  return new Response(route.head ? null : entry.body, { status: entry.status, headers });
}

/** The key of the newest copy of a path, for isolates that do not know the content version yet. */
const latestKey = (route: CacheRoute, deployment: string) =>
  new Request(`${route.origin}/__staunch-cache/latest/${deployment}${route.path}`);

/**
 * A cold isolate's answer from the newest copy another isolate stored, or undefined when there
 * is none (or it expired: it lives no longer than the poll interval that stored it allowed).
 */
export async function staleAnswer(
  route: CacheRoute,
  cache: CacheLike | undefined,
  deployment: string,
): Promise<Response | undefined> {
  const found = await cache?.match(latestKey(route, deployment)).catch(() => undefined);
  return found ? answer(route, await fromStored(found), 'stale') : undefined;
}

export interface EdgeCacheOptions {
  /** `caches.default`; none: this isolate's copies only. */
  cache: CacheLike | undefined;
  now: () => number;
  /** Names the configuration and code, so a new deployment never reads an old one's copies. */
  deployment: string;
  /** How long a cold isolate may answer from the newest copy: at most the poll interval. */
  latestTtlMs: number;
}

type Filled = { entry: Entry; source: 'hit' | 'miss' } | { response: Response };

export class EdgeCache {
  /** This isolate's last copy of each path; a new key replaces it, so at most one per path. */
  private readonly memory = new Map<string, { key: string; entry: Entry }>();
  private readonly inFlight = new Map<string, Promise<Filled>>();

  constructor(private readonly options: EdgeCacheOptions) {}

  /**
   * Answer `route` for the isolate's current `state` (content version and what else the bytes
   * depend on; URL-safe), from a copy when one exists, otherwise from `render` (the app).
   */
  async serve(
    route: CacheRoute,
    request: Request,
    state: string,
    ctx: WaitUntil,
    render: (request: Request) => Promise<Response>,
  ): Promise<Response> {
    const { deployment, now } = this.options;
    const bucket = Math.floor(now() / route.bucketMs).toString(36);
    const key = `${route.origin}/__staunch-cache/${deployment}/${state}/${bucket}${route.path}`;
    const held = this.memory.get(route.path);
    if (held?.key === key) return answer(route, held.entry, 'memory');
    let flight = this.inFlight.get(key);
    const leader = !flight;
    if (!flight) {
      flight = this.fill(key, route, request, ctx, render);
      this.inFlight.set(key, flight);
      void flight.finally(() => this.inFlight.delete(key)).catch(() => undefined);
    }
    const filled = await flight;
    if ('entry' in filled) return answer(route, filled.entry, leader ? filled.source : 'memory');
    // Not cacheable (a 503 while the status is unknown, a cookie): each request asks the app.
    return leader ? filled.response : render(request);
  }

  private async fill(
    key: string,
    route: CacheRoute,
    request: Request,
    ctx: WaitUntil,
    render: (request: Request) => Promise<Response>,
  ): Promise<Filled> {
    const { cache, deployment, latestTtlMs } = this.options;
    const keyRequest = new Request(key);
    const found = await cache?.match(keyRequest).catch(() => undefined);
    if (found) {
      const entry = await fromStored(found);
      this.memory.set(route.path, { key, entry });
      return { entry, source: 'hit' };
    }
    // The whole answer, whatever this request's method and conditions: that is what is stored.
    const headers = new Headers(request.headers);
    headers.delete('if-none-match');
    headers.delete('if-modified-since');
    const response = await render(new Request(request.url, { method: 'GET', headers }));
    if (!storable(response)) {
      if (!route.head) return { response };
      return { response: new Response(null, response) };
    }
    const entry = await entryOf(response);
    this.memory.set(route.path, { key, entry });
    if (cache) {
      const put = (at: Request, ttlMs: number) =>
        cache.put(at, storedCopy(entry, ttlMs)).catch(() => undefined);
      const puts = [put(keyRequest, route.bucketMs)];
      // In whole seconds, rounded down: never longer than the poll interval allows.
      if (latestTtlMs >= 1000)
        puts.push(put(latestKey(route, deployment), Math.min(latestTtlMs, route.bucketMs)));
      ctx.waitUntil(Promise.all(puts));
    }
    return { entry, source: 'miss' };
  }
}
