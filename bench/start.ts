/**
 * `npm run bench:start`: how fast `staunch` starts and how much memory it holds, each beside a
 * baseline measured in the same run.
 *
 * - `staunch --version` against `node -e` printing the same constant (best of BENCH_START_RUNS);
 * - launch to the first 200 on `/` of `staunch serve` (the built dist/, as `npm start` runs it),
 *   at its first launch and at a restart on the same port (the start file of the first answers)
 *   over a data folder as a long-lived server leaves it (SQLite target plus view snapshot, 50
 *   components, incidents at 10 a day), against a raw node:http server answering 200;
 * - its RSS idle (once every target is loaded) and after a load test from a second process
 *   (autocannon, BENCH_CONNECTIONS connections), against the raw server holding the same page.
 *
 * Sizes: BENCH_START_SIZES (default 1000,10000; 100000 takes 8 to 10 minutes more, most of it writing
 * the data); load seconds: BENCH_START_LOAD (default
 * 60 at 10,000 incidents, 20 at the others). Progress on stderr; figures on stdout and under
 * "start" in bench/results.json (other keys are kept).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envCount, formatNumber, median, printTable, timed } from './lib.ts';
import { writeStartData } from './start-data.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// What bin/staunch.mjs runs once dist/ is up to date (the bench builds it first); run directly, so
// a source file another process edits meanwhile cannot switch the measurement to tsx.
const BIN = join(ROOT, 'dist/src/cli.js');
const RESULTS = join(ROOT, 'bench/results.json');
const RUNS = envCount('BENCH_START_RUNS', 5);
const CONNECTIONS = envCount('BENCH_CONNECTIONS', 64);
const SIZES = (process.env.BENCH_START_SIZES ?? '1000,10000')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const loadSeconds = (incidents: number) =>
  envCount('BENCH_START_LOAD', incidents === 10_000 ? 60 : 20);
/** What the first page must show to count: the known issue of the newest shard, so not an empty page. */
const MARKER = 'Exports larger than 2 GB may time out';

const log = (line: string) => process.stderr.write(`bench:start: ${line}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[]): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve({ ms: performance.now() - started, out: out.trim() })
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Resident set size of a process, from /proc (Linux), in MB. */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

interface Launched {
  child: ChildProcess;
  url: string;
  /** Launch to the first 200 on `/`, ms. */
  firstOk: number;
  firstBody: string;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns a server and polls `/` until it answers 200; the time counts from the spawn. */
async function launch(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; port?: number },
): Promise<Launched> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = started + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited:\n${output}`);
    if (performance.now() > deadline) throw new Error(`no 200 on ${url} within 120 s`);
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === 200) {
      const firstOk = performance.now() - started;
      return {
        child,
        url,
        firstOk,
        firstBody: await response.text(),
        output: () => output,
        async stop() {
          // Its clean shutdown (a last snapshot write, a sync pass ending) is not what is measured.
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(killer);
        },
      };
    }
    await response?.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

async function loadTest(
  url: string,
  seconds: number,
): Promise<{ rps: number; p99: number; errors: number }> {
  const { out } = await run(process.execPath, [
    autocannon,
    '--json',
    '-c',
    String(CONNECTIONS),
    '-d',
    String(seconds),
    url,
  ]);
  const r = JSON.parse(out) as {
    requests: { average: number };
    latency: { p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
}

/** The raw node:http baseline: one precomputed body for every request. */
const RAW_SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const body = process.env.BODY_FILE ? fs.readFileSync(process.env.BODY_FILE) : Buffer.from('ok');
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

/** Waits until the server logs `line` (or the timeout passes). */
async function logged(server: Launched, line: string, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!server.output().includes(line)) {
    if (performance.now() - started > timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
}

/** Waits until the server says every target is loaded (or the timeout passes). */
const loaded = (server: Launched, timeoutMs: number) =>
  logged(server, 'replication view loaded', timeoutMs);

/** Waits until `path` exists (or the timeout passes). */
async function exists(path: string, timeoutMs: number): Promise<boolean> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

interface SizeResult {
  incidents: number;
  records: number;
  snapshotMb: number;
  /** The first launch, with no start file yet (a new install, or a changed config). */
  coldFirstOkMs: number;
  /** A restart: the start file the previous run left answers first. */
  firstOkMs: number;
  firstShowsData: boolean;
  firstFromStartFile: boolean;
  /** Launch to the app taking the socket over from the start file. */
  appAfterMs: number;
  loadedAfterMs: number;
  rssIdleMb: number;
  rssAfterLoadMb: number;
  loadSeconds: number;
  rps: number;
  p99Ms: number;
  errors: number;
  raw: { firstOkMs: number; rssIdleMb: number; rssAfterLoadMb: number; rps: number };
}

async function measureSize(incidents: number): Promise<SizeResult> {
  const dir = await mkdtemp(join(tmpdir(), `staunch-bench-start-${incidents}-`));
  try {
    log(`${formatNumber(incidents)} incidents: writing the data folder`);
    const written = await timed(() =>
      writeStartData(dir, {
        incidents,
        now: Date.now(),
        folderTarget: false,
        onProgress: (done, total) => {
          if (done % 10_000 === 0 || done === total)
            log(`  ${formatNumber(done)}/${formatNumber(total)} incidents`);
        },
      }),
    );
    const snapshotMb =
      (await readFile(join(dir, 'data/view-snapshot.json'))).byteLength / 1024 / 1024;
    log(
      `  ${formatNumber(written.result.records)} records, snapshot ${formatNumber(snapshotMb, 1)} MB, in ${formatNumber(written.ms / 1000, 1)} s`,
    );

    // As a long-lived server is restarted: the same port, and the start file of the last run.
    const port = await freePort();
    log(`  staunch serve, first launch (no start file yet): launch to first 200`);
    const cold = await launch(process.execPath, [BIN, 'serve'], { cwd: dir, env: {}, port });
    await loaded(cold, 120_000);
    const startFile = join(dir, 'data/view-snapshot.json.start');
    if (!(await exists(startFile, 120_000))) log('  no start file was written');
    await cold.stop();

    log(`  staunch serve, restart: launch to first 200`);
    const server = await launch(process.execPath, [BIN, 'serve'], { cwd: dir, env: {}, port });
    const firstShowsData = server.firstBody.includes(MARKER);
    const firstFromStartFile = server.firstBody.includes('This server is starting');
    const appAfterMs =
      server.firstOk +
      (await logged(server, 'answered from the start file until the app took over', 120_000));
    // The loads begin after the app took over, so this wait starts no earlier than they do.
    const loadedAfterMs = appAfterMs + (await loaded(server, 120_000));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const rssIdleMb = rssMb(server.child.pid!);
    const seconds = loadSeconds(incidents);
    log(`  load test: ${seconds} s, ${CONNECTIONS} connections`);
    const load = await loadTest(`${server.url}/`, seconds);
    const rssAfterLoadMb = rssMb(server.child.pid!);
    // The raw server answers with the bytes of the first answer, the page the load test read.
    const body = new TextEncoder().encode(server.firstBody);
    await server.stop();

    log(`  raw node:http with the same ${formatNumber(body.byteLength)} bytes`);
    const bodyFile = join(dir, 'page.html');
    await writeFile(bodyFile, Buffer.from(body));
    const raw = await launch(process.execPath, ['-e', RAW_SERVER], {
      env: { BODY_FILE: bodyFile },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rawIdle = rssMb(raw.child.pid!);
    const rawLoad = await loadTest(`${raw.url}/`, seconds);
    const rawAfter = rssMb(raw.child.pid!);
    await raw.stop();
    return {
      incidents,
      records: written.result.records,
      snapshotMb,
      coldFirstOkMs: cold.firstOk,
      firstOkMs: server.firstOk,
      firstShowsData,
      firstFromStartFile,
      appAfterMs,
      loadedAfterMs,
      rssIdleMb,
      rssAfterLoadMb,
      loadSeconds: seconds,
      rps: load.rps,
      p99Ms: load.p99,
      errors: load.errors,
      raw: {
        firstOkMs: raw.firstOk,
        rssIdleMb: rawIdle,
        rssAfterLoadMb: rawAfter,
        rps: rawLoad.rps,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function versionTimes(): Promise<{ staunch: number; node: number; output: string }> {
  const staunch: number[] = [];
  const node: number[] = [];
  let output = '';
  for (let i = 0; i < RUNS; i++) {
    // The command users run: bin/staunch.mjs answers `--version` before its stale-build check.
    const one = await run(process.execPath, [join(ROOT, 'bin/staunch.mjs'), '--version']);
    output = one.out;
    staunch.push(one.ms);
    node.push((await run(process.execPath, ['-e', `console.log(${JSON.stringify(output)})`])).ms);
  }
  return { staunch: median(staunch), node: median(node), output };
}

async function saveResults(): Promise<void> {
  let results: Record<string, unknown> = {};
  try {
    results = JSON.parse(await readFile(RESULTS, 'utf8')) as Record<string, unknown>;
  } catch {
    // First run, or a file another bench is rewriting: start from nothing rather than fail.
  }
  results.start = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    connections: CONNECTIONS,
    version: { staunchMs: version.staunch, nodeMs: version.node },
    sizes,
  };
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
}

const startedAt = Date.now();
log(`staunch --version and node -e, ${RUNS} runs each (medians)`);
const version = await versionTimes();
const sizes: SizeResult[] = [];
for (const incidents of SIZES) {
  const size = await measureSize(incidents);
  sizes.push(size);
  log(
    `  first 200 ${formatNumber(size.firstOkMs)} ms (raw ${formatNumber(size.raw.firstOkMs)} ms), RSS idle ${formatNumber(size.rssIdleMb, 1)} MB, after load ${formatNumber(size.rssAfterLoadMb, 1)} MB, ${formatNumber(size.rps)} req/s`,
  );
  // After each size, so a long run stopped early keeps what it measured.
  await saveResults();
}

const ms = (value: number) => `${formatNumber(value)} ms`;
const mb = (value: number) => `${formatNumber(value, 1)} MB`;
const ratio = (a: number, b: number) => `${formatNumber(a / b, 2)}×`;
console.log(`\nstart and footprint (${CONNECTIONS} connections, autocannon in a child process)\n`);
const rows: string[][] = [
  [
    'staunch --version',
    ms(version.staunch),
    'node -e (same output)',
    ms(version.node),
    ratio(version.staunch, version.node),
  ],
];
for (const s of sizes) {
  const n = formatNumber(s.incidents);
  rows.push(
    [
      `first 200 on /, first launch, ${n} incidents`,
      ms(s.coldFirstOkMs),
      'raw node:http',
      ms(s.raw.firstOkMs),
      ratio(s.coldFirstOkMs, s.raw.firstOkMs),
    ],
    [
      `first 200 on /, restart, ${n} incidents${s.firstShowsData ? '' : ' (EMPTY PAGE)'}${s.firstFromStartFile ? ' (start file)' : ''}`,
      ms(s.firstOkMs),
      'raw node:http',
      ms(s.raw.firstOkMs),
      ratio(s.firstOkMs, s.raw.firstOkMs),
    ],
    [
      `RSS idle, ${n} incidents`,
      mb(s.rssIdleMb),
      'raw node:http, same page',
      mb(s.raw.rssIdleMb),
      ratio(s.rssIdleMb, s.raw.rssIdleMb),
    ],
    [
      `RSS after ${s.loadSeconds} s of load, ${n}`,
      mb(s.rssAfterLoadMb),
      'raw node:http, same page',
      mb(s.raw.rssAfterLoadMb),
      ratio(s.rssAfterLoadMb, s.raw.rssAfterLoadMb),
    ],
    [
      `GET / during that load, ${n}`,
      `${formatNumber(s.rps)} req/s`,
      'raw node:http',
      `${formatNumber(s.raw.rps)} req/s`,
      ratio(s.rps, s.raw.rps),
    ],
  );
}
printTable(['figure', 'staunch', 'baseline', 'value', 'staunch ÷ baseline'], rows);
for (const s of sizes)
  console.log(
    `${formatNumber(s.incidents)} incidents: ${formatNumber(s.records)} records, snapshot ${mb(s.snapshotMb)}, app took over from the start file ${ms(s.appAfterMs)} and every target loaded ${ms(s.loadedAfterMs)} after launch, ${formatNumber(s.errors)} errors under load, p99 ${ms(s.p99Ms)}`,
  );

log(
  `done in ${formatNumber((Date.now() - startedAt) / 1000)} s; figures under "start" in bench/results.json`,
);
