import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, upgradeWebSocket, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { WebSocket, WebSocketServer } from 'ws';
import {
  ACTOR,
  createFixtureApp,
  fixtureConfig,
  seedHistory,
  type FixtureApp,
} from '../../test/support/status-fixture.ts';
import { createIncident } from '../domain/incidents.ts';
import { STATUSPAGE_ENDPOINTS } from '../http/statuspage/cache.ts';
import { installCompressor, streamGzip } from '../http/site/compress.ts';
import { HotResponses } from '../http/hot-responses.ts';
import { zoneCookie } from '../http/site/zone.ts';
import { installNodeCompression } from './compress-node.ts';
import { createHotPath, hotServer, type HotPath } from './hot-path.ts';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

// Written by Node per connection and per second, the same on both paths.
const PER_CONNECTION = new Set(['date', 'connection', 'keep-alive']);

function ask(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  const send = base.startsWith('https:') ? httpsRequest : request;
  return new Promise((resolve, reject) => {
    const options = { method, headers, agent: false, rejectUnauthorized: false };
    const req = send(`${base}${path}`, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const kept: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers))
          if (!PER_CONNECTION.has(name) && value !== undefined)
            kept[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({ status: res.statusCode ?? 0, headers: kept, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function listen(
  options: Parameters<typeof serve>[0],
): Promise<{ url: string; server: ServerType }> {
  const scheme = 'serverOptions' in options && options.serverOptions ? 'https' : 'http';
  return new Promise((resolve) => {
    const server = serve({ ...options, hostname: '127.0.0.1', port: 0 }, () =>
      resolve({
        url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
        server,
      }),
    );
  });
}

/** A self-signed certificate for 127.0.0.1, made with openssl. */
function selfSigned(): { cert: Buffer; key: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'staunch-hot-tls-'));
  const [cert, key] = [join(dir, 'tls.crt'), join(dir, 'tls.key')];
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
      ...['-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert],
    ],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

const close = (server: ServerType) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  });

const ENCODINGS: Record<string, Record<string, string>> = {
  identity: {},
  gzip: { 'accept-encoding': 'gzip' },
  br: { 'accept-encoding': 'gzip, deflate, br' },
};

describe('the hot path in front of @hono/node-server', () => {
  let f: FixtureApp;
  let hot: HotPath;
  let fast: { url: string; server: ServerType };
  let hono: { url: string; server: ServerType };

  /** Ask the hot server until the hot path answers (the app records, then compresses); that answer. */
  async function hit(path: string, headers: Record<string, string> = {}, method = 'GET') {
    for (let i = 0; i < 200; i++) {
      const before = hot.hits;
      const answer = await ask(fast.url, path, headers, method);
      if (hot.hits > before) return answer;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`${method} ${path} was never answered by the hot path`);
  }

  /** What the hot server answers, and whether the hot path gave it. */
  async function fromFast(path: string, headers: Record<string, string> = {}) {
    const before = hot.hits;
    const answer = await ask(fast.url, path, headers);
    return { answer, hit: hot.hits > before };
  }

  beforeAll(async () => {
    installNodeCompression();
    f = await createFixtureApp(fixtureConfig({ components: 8, groups: 2 }));
    await seedHistory(f.domain, { incidents: 30, open: 2, days: 20, now: f.clock.now, seed: 7 });
    hot = createHotPath();
    fast = await listen({ fetch: hot.fetch(f.app.fetch), ...hotServer(hot) });
    // The same app without the hot path: the answers to compare with.
    hono = await listen({ fetch: f.app.fetch });
  });
  afterAll(async () => {
    await close(fast.server);
    await close(hono.server);
    await f.stop();
    installCompressor(streamGzip, ['gzip']);
  });

  for (const path of ['/', ...STATUSPAGE_ENDPOINTS.map((e) => `/api/v2/${e}`)]) {
    for (const [encoding, headers] of Object.entries(ENCODINGS)) {
      it(`${path} (${encoding}): GET, HEAD and If-None-Match answer as Hono does`, async () => {
        const got = await hit(path, headers);
        const expected = await ask(hono.url, path, headers);
        expect(got.status).toBe(200);
        expect(got.headers).toEqual(expected.headers);
        expect(got.body.equals(expected.body)).toBe(true);
        // Documents under a packet are never compressed: Hono sends them plain to everyone.
        if (expected.body.length >= 1024)
          expect(got.headers['content-encoding']).toBe(
            encoding === 'identity' ? undefined : encoding,
          );

        const head = await hit(path, headers, 'HEAD');
        expect(head).toEqual(await ask(hono.url, path, headers, 'HEAD'));
        expect(head.body.length).toBe(0);

        const etag = got.headers.etag!;
        const conditional = { ...headers, 'if-none-match': `"other", ${etag}` };
        const notModified = await hit(path, conditional);
        expect(notModified.status).toBe(304);
        expect(notModified).toEqual(await ask(hono.url, path, conditional));

        // A tag that does not match gets the full answer, from the hot path too.
        const stale = await hit(path, { ...headers, 'if-none-match': '"old"' });
        expect(stale.body.equals(expected.body)).toBe(true);
      });
    }
  }

  it('a write changes the stamp: the next GET shows it', async () => {
    await hit('/');
    await hit('/api/v2/incidents.json');
    await createIncident(f.domain, ACTOR, {
      state: 0,
      component_state: 3,
      components: [f.domain.settings.components[0]!.id],
      messages: [{ title: 'Hot path invalidation probe', content: 'written now' }],
    });
    const page = await fromFast('/');
    expect(page.hit).toBe(false);
    expect(page.answer.body.toString()).toContain('Hot path invalidation probe');
    const api = await fromFast('/api/v2/incidents.json');
    expect(api.hit).toBe(false);
    expect(api.answer.body.toString()).toContain('Hot path invalidation probe');
    // And the new answer is the one recorded.
    expect((await hit('/')).body.toString()).toContain('Hot path invalidation probe');
  });

  /** Ask until the hot path sends something other than `previous`; that answer. */
  async function successor(path: string, headers: Record<string, string>, previous: Buffer) {
    for (let i = 0; i < 400; i++) {
      const answer = await hit(path, headers);
      if (!answer.body.equals(previous)) return answer;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`${path} was never refreshed`);
  }

  it('a new minute: the previous page is sent while the next is rendered and compressed off the request path', async () => {
    const br = ENCODINGS.br!;
    const before = await hit('/', br);
    const refreshes = hot.refreshes;
    f.clock.now += 60_000;
    const during = await fromFast('/', br);
    expect(during.hit).toBe(true);
    expect(during.answer.body.equals(before.body)).toBe(true);
    const after = await successor('/', br, before.body);
    expect(after).toEqual(await ask(hono.url, '/', br));
    expect(after.headers['content-encoding']).toBe('br');
    expect(hot.refreshes).toBeGreaterThan(refreshes);
  });

  it('a new 10-second bucket: the documents are rebuilt the same way', async () => {
    await hit('/api/v2/summary.json');
    const refreshes = hot.refreshes;
    f.clock.now += 10_000;
    expect((await fromFast('/api/v2/summary.json')).hit).toBe(true);
    for (let i = 0; i < 400 && hot.refreshes === refreshes; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(hot.refreshes).toBeGreaterThan(refreshes);
    expect(await hit('/api/v2/summary.json')).toEqual(await ask(hono.url, '/api/v2/summary.json'));
  });

  it('a rebuilt document with the same bytes keeps its compressed copies', async () => {
    const br = ENCODINGS.br!;
    const before = await hit('/api/v2/components.json', br);
    f.clock.now += 10_000;
    // Asked of the app directly: the first answer after the rebuild is already compressed.
    const after = await ask(hono.url, '/api/v2/components.json', br);
    expect(after.headers['content-encoding']).toBe('br');
    expect(after.body.equals(before.body)).toBe(true);
  });

  it('without a grace period, a new minute goes to the app at once', async () => {
    const strict = createHotPath({ graceMs: 0 });
    const server = await listen({ fetch: strict.fetch(f.app.fetch), ...hotServer(strict) });
    try {
      let hits = strict.hits;
      for (let i = 0; i < 200 && strict.hits === hits; i++) await ask(server.url, '/');
      expect(strict.hits).toBeGreaterThan(hits);
      f.clock.now += 60_000;
      hits = strict.hits;
      const answer = await ask(server.url, '/');
      expect(strict.hits).toBe(hits);
      expect(answer).toEqual(await ask(hono.url, '/'));
    } finally {
      await close(server.server);
    }
  });

  it('a request with a cookie, a query or credentials is answered by the app', async () => {
    const inZone = (answer: Answer, zone: string) =>
      answer.body.toString().includes(`data-tz="${zone}"`);
    expect(inZone(await hit('/'), 'UTC')).toBe(true);
    const cookie = await zoneCookie(f.config.cookie_key, 'Asia/Tokyo', false);
    const zoned = await fromFast('/', { cookie: cookie.split(';')[0]! });
    expect(zoned.hit).toBe(false);
    expect(inZone(zoned.answer, 'Asia/Tokyo')).toBe(true);

    const queried = await fromFast('/?timezone=Europe/Paris');
    expect(queried.hit).toBe(false);
    expect(inZone(queried.answer, 'Europe/Paris')).toBe(true);

    const authorized = await fromFast('/api/v2/status.json', { authorization: 'Basic eDp5' });
    expect(authorized.hit).toBe(false);
    expect(authorized.answer.status).toBe(200);
    // And a page in a visitor's zone is never recorded as the plain page.
    expect(inZone(await hit('/'), 'UTC')).toBe(true);
  });

  it('over TLS: the answers, HSTS included, equal what Hono sends', async () => {
    const tls = selfSigned();
    const secure = createHotPath();
    const fastTls = await listen({ fetch: secure.fetch(f.app.fetch), ...hotServer(secure, tls) });
    const honoTls = await listen({
      fetch: f.app.fetch,
      createServer: createHttpsServer,
      serverOptions: tls,
    });
    try {
      for (const path of ['/', '/api/v2/summary.json']) {
        let answer: Answer | undefined;
        for (let i = 0; i < 200 && !answer; i++) {
          const before = secure.hits;
          const got = await ask(fastTls.url, path);
          if (secure.hits > before) answer = got;
        }
        const expected = await ask(honoTls.url, path);
        expect(answer).toEqual(expected);
        expect(expected.headers['strict-transport-security']).toBe('max-age=31536000');
      }
    } finally {
      await close(fastTls.server);
      await close(honoTls.server);
    }
  });

  it('WebSocket upgrades still reach the app', async () => {
    const app = new Hono();
    app.get(
      '/echo',
      upgradeWebSocket(() => ({
        onMessage: (event, ws) => ws.send(`echo ${String(event.data)}`),
      })),
    );
    const path = createHotPath();
    const server = await listen({
      fetch: path.fetch(app.fetch),
      websocket: { server: new WebSocketServer({ noServer: true }) },
      ...hotServer(path),
    });
    try {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/echo`);
      const reply = await new Promise<string>((resolve, reject) => {
        socket.on('open', () => socket.send('hi'));
        socket.on('message', (data: Buffer) => resolve(data.toString()));
        socket.on('error', reject);
      });
      socket.close();
      expect(reply).toBe('echo hi');
    } finally {
      await close(server.server);
    }
  });

  it('paths the app does not offer are never recorded', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await fromFast('/history?month=2026-11')).hit).toBe(false);
      expect((await fromFast('/healthz')).hit).toBe(false);
      expect((await fromFast('/no-such-page')).hit).toBe(false);
    }
  });
});

describe('the table of recorded answers', () => {
  const stamp = { data: () => 'd', current: () => 'v' };
  const offer = { stamp, value: 'v', data: 'd', body: new Uint8Array([1, 2, 3]), settled: true };
  const headers = () => new Headers({ 'content-type': 'text/plain', etag: '"e"' });

  it('keeps at most its capacity of paths, the oldest going first', () => {
    const table = new HotResponses(2);
    for (const path of ['/a', '/b', '/c']) table.record(path, false, 0, offer, 200, headers());
    expect(table.size).toBe(2);
    expect(table.lookup('/a', false, 0)).toBeUndefined();
    expect(table.lookup('/c', false, 0)?.ok?.headers).toEqual([
      ...['content-type', 'text/plain', 'etag', '"e"', 'content-length', '3'],
    ]);
  });

  it('records nothing unsettled, with a cookie, or with another status', () => {
    const table = new HotResponses();
    table.record('/a', false, 1, { ...offer, settled: false }, 200, headers());
    const withCookie = headers();
    withCookie.set('set-cookie', 'x=1');
    table.record('/b', false, 0, offer, 200, withCookie);
    table.record('/c', false, 0, offer, 404, headers());
    expect(table.size).toBe(0);
  });
});
