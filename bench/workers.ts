/**
 * `npm run bench:workers`: `staunch serve` with `serve.workers` 1 and 2 against nginx with 2
 * workers (`gzip_static`) serving the bytes captured from the app, one run after the other on the
 * same machine. Data as bench/start-data.ts leaves it: 50 components in 8 groups, 1,000 incidents
 * at 10 a day, a SQLite target and a folder target.
 *
 * Routes: `GET /` and `GET /api/v2/summary.json` as a browser asks (`gzip, deflate, br`; nginx-light
 * has no brotli, so it sends gzip). Load from a second process (wrk -t2, else autocannon). Prints
 * req/s and p99 for each, the ratios 2 workers ÷ 1 and 2 workers ÷ nginx, and the load average
 * before and after; figures go under "workers" in bench/results.json. Exits 1 when any request
 * fails. Tune with BENCH_DURATION (seconds per run, default 4), BENCH_CONNECTIONS (default 64) and
 * BENCH_SETTLE (seconds at least between the first load and the load test, default 10).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { captureSettled } from './capture.ts';
import { envCount, formatNumber, mergeResults, printTable } from './lib.ts';
import { load, loadTool, type LoadResult } from './load.ts';
import { hasNginx, startNginx } from './nginx.ts';
import { writeStartData } from './start-data.ts';

const DURATION = envCount('BENCH_DURATION', 4);
/**
 * After the first load a server is busy for tens of seconds on this machine (each worker's load of
 * the folder target's 8,000 files, the first sync pass, the snapshot write): the load test waits
 * at least this long, then until the processes are idle.
 */
const SETTLE = envCount('BENCH_SETTLE', 10);
const CONNECTIONS = envCount('BENCH_CONNECTIONS', 64);
const BROWSER = 'gzip, deflate, br';
const ROUTES = ['/', '/api/v2/summary.json'];
const BIN = fileURLToPath(new URL('../bin/staunch.mjs', import.meta.url));

const averages = () => loadavg().map((n) => Math.round(n * 10) / 10);

interface Served {
  url: string;
  stop(): Promise<void>;
}

/** `staunch serve` in `dir` with `workers`, once every worker has loaded its targets. */
async function serve(dir: string, baseYaml: string, workers: number): Promise<Served> {
  await writeFile(join(dir, 'config.yml'), `${baseYaml}serve:\n  workers: ${workers}\n`);
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 180_000;
  while ((output.match(/"msg":"replication view loaded"/g) ?? []).length < workers) {
    if (child.exitCode !== null) throw new Error(`staunch serve exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`staunch serve not loaded in 180 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = /"url":"(http[^"]+)"/.exec(output)![1]!;
  await settled(child.pid!);
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** CPU time (clock ticks) of `pid` and its children so far (Linux /proc). */
async function cpuTicks(pid: number): Promise<number> {
  const ticks = async (id: number) => {
    const stat = await readFile(`/proc/${id}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  };
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  const ids = [pid, ...children.split(/\s+/).filter(Boolean).map(Number)];
  return (await Promise.all(ids.map(ticks))).reduce((a, b) => a + b, 0);
}

/** Waits until the server and its workers use under a fifth of a core over 2 s (at most 180 s). */
async function settled(pid: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE * 1000));
  const deadline = Date.now() + 180_000;
  let before = await cpuTicks(pid);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const now = await cpuTicks(pid);
    // 100 ticks a second: 40 in 2 s is a fifth of a core.
    if (now - before < 40) return;
    before = now;
  }
  process.stderr.write(`staunch serve (pid ${pid}) still busy after 180 s; measuring anyway\n`);
}

/** Every route once in each encoding on new connections (each worker compresses once per version). */
async function warm(url: string): Promise<void> {
  for (let i = 0; i < 8; i++)
    for (const path of ROUTES) await captureSettled(`${url}${path}`, BROWSER, 'br');
}

const runLoad = (url: string, path: string) =>
  load(`${url}${path}`, {
    connections: CONNECTIONS,
    seconds: DURATION,
    headers: { 'Accept-Encoding': BROWSER },
  });

const dir = await mkdtemp(join(tmpdir(), 'staunch-bench-workers-'));
// nginx's worker runs as nobody when started as root: let it read the files.
await chmod(dir, 0o755);
const loadBefore = averages();
console.log(`cores: ${cpus().length}; load average before: ${loadBefore.join(', ')}`);
// Written as ten minutes ago, revs included: a server re-reads each target from five minutes
// before its newest rev on every poll, so data written just now would be read in full every 2 s
// by every worker, which no long-lived page does.
const AGO_MS = 10 * 60_000;
const realNow = Date.now;
Date.now = () => realNow() - AGO_MS;
const data = await writeStartData(dir, {
  incidents: 1000,
  now: Date.now(),
  folderTarget: true,
}).finally(() => (Date.now = realNow));
const baseYaml = await readFile(data.config, 'utf8');
console.log(`data: ${formatNumber(data.records)} records (1,000 incidents), SQLite + folder`);

const results: Record<string, Record<string, LoadResult>> = {};
for (const path of ROUTES) results[path] = {};

for (const workers of [1, 2]) {
  const server = await serve(dir, baseYaml, workers);
  await warm(server.url);
  if (workers === 1) {
    // The bytes nginx serves: what the app sends, gzip for nginx-light's gzip_static.
    for (const path of ROUTES) {
      const file = join(dir, 'root', path === '/' ? 'index.html' : path.slice(1));
      await mkdir(dirname(file), { recursive: true });
      const identity = await captureSettled(`${server.url}${path}`, '', 'identity');
      const gzip = await captureSettled(`${server.url}${path}`, 'gzip', 'gzip');
      await writeFile(file, identity.body);
      await writeFile(
        `${file}.gz`,
        gzip.encoding === 'gzip' ? gzip.body : gzipSync(identity.body, { level: 9 }),
      );
    }
  }
  for (const path of ROUTES) {
    // A first short run, not counted: each worker's first renderings and compressions.
    await load(`${server.url}${path}`, {
      connections: CONNECTIONS,
      seconds: 2,
      headers: { 'Accept-Encoding': BROWSER },
    });
    results[path]![`staunch ${workers}`] = await runLoad(server.url, path);
    process.stderr.write(
      `staunch, ${workers} worker(s), ${path}: ${formatNumber(results[path]![`staunch ${workers}`]!.rps)} req/s\n`,
    );
  }
  await server.stop();
}

if (hasNginx) {
  const nginx = await startNginx(join(dir, 'nginx'), join(dir, 'root'), { workers: 2 });
  for (const path of ROUTES) results[path]!['nginx 2'] = await runLoad(nginx.url, path);
  await nginx.close();
}
const loadAfter = averages();

console.log(
  `\n${loadTool}: ${CONNECTIONS} connections, ${DURATION} s per run, in a second process; Accept-Encoding: ${BROWSER}\n`,
);
const cell = (r: LoadResult | undefined) =>
  r
    ? `${formatNumber(r.rps)} / ${formatNumber(r.p99, 1)} ms${r.errors ? ` / ${r.errors} err` : ''}`
    : '-';
const ratio = (a: LoadResult | undefined, b: LoadResult | undefined) =>
  a && b ? `${formatNumber((a.rps / b.rps) * 100)} %` : '-';
printTable(
  [
    'route',
    'staunch 1 worker (req/s / p99)',
    'staunch 2 workers',
    'nginx 2 workers',
    '2 ÷ 1',
    '2 workers ÷ nginx',
  ],
  ROUTES.map((path) => {
    const r = results[path]!;
    return [
      `GET ${path}`,
      cell(r['staunch 1']),
      cell(r['staunch 2']),
      cell(r['nginx 2']),
      ratio(r['staunch 2'], r['staunch 1']),
      ratio(r['staunch 2'], r['nginx 2']),
    ];
  }),
);
console.log(`\nload average before: ${loadBefore.join(', ')}; after: ${loadAfter.join(', ')}`);

const failed = Object.values(results).some((byServer) =>
  Object.values(byServer).some((r) => r.errors > 0),
);
await mergeResults('workers', {
  measuredAt: new Date().toISOString(),
  node: process.version,
  cores: cpus().length,
  tool: loadTool,
  connections: CONNECTIONS,
  seconds: DURATION,
  acceptEncoding: BROWSER,
  loadAverage: { before: loadBefore, after: loadAfter },
  routes: results,
});
await rm(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
