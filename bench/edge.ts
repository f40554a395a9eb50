/**
 * `npm run bench:edge`: the Worker in `wrangler dev` (workerd, offline) under load, side by side
 * in one run with a Worker returning constant bytes (bench/edge-constant.ts, the app's own
 * answer for each path) under the same wrangler.
 *
 * The app runs the repository's wrangler.toml with a memory target (SQLite is not on Workers),
 * 50 components in 8 groups and 20 incidents written through the statusetat API. Rows: `GET /`
 * and `GET /api/v2/summary.json` from the edge cache (src/runtime/worker-cache.ts), the same
 * paths with a Cookie (which the cache leaves to the app: what every request cost before), and
 * the constant Worker. Load from a second process (wrk -t2, else autocannon), one run at a
 * time. Prints req/s, p50, p99, errors and the ratio to the constant Worker; figures go under
 * "edge" in bench/results.json. Exits 1 when any request fails. Tune with BENCH_DURATION
 * (seconds per run, default 5) and BENCH_CONNECTIONS (default 64).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envCount, formatNumber, mergeResults, printTable } from './lib.ts';
import { load, loadTool, type LoadResult } from './load.ts';
import { startWranglerDev, type WranglerDev } from '../test/support/wrangler-dev.ts';

const DURATION = envCount('BENCH_DURATION', 5);
const CONNECTIONS = envCount('BENCH_CONNECTIONS', 64);
const root = fileURLToPath(new URL('..', import.meta.url));
const AUTH = `Basic ${btoa('admin:bench-password')}`;

/** `wrangler dev` quiet but for errors, ready when `probe` answers. */
const wranglerDev = (args: string[], probe: string, state: string): Promise<WranglerDev> =>
  startWranglerDev({ args, probe, state, logLevel: 'error' });

const groups = Array.from({ length: 8 }, (_, g) => `Group ${g + 1}`);
const components = Array.from({ length: 50 }, (_, i) => ({
  name: `Service ${i + 1}`,
  group: groups[i % groups.length]!,
}));
const config = JSON.stringify({
  targets: ['memory://bench-edge'],
  username: 'admin',
  password: 'bench-password',
  components,
});

const state = await mkdtemp(join(tmpdir(), 'staunch-bench-edge-'));
const devs: WranglerDev[] = [];
const cleanup = async () => {
  await Promise.all(devs.map((d) => d.stop()));
  await rm(state, { recursive: true, force: true });
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

interface Row {
  label: string;
  path: string;
  result: LoadResult;
  ratio?: number;
}

try {
  console.error('starting wrangler dev: the app and the constant Worker…');
  const app = await wranglerDev(['--var', `STAUNCH_CONFIG:${config}`], '/healthz', state);
  devs.push(app);
  for (let i = 0; i < 20; i++) {
    const component = components[(i * 7) % components.length]!;
    const created = await fetch(`${app.url}/v1/incidents`, {
      method: 'POST',
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({
        components: [`${component.group} - ${component.name}`],
        component_state: i < 3 ? 3 : 0,
        messages: [
          { title: `Incident ${i + 1}`, content: `What happened to **${component.name}**` },
        ],
      }),
    });
    if (created.status !== 201) throw new Error(`seeding answered ${created.status}`);
  }
  const constantToml = join(state, 'constant.toml');
  await writeFile(
    constantToml,
    [
      'name = "staunch-edge-constant"',
      `main = ${JSON.stringify(join(root, 'bench/edge-constant.ts'))}`,
      'compatibility_date = "2026-04-01"',
      '',
    ].join('\n'),
  );
  const constant = await wranglerDev(
    ['--config', constantToml, '--var', `APP_URL:${app.url}`],
    '/',
    join(state, 'constant'),
  );
  devs.push(constant);

  const sizes: Record<string, number> = {};
  for (const path of ['/', '/api/v2/summary.json']) {
    const [mine, theirs] = await Promise.all(
      [app.url, constant.url].map(async (base) => (await fetch(`${base}${path}`)).arrayBuffer()),
    );
    sizes[path] = mine!.byteLength;
    // Same length is enough here: the page's relative times may move between the two reads.
    if (Math.abs(mine!.byteLength - theirs!.byteLength) > 64)
      throw new Error(`the constant Worker does not send the app's bytes for ${path}`);
  }

  const run = (url: string, headers?: Record<string, string>) =>
    load(url, { connections: CONNECTIONS, seconds: DURATION, ...(headers ? { headers } : {}) });
  const rows: Row[] = [];
  for (const path of ['/', '/api/v2/summary.json']) {
    const ceiling = await run(`${constant.url}${path}`);
    const cached = await run(`${app.url}${path}`);
    const uncached = await run(`${app.url}${path}`, { cookie: 'bench=1' });
    rows.push(
      { label: `${path}  edge cache`, path, result: cached, ratio: cached.rps / ceiling.rps },
      {
        label: `${path}  app (Cookie: not cached)`,
        path,
        result: uncached,
        ratio: uncached.rps / ceiling.rps,
      },
      { label: `${path}  constant Worker`, path, result: ceiling },
    );
  }

  const load1 = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  console.log(
    `\nwrangler dev (workerd, local), ${loadTool}: ${CONNECTIONS} connections, ${DURATION} s per run, in a second process; ` +
      `page ${formatNumber(sizes['/']! / 1024, 1)} KB, summary.json ${formatNumber(sizes['/api/v2/summary.json']! / 1024, 1)} KB (uncompressed: the Worker leaves compression to Cloudflare)\n`,
  );
  printTable(
    ['route', 'req/s', 'p50 ms', 'p99 ms', 'errors', '÷ constant'],
    rows.map((r) => [
      r.label,
      formatNumber(r.result.rps),
      formatNumber(r.result.p50, 1),
      formatNumber(r.result.p99, 1),
      String(r.result.errors),
      r.ratio === undefined ? '' : `${formatNumber(r.ratio * 100)} %`,
    ]),
  );
  console.log(`\nload average ${load1}`);
  await mergeResults('edge', {
    at: new Date().toISOString(),
    loadAverage: loadavg(),
    tool: loadTool,
    connections: CONNECTIONS,
    seconds: DURATION,
    bytes: sizes,
    rows: rows.map((r) => ({
      label: r.label,
      path: r.path,
      rps: r.result.rps,
      p50: r.result.p50,
      p99: r.result.p99,
      errors: r.result.errors,
      ...(r.ratio === undefined ? {} : { ratioToConstant: r.ratio }),
    })),
  });
  await cleanup();
  if (rows.some((r) => r.result.errors > 0)) process.exit(1);
} catch (error) {
  await cleanup();
  throw error;
}
