/**
 * `npm run bench:page`: the status page and every /api/v2/*.json under load, against two
 * ceilings sending the same bytes: a bare `node:http` server in its own process
 * (bench/raw-server.ts, the bytes and headers captured from the app for each encoding) and
 * nginx with one worker and `gzip_static` on the same files (when /usr/sbin/nginx exists).
 *
 * The app is served as `staunch serve` serves it: the hot path (src/runtime/hot-path.ts) in front
 * of @hono/node-server, so the rows show what a visitor gets; each row also gives the share of
 * answers the hot path sent and the app's event-loop delay (p99 and max) during its runs.
 *
 * Each route is loaded in BENCH_ROUNDS rounds, each round app, then raw node, then nginx, so a
 * slow stretch of a shared machine falls on every side rather than on one. Each side reports its
 * median round (by req/s): that round's req/s, p50 and p99, with the errors of all its rounds
 * (a failure in any round counts). The loop delay is the max over the app's rounds and the median
 * of their p99s; the hot-path share is over all the app's rounds. Every round's req/s is kept in
 * the results (`rounds` of each row) and the table's "spread" column gives min–max per side.
 *
 * Data: 50 components in 8 groups, 1,000 incidents over 90 days (10 still open), written through
 * the domain. Load comes from a second process (wrk -t2, else autocannon). Prints req/s, p50,
 * p99 and errors for each, the ratios app ÷ raw node and app ÷ nginx, and the page's weight for
 * 10 and 50 components; figures go under "page" in bench/results.json. Exits 1 when any request
 * fails. Tune with BENCH_DURATION (seconds per load run, default 4), BENCH_ROUNDS (rounds per
 * route, default 3), BENCH_CONNECTIONS (default 64) and BENCH_ROUTES=all|front (front: only GET /
 * in its three encodings).
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { serve, type ServerType } from '@hono/node-server';
import {
  createFixtureApp,
  fixtureConfig,
  seedHistory,
  startFixtureServer,
} from '../test/support/status-fixture.ts';
import { STATUSPAGE_ENDPOINTS } from '../src/http/statuspage/cache.ts';
import { installNodeCompression } from '../src/runtime/compress-node.ts';
import { createHotPath, hotServer } from '../src/runtime/hot-path.ts';
import { preferSmallHeap } from '../src/runtime/node-heap.ts';
import { captureSettled, type Captured } from './capture.ts';
import { envCount, formatNumber, median, mergeResults, printTable, timed } from './lib.ts';
import { load, loadTool, type LoadResult } from './load.ts';
import { hasNginx, startNginx } from './nginx.ts';
import type { CapturedRoutes } from './raw-server.ts';

// The heap settings `staunch serve` runs with, before the data is built.
preferSmallHeap();

const DURATION = envCount('BENCH_DURATION', 4);
const ROUNDS = envCount('BENCH_ROUNDS', 3);
const CONNECTIONS = envCount('BENCH_CONNECTIONS', 64);
const ONLY_FRONT = process.env.BENCH_ROUTES === 'front';
const BROWSER = 'gzip, deflate, br';

interface Target {
  name: string;
  path: string;
  acceptEncoding?: string;
}

const targets: Target[] = [
  { name: 'GET / (identity)', path: '/' },
  { name: 'GET / (gzip)', path: '/', acceptEncoding: 'gzip' },
  { name: 'GET / (br)', path: '/', acceptEncoding: BROWSER },
  ...(ONLY_FRONT
    ? []
    : STATUSPAGE_ENDPOINTS.map((e) => ({
        name: `GET /api/v2/${e}`,
        path: `/api/v2/${e}`,
        acceptEncoding: BROWSER,
      }))),
];

const fileOf = (path: string) => (path === '/' ? 'index.html' : path.slice(1));
const ENCODINGS: Record<string, string> = { identity: '', gzip: 'gzip', br: BROWSER };

/** Every encoding the app sends for `path`, as sent. */
async function captureRoute(base: string, path: string): Promise<Record<string, Captured>> {
  const out: Record<string, Captured> = {};
  for (const [encoding, accept] of Object.entries(ENCODINGS)) {
    // Brotli at quality 11 of a large page takes seconds on a loaded machine: wait for it.
    let got = await captureSettled(`${base}${path}`, accept, encoding);
    for (let i = 0; i < 20 && got.encoding !== encoding && got.body.length >= 1024; i++)
      got = await captureSettled(`${base}${path}`, accept, encoding);
    if (got.status !== 200) throw new Error(`${path} answered ${got.status}`);
    out[got.encoding] ??= got;
  }
  return out;
}

const decoded = (c: Record<string, Captured>) => c.identity!.body;
const sizes = (c: Record<string, Captured>) => {
  const raw = decoded(c);
  return {
    raw: raw.length,
    gzipSent: c.gzip?.body.length ?? null,
    brSent: c.br?.body.length ?? null,
    gzip9: gzipSync(raw, { level: 9 }).length,
    br11: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};

async function weightFor(components: number) {
  const config = fixtureConfig({ components, groups: 8 });
  const app = await startFixtureServer(config, { live: true });
  await seedHistory(app.domain, {
    incidents: 1000,
    open: 10,
    days: 90,
    now: Date.now(),
    seed: 2026,
  });
  const front = await captureRoute(app.url, '/');
  await app.close();
  return sizes(front);
}

// As `staunch serve` does (src/runtime/node.ts): brotli and gzip from node:zlib.
installNodeCompression();

const weights = { 10: await weightFor(10) } as Record<number, ReturnType<typeof sizes>>;

// Served as `staunch serve` serves it (src/runtime/node.ts): the hot path in front of Hono.
const config = fixtureConfig({ components: 50, groups: 8 });
const fixture = await createFixtureApp(config, { live: true });
const hot = createHotPath();
const server = await new Promise<ServerType>((resolve) => {
  const s = serve(
    { fetch: hot.fetch(fixture.app.fetch), hostname: '127.0.0.1', port: 0, ...hotServer(hot) },
    () => resolve(s),
  );
});
const app = {
  ...fixture,
  url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  async close() {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
    await fixture.stop();
  },
};
const seeded = await timed(() =>
  seedHistory(app.domain, { incidents: 1000, open: 10, days: 90, now: Date.now(), seed: 2026 }),
);
console.log(
  `seeded 1,000 incidents (10 open), 50 components in 8 groups, 90 days in ${formatNumber(seeded.ms)} ms`,
);

// The exact bytes the app sends now, for the ceilings.
const dir = await mkdtemp(join(tmpdir(), 'staunch-bench-page-'));
const root = join(dir, 'root');
// nginx's worker runs as nobody when started as root: let it read the files.
await chmod(dir, 0o755);
const routes: CapturedRoutes = {};
for (const path of new Set(targets.map((t) => t.path))) {
  const captured = await captureRoute(app.url, path);
  if (path === '/') weights[50] = sizes(captured);
  routes[path] = {};
  const file = join(root, fileOf(path));
  await mkdir(dirname(file), { recursive: true });
  for (const [encoding, c] of Object.entries(captured)) {
    const suffix = encoding === 'identity' ? '' : encoding === 'gzip' ? '.gz' : '.br';
    await writeFile(`${file}${suffix}`, c.body);
    routes[path][encoding] = {
      file: `root/${fileOf(path)}${suffix}`,
      status: c.status,
      headers: c.headers,
    };
  }
  // nginx's gzip_static wants a .gz file even when the app sends none for this route.
  if (!captured.gzip) await writeFile(`${file}.gz`, gzipSync(decoded(captured), { level: 9 }));
  console.log(
    `${path}: ${formatNumber(decoded(captured).length)} bytes; sent as ${Object.keys(captured).join(', ')}`,
  );
}
await writeFile(join(dir, 'routes.json'), JSON.stringify(routes));

const raw = await new Promise<{ url: string; close(): void }>((resolve, reject) => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./raw-server.ts', import.meta.url).pathname, dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  child.once('error', reject);
  child.stdout.once('data', (chunk: Buffer) =>
    resolve({ url: `http://127.0.0.1:${chunk.toString().trim()}`, close: () => child.kill() }),
  );
});
const nginx = hasNginx ? await startNginx(join(dir, 'nginx'), root) : undefined;

console.log(
  `load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(', ')}`,
);
console.log(
  `\n${loadTool}: ${CONNECTIONS} connections, ${DURATION} s per run, in a second process; ` +
    `${ROUNDS} round${ROUNDS === 1 ? '' : 's'} per route (app, raw${nginx ? ', nginx' : ''} in turn), each side's median round reported; ` +
    `ceilings: raw node:http (own process, same bytes and headers)${nginx ? ', nginx 1 worker gzip_static' : ' (nginx not installed)'}\n`,
);

interface Row {
  target: string;
  /** Each side's median round by req/s, with the errors of all its rounds. */
  app: LoadResult;
  raw: LoadResult;
  nginx?: LoadResult;
  /** The app's event loop while it was loaded: longest delay over its rounds, median of their p99 (ms). */
  loop: { max: number; p99: number };
  /** Share of the app's answers sent by the hot path, over all its rounds. */
  hotShare: number;
  /** Every round's req/s per side, in the order run. */
  rounds: { app: number[]; raw: number[]; nginx?: number[] };
}

/** The round whose req/s is the median (the lower one of an even count), errors summed over all. */
function medianRound(results: LoadResult[]): LoadResult {
  const sorted = [...results].sort((a, b) => a.rps - b.rps);
  const middle = sorted[Math.max(0, Math.ceil(sorted.length / 2) - 1)]!;
  return { ...middle, errors: results.reduce((sum, r) => sum + r.errors, 0) };
}

const rows: Row[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
for (const target of targets) {
  const options = {
    connections: CONNECTIONS,
    seconds: DURATION,
    ...(target.acceptEncoding ? { headers: { 'Accept-Encoding': target.acceptEncoding } } : {}),
  };
  const runs: { app: LoadResult[]; raw: LoadResult[]; nginx: LoadResult[] } = {
    app: [],
    raw: [],
    nginx: [],
  };
  const loops: { max: number; p99: number }[] = [];
  let hotHits = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const hitsBefore = hot.hits;
    loopDelay.reset();
    loopDelay.enable();
    const appResult = await load(`${app.url}${target.path}`, options);
    loopDelay.disable();
    hotHits += hot.hits - hitsBefore;
    loops.push({ max: loopDelay.max / 1e6, p99: loopDelay.percentile(99) / 1e6 });
    runs.app.push(appResult);
    const rawResult = await load(`${raw.url}${target.path}`, options);
    runs.raw.push(rawResult);
    const nginxResult = nginx ? await load(`${nginx.url}${target.path}`, options) : undefined;
    if (nginxResult) runs.nginx.push(nginxResult);
    process.stderr.write(
      `${target.name} round ${round}/${ROUNDS}: ${formatNumber(appResult.rps)} req/s (raw ${formatNumber(rawResult.rps)}${nginxResult ? `, nginx ${formatNumber(nginxResult.rps)}` : ''})\n`,
    );
  }
  const rpsOf = (results: LoadResult[]) => results.map((r) => r.rps);
  const appRequests = runs.app.reduce((sum, r) => sum + r.requests, 0);
  const row: Row = {
    target: target.name,
    app: medianRound(runs.app),
    raw: medianRound(runs.raw),
    loop: {
      max: Math.max(...loops.map((l) => l.max)),
      p99: median(loops.map((l) => l.p99)),
    },
    hotShare: hotHits / Math.max(1, appRequests),
    rounds: { app: rpsOf(runs.app), raw: rpsOf(runs.raw) },
  };
  if (nginx) {
    row.nginx = medianRound(runs.nginx);
    row.rounds.nginx = rpsOf(runs.nginx);
  }
  rows.push(row);
}

const pct = (a: number, b: number) => `${formatNumber((a / b) * 100, 0)} %`;
/** min–max of the rounds' req/s in thousands, e.g. 20.1–22.4. */
const spread = (rps: number[]) =>
  `${formatNumber(Math.min(...rps) / 1000, 1)}–${formatNumber(Math.max(...rps) / 1000, 1)}`;
const cell = (r: LoadResult) =>
  `${formatNumber(r.rps)} / ${formatNumber(r.p99, 1)} ms${r.errors ? ` / ${r.errors} err` : ''}`;
printTable(
  [
    'route',
    'app req/s / p99',
    'raw node',
    'nginx',
    'app ÷ raw',
    'p99 app ÷ raw',
    'app ÷ nginx',
    'hot path',
    'app loop delay p99 / max',
    'spread app | raw (k req/s)',
  ],
  rows.map((r) => [
    r.target,
    cell(r.app),
    cell(r.raw),
    r.nginx ? cell(r.nginx) : '-',
    pct(r.app.rps, r.raw.rps),
    `${formatNumber(r.app.p99 / r.raw.p99, 1)}×`,
    r.nginx ? pct(r.app.rps, r.nginx.rps) : '-',
    `${formatNumber(r.hotShare * 100, 1)} %`,
    `${formatNumber(r.loop.p99, 1)} / ${formatNumber(r.loop.max, 1)} ms`,
    `${spread(r.rounds.app)} | ${spread(r.rounds.raw)}`,
  ]),
);

console.log('\nfront page weight (1,000 incidents over 90 days, 90-day bars)\n');
printTable(
  ['components', 'raw', 'gzip sent', 'br sent', 'gzip -9', 'brotli q11'],
  Object.entries(weights).map(([n, w]) => [
    n,
    formatNumber(w.raw),
    w.gzipSent === null ? '-' : formatNumber(w.gzipSent),
    w.brSent === null ? '-' : formatNumber(w.brSent),
    formatNumber(w.gzip9),
    formatNumber(w.br11),
  ]),
);

console.log(
  `\nload average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(', ')}`,
);
const failed = rows.some((r) => r.app.errors > 0 || r.raw.errors > 0);
const goal = rows.every((r) => r.app.rps >= 0.9 * r.raw.rps && r.app.p99 <= 2 * r.raw.p99);
console.log(
  `\ngoal: every route ≥ 90 % of raw node's rate with p99 ≤ 2× raw's -> ${goal ? 'met' : 'missed'}; errors -> ${failed ? 'FAILED' : 'none'}`,
);
await mergeResults('page', {
  measuredAt: new Date().toISOString(),
  loadAverage: loadavg(),
  node: process.version,
  tool: loadTool,
  connections: CONNECTIONS,
  seconds: DURATION,
  rounds: ROUNDS,
  routes: rows,
  weight: weights,
});

raw.close();
await nginx?.close();
await app.close();
await rm(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
