import { describe, expect, it } from 'vitest';
import {
  CACHE_HEADER,
  cacheRoute,
  EdgeCache,
  staleAnswer,
  type CacheLike,
  type CacheRoute,
} from './worker-cache.ts';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

/** The Cache API as workerd implements it for these calls: stored by URL, honouring max-age. */
class FakeCache implements CacheLike {
  readonly entries = new Map<string, { response: Response; storedAt: number; maxAgeMs: number }>();
  puts: string[] = [];
  matches = 0;
  constructor(private readonly now: () => number) {}

  async match(request: Request): Promise<Response | undefined> {
    this.matches++;
    const held = this.entries.get(request.url);
    if (!held || this.now() - held.storedAt >= held.maxAgeMs) return undefined;
    const response = held.response.clone();
    const headers = new Headers(response.headers);
    headers.set('cf-cache-status', 'HIT');
    return new Response(response.body, { status: response.status, headers });
  }

  async put(request: Request, response: Response): Promise<void> {
    const maxAge = /max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '');
    this.puts.push(request.url);
    // A response the Cache API would refuse to keep (max-age=0, none) is not stored.
    if (!maxAge || Number(maxAge[1]) === 0) return;
    const body = await response.arrayBuffer();
    this.entries.set(request.url, {
      response: new Response(body, response),
      storedAt: this.now(),
      maxAgeMs: Number(maxAge[1]) * 1000,
    });
  }
}

class Context {
  readonly pending: Promise<unknown>[] = [];
  waitUntil(promise: Promise<unknown>): void {
    this.pending.push(promise);
  }
  settle = () => Promise.all(this.pending);
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=UTF-8',
  'cache-control': 'public, max-age=0, stale-if-error=86400',
  vary: 'Cookie, Accept-Encoding',
  etag: 'W/"page-1"',
};

/** A stand-in for the app: counts renderings and records what it was asked. */
function app(
  answer: (request: Request) => { status?: number; headers?: Record<string, string> } = () => ({}),
) {
  const asked: Request[] = [];
  let count = 0;
  const render = async (request: Request) => {
    asked.push(request);
    count++;
    // Another turn of the event loop, as the real app takes: concurrent requests overlap.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const { status = 200, headers = PAGE_HEADERS } = answer(request);
    return new Response(`rendering ${count} of ${new URL(request.url).pathname}`, {
      status,
      headers,
    });
  };
  return {
    render,
    asked,
    get renders() {
      return count;
    },
  };
}

function setup(options: { latestTtlMs?: number; clock?: { now: number } } = {}) {
  const clock = options.clock ?? { now: T0 };
  const now = () => clock.now;
  const cache = new FakeCache(now);
  const edge = (shared: CacheLike | undefined = cache) =>
    new EdgeCache({
      cache: shared,
      now,
      deployment: 'd1',
      latestTtlMs: options.latestTtlMs ?? 2_000,
    });
  return { clock, cache, edge };
}

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  new Request(`https://status.example.com${path}`, { method, headers });
const routeOf = (request: Request) => cacheRoute(request)!;

async function serve(
  edge: EdgeCache,
  request: Request,
  state: string,
  render: (request: Request) => Promise<Response>,
  ctx = new Context(),
) {
  const response = await edge.serve(routeOf(request), request, state, ctx, render);
  await ctx.settle();
  return response;
}

describe('cacheRoute', () => {
  it('takes plain public reads of the page and the Statuspage documents', () => {
    expect(cacheRoute(get('/'))).toMatchObject({ path: '/', bucketMs: 60_000, head: false });
    expect(cacheRoute(get('/', {}, 'HEAD'))).toMatchObject({ head: true });
    expect(cacheRoute(get('/api/v2/summary.json'))).toMatchObject({ bucketMs: 10_000 });
    expect(cacheRoute(get('/api/v2/scheduled-maintenances/upcoming.json'))).toBeDefined();
    expect(cacheRoute(get('/', { 'if-none-match': 'W/"x"' }))?.ifNoneMatch).toBe('W/"x"');
  });

  it('leaves to the app what depends on the visitor, other paths and writes', () => {
    expect(cacheRoute(get('/?timezone=Europe/Paris'))).toBeUndefined();
    expect(cacheRoute(get('/?'))).toBeDefined(); // an empty query is no query
    expect(cacheRoute(get('/', { cookie: 'staunch_zone=x' }))).toBeUndefined();
    expect(cacheRoute(get('/', { authorization: 'Basic YTpi' }))).toBeUndefined();
    expect(cacheRoute(get('/', {}, 'POST'))).toBeUndefined();
    expect(cacheRoute(get('/history'))).toBeUndefined();
    expect(cacheRoute(get('/index'))).toBeUndefined();
    expect(cacheRoute(get('/api/v2/unknown.json'))).toBeUndefined();
    expect(cacheRoute(get('/api/v2/summary.json?x=1'))).toBeUndefined();
  });
});

describe('EdgeCache', () => {
  it('renders a burst of concurrent requests once, and answers them all with the same bytes', async () => {
    const { edge } = setup();
    const isolate = edge();
    const page = app();
    const ctx = new Context();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        isolate.serve(routeOf(get('/')), get('/'), 's1', ctx, page.render),
      ),
    );
    expect(page.renders).toBe(1);
    const sources = answers.map((a) => a.headers.get(CACHE_HEADER));
    expect(sources.filter((s) => s === 'miss')).toHaveLength(1);
    expect(sources.filter((s) => s === 'memory')).toHaveLength(19);
    const bodies = new Set(await Promise.all(answers.map((a) => a.text())));
    expect([...bodies]).toEqual(['rendering 1 of /']);
    // Later requests for the same state: from this isolate's copy.
    const later = await serve(isolate, get('/'), 's1', page.render);
    expect(later.headers.get(CACHE_HEADER)).toBe('memory');
    expect(await later.text()).toBe('rendering 1 of /');
    expect(page.renders).toBe(1);
  });

  it('renders again when the state changes (a write), and when the time bucket moves', async () => {
    const { clock, edge } = setup();
    const isolate = edge();
    const page = app();
    expect((await serve(isolate, get('/'), 's1', page.render)).headers.get(CACHE_HEADER)).toBe(
      'miss',
    );
    const afterWrite = await serve(isolate, get('/'), 's2', page.render);
    expect(afterWrite.headers.get(CACHE_HEADER)).toBe('miss');
    expect(await afterWrite.text()).toBe('rendering 2 of /');
    // The page changes with the minute (relative times, today's bar); the API every 10 s.
    clock.now += 59_000;
    expect(await (await serve(isolate, get('/'), 's2', page.render)).text()).toBe(
      'rendering 2 of /',
    );
    clock.now += 1_000;
    expect(await (await serve(isolate, get('/'), 's2', page.render)).text()).toBe(
      'rendering 3 of /',
    );
    const api = get('/api/v2/summary.json');
    await serve(isolate, api, 's2', page.render);
    clock.now += 10_000;
    await serve(isolate, api, 's2', page.render);
    expect(page.renders).toBe(5);
  });

  it('shares copies between isolates in the same state through the Cache API, not across states', async () => {
    const { cache, edge } = setup();
    const page = app();
    await serve(edge(), get('/'), 's1', page.render);
    const other = await serve(edge(), get('/'), 's1', page.render);
    expect(other.headers.get(CACHE_HEADER)).toBe('hit');
    expect(await other.text()).toBe('rendering 1 of /');
    expect(page.renders).toBe(1);
    const behind = await serve(edge(), get('/'), 's0', page.render);
    expect(behind.headers.get(CACHE_HEADER)).toBe('miss');
    expect(page.renders).toBe(2);
    // Keys are on the request's origin and name the deployment, the state and the bucket.
    expect(cache.puts).toContain(
      `https://status.example.com/__staunch-cache/d1/s1/${Math.floor(T0 / 60_000).toString(36)}/`,
    );
  });

  it("stores its own lifetime and gives visitors the app's Cache-Control and Vary", async () => {
    const { cache, edge } = setup();
    const page = app();
    const first = await serve(edge(), get('/'), 's1', page.render);
    expect(first.headers.get('cache-control')).toBe(PAGE_HEADERS['cache-control']);
    const stored = [...cache.entries.values()][0]!.response;
    expect(stored.headers.get('cache-control')).toBe('public, max-age=60');
    expect(stored.headers.get('vary')).toBeNull();
    const hit = await serve(edge(), get('/'), 's1', page.render);
    expect(hit.headers.get(CACHE_HEADER)).toBe('hit');
    expect(Object.fromEntries(hit.headers)).toEqual({
      ...PAGE_HEADERS,
      [CACHE_HEADER.toLowerCase()]: 'hit',
    });
  });

  it('answers If-None-Match with 304 and HEAD without a body, having stored the full GET', async () => {
    const { edge } = setup();
    const isolate = edge();
    const page = app();
    const head = await serve(
      isolate,
      get('/', { 'if-none-match': '"old"' }, 'HEAD'),
      's1',
      page.render,
    );
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(page.asked[0]!.method).toBe('GET');
    expect(page.asked[0]!.headers.has('if-none-match')).toBe(false);
    const full = await serve(isolate, get('/'), 's1', page.render);
    expect(await full.text()).toBe('rendering 1 of /');
    const revalidated = await serve(
      isolate,
      get('/', { 'if-none-match': '"page-1"' }),
      's1',
      page.render,
    );
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe('W/"page-1"');
    expect(revalidated.headers.has('content-type')).toBe(false);
    expect(await revalidated.text()).toBe('');
    expect(page.renders).toBe(1);
  });

  it('never keeps an unknown-status 503, a Set-Cookie answer or a no-store one', async () => {
    const answers: { status?: number; headers: Record<string, string> }[] = [
      { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '5' } },
      { headers: { ...PAGE_HEADERS, 'set-cookie': 'staunch_zone=x' } },
      { headers: { ...PAGE_HEADERS, 'cache-control': 'no-store' } },
    ];
    for (const answer of answers) {
      const { cache, edge } = setup();
      const isolate = edge();
      const page = app(() => answer);
      const ctx = new Context();
      const burst = await Promise.all(
        Array.from({ length: 3 }, () =>
          isolate.serve(routeOf(get('/')), get('/'), 's1', ctx, page.render),
        ),
      );
      await ctx.settle();
      expect(burst.map((r) => r.status)).toEqual(Array(3).fill(answer.status ?? 200));
      expect(burst.every((r) => !r.headers.has(CACHE_HEADER))).toBe(true);
      // Each request asked the app itself, and nothing was stored.
      expect(page.renders).toBe(3);
      expect(cache.puts).toEqual([]);
      await serve(isolate, get('/'), 's1', page.render);
      expect(page.renders).toBe(4);
    }
  });

  it('works without a Cache API (workers.dev), from its own copies', async () => {
    const { edge } = setup();
    const isolate = edge(undefined as unknown as CacheLike);
    const page = app();
    await serve(isolate, get('/'), 's1', page.render);
    expect((await serve(isolate, get('/'), 's1', page.render)).headers.get(CACHE_HEADER)).toBe(
      'memory',
    );
    expect(page.renders).toBe(1);
  });
});

describe('staleAnswer (a cold isolate, before its view is loaded)', () => {
  const route: CacheRoute = routeOf(get('/'));

  it('answers from the newest copy for no longer than the poll interval', async () => {
    const { clock, cache, edge } = setup({ latestTtlMs: 2_500 });
    expect(await staleAnswer(route, cache, 'd1')).toBeUndefined();
    const page = app();
    await serve(edge(), get('/'), 's1', page.render);
    await serve(edge(), get('/'), 's2', page.render);
    const stale = await staleAnswer(route, cache, 'd1');
    expect(stale?.headers.get(CACHE_HEADER)).toBe('stale');
    expect(await stale?.text()).toBe('rendering 2 of /');
    expect(stale?.headers.get('cache-control')).toBe(PAGE_HEADERS['cache-control']);
    // Whole seconds, rounded down: 2.5 s allows 2.
    clock.now += 1_999;
    expect(await staleAnswer(route, cache, 'd1')).toBeDefined();
    clock.now += 1;
    expect(await staleAnswer(route, cache, 'd1')).toBeUndefined();
    // Another deployment never reads this one's copies.
    clock.now = T0;
    await serve(edge(), get('/'), 's3', page.render);
    expect(await staleAnswer(route, cache, 'd2')).toBeUndefined();
  });

  it('keeps no newest copy when the poll interval is under a second', async () => {
    const { cache, edge } = setup({ latestTtlMs: 500 });
    await serve(edge(), get('/'), 's1', app().render);
    expect(cache.puts.some((url) => url.includes('/latest/'))).toBe(false);
    expect(await staleAnswer(route, cache, 'd1')).toBeUndefined();
  });
});
