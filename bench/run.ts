/**
 * `npm run bench`: every benchmark, one after the other, each in a child process of its own with
 * settings that bound its duration (the whole run is meant to stay under 10 minutes on a 2-core
 * machine), then one summary table of the performance goals from bench/results.json.
 *
 * - A part whose file is missing is skipped with a note; a part that fails or overruns its hard
 *   limit is reported and the run goes on; the run exits 1 at the end if any part failed.
 * - Progress on stderr: which part, elapsed time, and the remaining time estimated from each
 *   part's budget, scaled by how much longer than theirs the finished parts took.
 * - bench/results.json starts empty (each part merges its own section into it), so every figure
 *   in the summary comes from this run; with BENCH_RUN, only the selected parts' sections are
 *   dropped; BENCH_KEEP_RESULTS=1 keeps everything (BENCH_RUN=none prints the last summary again).
 * - The summary, with the load average at the start and the end, the Node version and the date,
 *   goes under "summary" in bench/results.json.
 *
 * Select parts with BENCH_RUN=page,start (names below). Any BENCH_* setting in the environment
 * overrides the defaults given here, e.g. BENCH_START_SIZES=1000,10000,100000 npm run bench.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatNumber, readResults, RESULTS_FILE, writeResults } from './lib.ts';
import { buildSummary, formatSummary } from './summary.ts';

interface Part {
  name: string;
  /** Relative to the repository root. */
  file: string;
  /** Expected seconds on this machine, for the estimate of what remains. */
  budgetS: number;
  /** Settings that bound the part's duration; the caller's environment wins over them. */
  env: Record<string, string>;
  /** `npm run build` first: the part measures dist/. */
  build?: boolean;
}

const PARTS: Part[] = [
  {
    name: 'storage',
    file: 'bench/storage.ts',
    budgetS: 60,
    env: { BENCH_RECORDS: '1000', BENCH_SINGLE_PUTS: '100', BENCH_GETS: '200' },
  },
  {
    name: 'replication',
    file: 'bench/replication.ts',
    budgetS: 120,
    // The goals name PostgreSQL and S3 repairs; the other backends' are in the part on its own.
    // s3rver takes about 50 records/s, three times over (its own client before and after).
    env: {
      BENCH_CREATES: '30',
      BENCH_REPAIR_RECORDS: '10000',
      BENCH_REPAIR_S3_RECORDS: '500',
      BENCH_REPAIR_TARGET: 'postgres,s3',
    },
  },
  // 11 routes × 3 rounds (BENCH_ROUNDS) × app, raw and nginx × 2 s: 228 s alone on 2026-12-02.
  { name: 'page', file: 'bench/page.ts', budgetS: 270, env: { BENCH_DURATION: '2' } },
  { name: 'workers', file: 'bench/workers.ts', budgetS: 60, env: { BENCH_DURATION: '3' } },
  { name: 'edge', file: 'bench/edge.ts', budgetS: 60, env: { BENCH_DURATION: '3' } },
  { name: 'notify', file: 'bench/notify.ts', budgetS: 30, env: { BENCH_SUBSCRIBERS: '1000' } },
  { name: 'agent', file: 'bench/agent.ts', budgetS: 75, env: { BENCH_AGENT_DURATION: '20' } },
  {
    name: 'start',
    file: 'bench/start.ts',
    budgetS: 180,
    env: { BENCH_START_SIZES: '1000,10000', BENCH_START_LOAD: '15', BENCH_START_RUNS: '3' },
    build: true,
  },
];

/**
 * Past this, a part is stopped and reported: a stuck part must not stall the whole run, but a
 * part on a loaded machine (two to three times its budget) must still finish.
 */
const hardLimitS = (part: Part) => 3 * part.budgetS + 60;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const only = process.env.BENCH_RUN?.split(',').map((name) => name.trim());
const selected = PARTS.filter((part) => !only || only.includes(part.name));

type Status = 'ok' | 'failed' | 'timed out' | 'skipped';
interface Outcome {
  name: string;
  status: Status;
  seconds: number;
  exitCode?: number | null;
  note?: string;
}

const clock = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
const load = () => loadavg().map((n) => Math.round(n * 100) / 100);

const runStarted = Date.now();
/** Budget of the parts after `index`, in ms. */
const budgetAfter = (index: number) =>
  selected
    .slice(index + 1)
    .filter((part) => existsSync(`${ROOT}${part.file}`))
    .reduce((sum, part) => sum + part.budgetS * 1000, 0);

/** Time taken ÷ time budgeted so far: on a loaded machine every part runs slower alike. */
const spent = { ms: 0, budgetMs: 0 };
const pace = () =>
  spent.budgetMs === 0 ? 1 : Math.min(4, Math.max(0.5, spent.ms / spent.budgetMs));

function partEnv(part: Part): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...part.env, ...process.env, BENCH_RESULTS: runResults };
  // The runner's own selection; bench/replication.ts has BENCH_PARTS for its parts.
  delete env.BENCH_RUN;
  return env;
}

/** Runs one command in its own process group, so a stopped part takes its servers with it. */
function runCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  limitMs: number,
): Promise<{ code: number | null; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit', detached: true });
    let timedOut = false;
    const stopGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup('SIGTERM');
      setTimeout(() => stopGroup('SIGKILL'), 5_000).unref();
    }, limitMs);
    const interrupt = () => {
      stopGroup('SIGTERM');
      process.exit(130);
    };
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    child.once('error', () => undefined);
    child.once('close', (code) => {
      clearTimeout(timer);
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
      resolve({ code, timedOut });
    });
  });
}

async function runPart(part: Part, index: number): Promise<Outcome> {
  const label = `[${index + 1}/${selected.length}] ${part.name}`;
  if (!existsSync(`${ROOT}${part.file}`)) {
    say(`${label}: skipped, ${part.file} is not there (yet)`);
    return { name: part.name, status: 'skipped', seconds: 0, note: `${part.file} missing` };
  }
  const started = Date.now();
  const remaining = () =>
    Math.max(0, part.budgetS * 1000 * pace() - (Date.now() - started)) +
    budgetAfter(index) * pace();
  say(
    `${label} (budget ${part.budgetS} s): started at ${clock(started - runStarted)}, about ${clock(remaining())} left in the run; load ${load().join(' ')}`,
  );
  const heartbeat = setInterval(
    () =>
      say(
        `${label}: ${clock(Date.now() - started)} in, run at ${clock(Date.now() - runStarted)}, about ${clock(remaining())} left`,
      ),
    30_000,
  );
  const limitMs = hardLimitS(part) * 1000;
  const env = partEnv(part);
  try {
    if (part.build) {
      const built = await runCommand('npm', ['run', 'build', '--silent'], env, limitMs);
      if (built.code !== 0)
        return {
          name: part.name,
          status: built.timedOut ? 'timed out' : 'failed',
          seconds: (Date.now() - started) / 1000,
          exitCode: built.code,
          note: 'npm run build failed',
        };
    }
    const ran = await runCommand(
      process.execPath,
      ['--import', 'tsx', part.file],
      env,
      limitMs - (Date.now() - started),
    );
    const status: Status = ran.timedOut ? 'timed out' : ran.code === 0 ? 'ok' : 'failed';
    return {
      name: part.name,
      status,
      seconds: (Date.now() - started) / 1000,
      exitCode: ran.code,
      ...(ran.timedOut ? { note: `stopped after ${hardLimitS(part)} s` } : {}),
    };
  } finally {
    clearInterval(heartbeat);
    spent.ms += Date.now() - started;
    spent.budgetMs += part.budgetS * 1000;
    const took = (Date.now() - started) / 1000;
    say(`${label}: done in ${formatNumber(took)} s (budget ${part.budgetS} s)`);
  }
}

/**
 * The parts write into a file of the run's own (BENCH_RESULTS), copied to bench/results.json at
 * the end: other sessions running a benchmark meanwhile write bench/results.json too. A whole run
 * starts from nothing, so no figure in the summary is older than the run; a run of some parts
 * starts from the last results without those parts' sections (each part writes under its name).
 */
async function startingResults(): Promise<Record<string, unknown>> {
  if (process.env.BENCH_KEEP_RESULTS === '1') return readResults(RESULTS_FILE);
  const kept = only ? await readResults(RESULTS_FILE) : {};
  for (const part of selected) delete kept[part.name];
  delete kept.summary;
  return kept;
}

/**
 * A part that writes bench/results.json itself rather than through BENCH_RESULTS: its section
 * counts when it was measured after the part started.
 */
async function adoptSection(part: Part, startedAt: number): Promise<void> {
  const own = await readResults(runResults);
  if (own[part.name] !== undefined) return;
  const section = (await readResults(RESULTS_FILE))[part.name] as { measuredAt?: unknown };
  const measuredAt = Date.parse(String(section?.measuredAt));
  if (!(measuredAt >= startedAt - 1_000)) return;
  own[part.name] = section;
  await writeResults(own, runResults);
}

const runDir = await mkdtemp(join(tmpdir(), 'staunch-bench-run-'));
const runResults = join(runDir, 'results.json');
await writeResults(await startingResults(), runResults);
const loadAtStart = load();
say(
  `${selected.length} parts (${selected.map((p) => p.name).join(', ')}), budget ${clock(budgetAfter(-1))}; load ${loadAtStart.join(' ')}; node ${process.version}`,
);

const outcomes: Outcome[] = [];
for (const [index, part] of selected.entries()) {
  const startedAt = Date.now();
  const outcome = await runPart(part, index);
  outcomes.push(outcome);
  await adoptSection(part, startedAt);
  if (outcome.status === 'failed' || outcome.status === 'timed out')
    say(`${part.name}: ${outcome.status}${outcome.note ? ` (${outcome.note})` : ''}; going on`);
}

const results = await readResults(runResults);
const rows = buildSummary(results);
const wallSeconds = (Date.now() - runStarted) / 1000;
const loadAtEnd = load();
console.log(
  `\nSummary: ${new Date().toISOString()}, node ${process.version}, ${formatNumber(wallSeconds)} s, load average ${loadAtStart.join(' ')} at the start, ${loadAtEnd.join(' ')} at the end\n`,
);
console.log(formatSummary(rows));
console.log(
  `\nparts: ${outcomes.map((o) => `${o.name} ${o.status}${o.status === 'skipped' ? '' : ` ${formatNumber(o.seconds)} s`}`).join(', ')}`,
);
// With no part run (BENCH_RUN=none), only the rows are new: the run they come from stays described.
const previous = results.summary as Record<string, unknown> | undefined;
results.summary = {
  ...(selected.length === 0 && previous
    ? previous
    : {
        date: new Date(runStarted).toISOString(),
        node: process.version,
        wallSeconds,
        loadAverage: { start: loadAtStart, end: loadAtEnd },
        parts: outcomes,
      }),
  rows,
};
await writeResults(results, RESULTS_FILE);
await rm(runDir, { recursive: true, force: true });

const failed = outcomes.filter((o) => o.status === 'failed' || o.status === 'timed out');
if (failed.length > 0) say(`failed: ${failed.map((o) => `${o.name} (${o.status})`).join(', ')}`);
process.exit(failed.length > 0 ? 1 : 0);
