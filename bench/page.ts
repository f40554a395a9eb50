/**
 * `npx tsx bench/page.ts`: the status page and /api/v2/summary.json under load, against a bare
 * Hono server that returns the same bytes from a constant, in the same run.
 *
 * Data: 50 components in 8 groups, 1,000 incidents over 90 days (10 still open), written through
 * the domain. The app and the bare server run here on 127.0.0.1; autocannon runs in a child
 * process (a second process, as a visitor would be). Prints requests/s, p50 and p99 for each,
 * and the ratio app ÷ bare; exits 1 when the page falls under 60 % of the bare rate or any
 * request fails. Tune with BENCH_DURATION (seconds per run, default 10), BENCH_CONNECTIONS (default
 * 50) and BENCH_ROUNDS (app and bare runs alternate; the best of each is kept, default 2).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { fixtureConfig, seedHistory, startFixtureServer } from '../test/support/status-fixture.ts';
import { envCount, formatNumber, printTable, timed } from './lib.ts';

const DURATION = envCount('BENCH_DURATION', 10);
const CONNECTIONS = envCount('BENCH_CONNECTIONS', 50);
/** App and bare runs alternate this many times; the best run of each is kept (shared machines are noisy). */
const ROUNDS = envCount('BENCH_ROUNDS', 2);
const FLOOR = 0.6;

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  bytes: number;
}

const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/** autocannon in a child process, JSON out. */
function load(url: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [autocannonBin, '--json', '-c', String(CONNECTIONS), '-d', String(DURATION), url],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err}`));
      const r = JSON.parse(out) as {
        requests: { average: number; total: number };
        latency: { p50: number; p99: number };
        errors: number;
        timeouts: number;
        non2xx: number;
        throughput: { total: number };
      };
      resolve({
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors + r.timeouts + r.non2xx,
        requests: r.requests.total,
        bytes: r.throughput.total,
      });
    });
  });
}

async function bareServer(
  routes: Record<string, { body: Uint8Array; type: string }>,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Hono();
  for (const [path, { body, type }] of Object.entries(routes)) {
    app.get(path, (c) => c.body(body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': type }));
  }
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const config = fixtureConfig({ components: 50, groups: 8 });
const app = await startFixtureServer(config, { live: true });
const seeded = await timed(() =>
  seedHistory(app.domain, { incidents: 1000, open: 10, days: 90, now: Date.now(), seed: 2026 }),
);
console.log(
  `seeded 1,000 incidents (10 open), 50 components in 8 groups, 90 days in ${formatNumber(seeded.ms)} ms`,
);

const targets = [
  { name: 'GET /', path: '/' },
  { name: 'GET /api/v2/summary.json', path: '/api/v2/summary.json' },
];

// The exact bytes each route answers now, for the bare server.
const routes: Record<string, { body: Uint8Array; type: string }> = {};
for (const target of targets) {
  const first = await timed(() => fetch(`${app.url}${target.path}`));
  const res = first.result;
  if (res.status !== 200) throw new Error(`${target.path} answered ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  routes[target.path] = {
    body,
    type: res.headers.get('content-type') ?? 'application/octet-stream',
  };
  console.log(
    `${target.path}: ${formatNumber(body.length)} bytes, first (uncached) render ${formatNumber(first.ms, 1)} ms`,
  );
}
const bare = await bareServer(routes);

console.log(
  `\nautocannon: ${CONNECTIONS} connections, ${DURATION} s per run, app and bare alternating ${ROUNDS}×, best run of each; in a child process\n`,
);
const rows: string[][] = [];
let failed = false;
for (const target of targets) {
  const pages: Result[] = [];
  const constants: Result[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    pages.push(await load(`${app.url}${target.path}`));
    constants.push(await load(`${bare.url}${target.path}`));
  }
  const best = (runs: Result[]) => ({
    ...runs.reduce((a, b) => (b.rps > a.rps ? b : a)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  });
  const page = best(pages);
  const constant = best(constants);
  const ratio = page.rps / constant.rps;
  const floorApplies = target.path === '/';
  if (page.errors > 0 || constant.errors > 0 || (floorApplies && ratio < FLOOR)) failed = true;
  const row = (label: string, r: Result) => [
    label,
    formatNumber(r.rps),
    `${r.p50} ms`,
    `${r.p99} ms`,
    formatNumber(r.errors),
    formatNumber(r.requests),
  ];
  rows.push([...row(`${target.name} (app)`, page), `${formatNumber(ratio * 100, 1)} %`]);
  rows.push([...row(`${target.name} (bare Hono, same bytes)`, constant), '']);
}
printTable(['target', 'req/s', 'p50', 'p99', 'errors', 'requests', 'app ÷ bare'], rows);
console.log(
  `\nfloor: GET / at least ${FLOOR * 100} % of the bare server's rate, zero errors -> ${failed ? 'FAILED' : 'ok'}`,
);

await bare.close();
await app.close();
process.exit(failed ? 1 : 0);
