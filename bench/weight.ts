/**
 * `npx tsx bench/weight.ts`: the front page's weight alone, without load: raw, gzip -9 and brotli
 * (quality 11, what the app sends) for 10 and 50 components with 1,000 incidents over 90 days, and
 * how much of it the 90-day bars are (the page compressed with and without them). Sizes, not
 * times: the same on a loaded machine. BENCH_WEIGHT_SIZES=10,50 picks the component counts;
 * BENCH_WEIGHT_OUT=<dir> writes each page there to look at.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { createFixtureApp, fixtureConfig, seedHistory } from '../test/support/status-fixture.ts';
import { formatNumber, printTable } from './lib.ts';

const SIZES = (process.env.BENCH_WEIGHT_SIZES ?? '10,50').split(',').map(Number);
const OUT = process.env.BENCH_WEIGHT_OUT;

const br = (text: string) =>
  brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const gz = (text: string) => gzipSync(text, { level: 9 }).length;
const kb = (bytes: number) => `${formatNumber(bytes / 1024, 1)} KB`;

/** Each component's bars block, up to the end of its list item. */
const BARS = /<div class="uptime"[\s\S]*?<\/li>/g;

const rows: string[][] = [];
for (const components of SIZES) {
  const now = Date.now();
  const fixture = await createFixtureApp(fixtureConfig({ components, groups: 8 }), { now });
  await seedHistory(fixture.domain, { incidents: 1000, open: 10, days: 90, now, seed: 2026 });
  const page = await (await fixture.app.request('http://status.test/')).text();
  await fixture.stop();
  if (OUT) await writeFile(join(OUT, `front-${components}.html`), page);
  const withoutBars = page.replace(BARS, '</li>');
  rows.push([
    String(components),
    kb(page.length),
    kb(gz(page)),
    kb(br(page)),
    kb(br(page) - br(withoutBars)),
    String((page.match(BARS) ?? []).join('').split('<a ').length - 1),
  ]);
}
printTable(['components', 'raw', 'gzip -9', 'brotli q11', 'of which bars (br)', 'day links'], rows);
