import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import {
  createFixtureApp,
  fixtureConfig,
  type FixtureApp,
} from '../../test/support/status-fixture.ts';
import {
  choose,
  compressed,
  installCompressor,
  negotiate,
  streamGzip,
} from '../http/site/compress.ts';
import { compressNode, installNodeCompression } from './compress-node.ts';

const BROWSER = 'gzip, deflate, br';

/**
 * Ask until the app answers in the negotiated encoding (it compresses in the background after a
 * first request; a browser gets gzip while brotli is still being made).
 */
async function settled(f: FixtureApp, path: string, accept: string): Promise<Response> {
  for (let i = 0; i < 100; i++) {
    const res = await f.app.request(path, { headers: { 'accept-encoding': accept } });
    if (res.headers.get('content-encoding') === negotiate(accept)) return res;
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${path} never answered compressed`);
}

describe('pages and API documents under node:zlib compression', () => {
  let f: FixtureApp;
  beforeAll(async () => {
    installNodeCompression();
    f = await createFixtureApp(fixtureConfig({ components: 20, groups: 4 }));
  });
  afterAll(async () => {
    await f.stop();
    // Back to the default other suites in this worker expect.
    installCompressor(streamGzip, ['gzip']);
  });

  it('prefers brotli, falls back to gzip, and honours q=0', () => {
    expect(negotiate(BROWSER)).toBe('br');
    expect(negotiate('gzip, deflate')).toBe('gzip');
    expect(negotiate('br;q=0, gzip')).toBe('gzip');
    expect(negotiate('identity')).toBeUndefined();
    expect(negotiate(undefined)).toBeUndefined();
  });

  for (const path of ['/', '/api/v2/summary.json']) {
    it(`${path}: the first visitor gets plain bytes, later ones the same bytes in brotli or gzip, each with its own ETag`, async () => {
      const plain = await f.app.request(path);
      const body = Buffer.from(await plain.arrayBuffer());
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(plain.headers.get('vary')).toContain('Accept-Encoding');

      const br = await settled(f, path, BROWSER);
      expect(br.headers.get('content-encoding')).toBe('br');
      const brBytes = Buffer.from(await br.arrayBuffer());
      expect(brotliDecompressSync(brBytes).equals(body)).toBe(true);
      expect(brBytes.length).toBeLessThan(body.length / 4);

      const gz = await settled(f, path, 'gzip');
      expect(gz.headers.get('content-encoding')).toBe('gzip');
      expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(body)).toBe(true);

      const tags = [plain, br, gz].map((r) => r.headers.get('etag'));
      expect(new Set(tags).size).toBe(3);
      // Everything but the encoding (and its tag and length) is the same answer.
      for (const name of ['content-type', 'cache-control', 'vary', 'content-security-policy'])
        expect(br.headers.get(name)).toBe(plain.headers.get(name));

      const revalidated = await f.app.request(path, {
        headers: { 'accept-encoding': BROWSER, 'if-none-match': tags[1]! },
      });
      expect(revalidated.status).toBe(304);
      // The plain representation's tag does not validate the brotli one.
      const stale = await f.app.request(path, {
        headers: { 'accept-encoding': BROWSER, 'if-none-match': tags[0]! },
      });
      expect(stale.status).toBe(200);
    });
  }

  it('sends the gzip copy to a browser while brotli is still compressing, and brotli once ready', async () => {
    let finishBrotli: (bytes: Uint8Array<ArrayBuffer>) => void = () => undefined;
    installCompressor(
      (body, encoding) =>
        encoding === 'br'
          ? new Promise((resolve) => (finishBrotli = resolve))
          : compressNode(body, encoding),
      ['br', 'gzip'],
    );
    try {
      const item = { body: new TextEncoder().encode('<li class="bar ok"></li>'.repeat(2000)) };
      // The first request starts both and gets the plain bytes.
      expect(choose(item, BROWSER)).toEqual({ settled: false });
      await new Promise((r) => setTimeout(r, 50));
      const meanwhile = choose(item, BROWSER);
      expect(meanwhile).toMatchObject({ encoding: 'gzip', settled: false });
      expect(gunzipSync(meanwhile.bytes!).equals(Buffer.from(item.body))).toBe(true);
      // A client that takes only brotli still gets plain bytes, never an encoding it refused.
      expect(choose(item, 'br')).toEqual({ settled: false });
      expect(choose(item, 'br, gzip;q=0')).toEqual({ settled: false });
      expect(choose(item, 'gzip')).toMatchObject({ encoding: 'gzip', settled: true });

      finishBrotli(await compressNode(item.body, 'br'));
      await new Promise((r) => setTimeout(r, 0));
      const ready = choose(item, BROWSER);
      expect(ready).toMatchObject({ encoding: 'br', settled: true });
      expect(brotliDecompressSync(ready.bytes!).equals(Buffer.from(item.body))).toBe(true);
      // Bytes too small to compress, and a client that asks for none, are final at once.
      expect(choose({ body: new Uint8Array(100) }, BROWSER)).toEqual({ settled: true });
      expect(choose(item, undefined)).toEqual({ settled: true });
    } finally {
      installNodeCompression();
    }
  });

  it('leaves a failed compression as plain bytes instead of failing the request', async () => {
    installCompressor(() => Promise.reject(new Error('no memory')), ['br']);
    const item = { body: new Uint8Array(4096) };
    expect(compressed(item, 'br')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 10));
    expect(compressed(item, 'br')).toBeUndefined();
    installNodeCompression();
  });

  it('compresses with node:zlib into bytes that decompress exactly', async () => {
    const text = new TextEncoder().encode('<li class="bar ok"></li>'.repeat(2000));
    const out = await compressNode(text, 'br');
    expect(brotliDecompressSync(out).equals(Buffer.from(text))).toBe(true);
  });
});
