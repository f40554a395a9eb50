/**
 * The front page's weight budget, as a size: with 50 components, 90-day bars and 1,000 incidents
 * over 90 days it compresses (brotli quality 11, what `staunch serve` sends) to at most 14 KB, so
 * it arrives in the first round trip of a cold connection (initial congestion window of 10
 * segments). A page that grows past it fails here rather than only in a benchmark.
 */
import { brotliCompressSync, constants } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFixtureApp,
  fixtureConfig,
  seedHistory,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';

const BUDGET = 14 * 1024;

describe('front page weight', { timeout: 180_000 }, () => {
  let f: FixtureApp;
  let page: string;

  beforeAll(async () => {
    f = await createFixtureApp(fixtureConfig({ components: 50, groups: 8 }));
    await seedHistory(f.domain, {
      incidents: 1000,
      open: 10,
      days: 90,
      now: f.clock.now,
      seed: 2026,
    });
    page = await (await f.app.request('http://status.test/')).text();
  }, 180_000);
  afterAll(() => f.stop());

  it('compresses to at most 14 KB with brotli with 50 components and 1,000 incidents', () => {
    // The fixture is as dense as it claims: 50 rows of 90 bars, over a thousand days linked.
    expect(page.match(/<div class="bars">/g)).toHaveLength(50);
    const links = page.match(
      /<a href="\/history\?day=\d{4}-\d\d-\d\d" aria-label="[^"]+" class="u\d">/g,
    );
    expect(links!.length).toBeGreaterThan(1000);
    const size = brotliCompressSync(page, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length;
    expect(size).toBeLessThanOrEqual(BUDGET);
  });

  it('stays valid where it was made small: unique ids, a name for every link', () => {
    const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    // Every bar that is a link says what it leads to; every row says what its bars add up to.
    for (const link of page.matchAll(/<a\s[^>]*>(.*?)<\/a>/g))
      expect(
        /aria-label="[^"]+"/.test(link[0]) || link[1]!.replace(/<[^>]+>/g, '').trim(),
      ).toBeTruthy();
    expect(page.match(/<p class="visually-hidden">[^<]+ uptime over [^<]+<\/p>/g)).toHaveLength(50);
  });
});
