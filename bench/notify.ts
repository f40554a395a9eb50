/**
 * `npx tsx bench/notify.ts`: one incident mailed to 10,000 confirmed subscribers through a local
 * SMTP server (smtp-server in a second process), by Staunch's email channel (statusetat's
 * templates, each recipient's own links and one-click unsubscribe headers, the pooled transport), side by side with
 * nodemailer sending the same 10,000 messages on its own. Each sender runs in a process of its
 * own, so its peak memory (RSS) is its own; the two alternate BENCH_ROUNDS times and the best run
 * of each is kept. Prints messages per second, CPU time per message (steadier than the wall clock
 * on a shared machine), peak RSS and the ratios; progress goes to stderr.
 * Bounded: a run that takes longer than BENCH_NOTIFY_TIMEOUT seconds (default 300) is stopped and
 * the benchmark exits 1, as it does when any message fails.
 *
 * Tune with BENCH_SUBSCRIBERS (default 10000), BENCH_IN_FLIGHT (messages in flight, default 100),
 * BENCH_CONNECTIONS (pooled SMTP connections, default 4) and BENCH_ROUNDS (default 1).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { envCount, formatNumber, perSecond, printTable } from './lib.ts';

const SUBSCRIBERS = envCount('BENCH_SUBSCRIBERS', 10_000);
const IN_FLIGHT = envCount('BENCH_IN_FLIGHT', 100);
const CONNECTIONS = envCount('BENCH_CONNECTIONS', 4);
const ROUNDS = envCount('BENCH_ROUNDS', 1);
const TIMEOUT_MS = envCount('BENCH_NOTIFY_TIMEOUT', 300) * 1000;

interface Run {
  mode: string;
  sent: number;
  failed: number;
  ms: number;
  /** The sender's own CPU time (user + system): steadier than the wall clock on a shared machine. */
  cpuMs: number;
  peakRss: number;
  baseline: number;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

function tsx(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', here(script), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

/** The first JSON line a child prints. */
function firstLine<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not finish within ${TIMEOUT_MS / 1000} s`));
    }, TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as T);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code} before reporting`));
    });
  });
}

async function main(): Promise<number> {
  const sink = tsx('smtp-sink-process.ts', []);
  const { port } = await firstLine<{ port: number }>(sink, 'the SMTP server');
  const runs: Run[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? ['staunch', 'nodemailer'] : ['nodemailer', 'staunch']) {
        const sender = tsx('notify-sender.ts', [
          mode,
          String(port),
          String(SUBSCRIBERS),
          String(IN_FLIGHT),
          String(CONNECTIONS),
        ]);
        runs.push(await firstLine<Run>(sender, `the ${mode} sender`));
      }
    }
  } finally {
    sink.stdin!.end();
  }
  const best = (mode: string) =>
    runs.filter((run) => run.mode === mode).sort((a, b) => a.ms - b.ms)[0]!;
  const staunch = best('staunch');
  const alone = best('nodemailer');
  const mib = (bytes: number) => formatNumber(bytes / 1024 / 1024, 1);
  console.log(
    `\nOne incident to ${formatNumber(SUBSCRIBERS)} subscribers, ${IN_FLIGHT} in flight, ${CONNECTIONS} pooled SMTP connections, best of ${ROUNDS}\n`,
  );
  printTable(
    [
      'sender',
      'sent',
      'failed',
      'seconds',
      'messages/s',
      'CPU ms / 1000 msgs',
      'peak RSS MiB',
      'RSS at start MiB',
    ],
    [staunch, alone].map((run) => [
      run.mode === 'staunch' ? 'Staunch email channel' : 'nodemailer alone',
      formatNumber(run.sent),
      formatNumber(run.failed),
      formatNumber(run.ms / 1000, 2),
      formatNumber(perSecond(run.sent, run.ms)),
      formatNumber((run.cpuMs / run.sent) * 1000),
      mib(run.peakRss),
      mib(run.baseline),
    ]),
  );
  const rate = perSecond(staunch.sent, staunch.ms) / perSecond(alone.sent, alone.ms);
  console.log(
    `\nStaunch ÷ nodemailer alone: ${formatNumber(rate * 100)} % of the rate, ${formatNumber(staunch.cpuMs / staunch.sent / (alone.cpuMs / alone.sent), 2)}× the CPU per message, ${formatNumber(staunch.peakRss / alone.peakRss, 2)}× the peak RSS`,
  );
  return runs.some((run) => run.failed > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
