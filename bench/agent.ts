/**
 * The agent at cluster scale: a stand-in API server with 2,000 Services (each with an
 * EndpointSlice and a Deployment) and 20,000 Pods, 1% of them failing, and the real agent in a
 * child process (`staunch agent`, compiled JavaScript as the image runs it, so its RSS and CPU
 * are its own, not a TypeScript loader's). Measures:
 * - time to the first complete snapshot (from spawning the process, and from its start log);
 * - the agent's RSS and CPU while 1,000 pod changes a second stream in (BENCH_AGENT_DURATION
 *   seconds, else BENCH_DURATION, default 60);
 * - the compressed size of a snapshot.
 * Goals: first snapshot < 5 s, RSS < 150 MB, snapshot < 100 KB compressed. Exit code 1 when a
 * goal is missed.
 *
 * Options (environment): BENCH_AGENT_DURATION (or BENCH_DURATION), BENCH_SERVICES (2000),
 * BENCH_PODS (20000), BENCH_RATE (pod changes/s, 1000), BENCH_AGENT_FROM_SOURCE=1 (run through
 * tsx, no build), BENCH_SKIP_BUILD=1 (reuse the last build), BENCH_AGENT_NODE_OPTIONS (Node flags
 * for the agent), BENCH_TRACE_RSS=1 (print the RSS samples).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { startKubeApi, type KubeApiServer } from '../test/support/kube-api-server.ts';
import { deployment, endpointSlice, pod, service } from '../test/support/kube-objects.ts';
import { formatNumber, printTable } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD = `${ROOT}node_modules/.cache/staunch-bench-agent`;
// Its own knob first: `npm run bench` shortens the churn without touching bench:page's BENCH_DURATION.
const DURATION_S = Number(process.env.BENCH_AGENT_DURATION ?? process.env.BENCH_DURATION ?? 60);
const SERVICES = Number(process.env.BENCH_SERVICES ?? 2000);
const PODS = Number(process.env.BENCH_PODS ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const FROM_SOURCE = process.env.BENCH_AGENT_FROM_SOURCE === '1';
/**
 * Node flags for the agent process: by default what its Deployment sets (an old-space cap, so
 * V8 collects before RSS climbs; the live heap at this scale is 30-55 MB). `''` for none.
 */
const AGENT_NODE_OPTIONS = process.env.BENCH_AGENT_NODE_OPTIONS ?? '--max-old-space-size=96';
const TOKEN = 'bench-token-0123456789abcdef';
const GOALS = { firstSnapshotMs: 5000, rssMb: 150, snapshotKb: 100 };

const podsPer = Math.max(1, Math.floor(PODS / SERVICES));
const namespaceOf = (index: number) => `team-${index % 20}`;

function seed(api: KubeApiServer): void {
  for (let s = 0; s < SERVICES; s += 1) {
    const namespace = namespaceOf(s);
    const name = `svc-${s}`;
    api.apply('services', service(namespace, name));
    api.apply('deployments', deployment(namespace, name, { replicas: podsPer }));
    const endpoints = [];
    for (let p = 0; p < podsPer; p += 1) {
      const index = s * podsPer + p;
      const failing = index % 100 === 0;
      const ip = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
      api.apply(
        'pods',
        pod(namespace, `${name}-${p}`, {
          labels: { app: name },
          ip,
          owner: { kind: 'ReplicaSet', name: `${name}-7d4b9c` },
          ...(failing ? { ready: false, restarts: 7, waitingReason: 'CrashLoopBackOff' } : {}),
        }),
      );
      endpoints.push({ ip, ready: !failing, pod: `${name}-${p}` });
    }
    api.apply('endpointslices', endpointSlice(namespace, name, 'a', endpoints));
  }
}

interface Received {
  at: number;
  bytes: number;
  sequence: number;
  services: number;
  failingPods: number;
  complete: boolean;
}

async function startApp(received: Received[]) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const snapshot = JSON.parse(gunzipSync(body).toString('utf8')) as {
        sequence: number;
        services: unknown[];
        pods: { failing: unknown[] };
        unsynced?: string[];
      };
      received.push({
        at: performance.now(),
        bytes: body.length,
        sequence: snapshot.sequence,
        services: snapshot.services.length,
        failingPods: snapshot.pods.failing.length,
        complete: !snapshot.unsynced?.length,
      });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function sample(pid: number): { rssMb: number; cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  // Fields after the command name: utime is the 14th field, stime the 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / TICK;
  return { rssMb: rssKb / 1024, cpuS: cpu };
}

function agentEntry(): string[] {
  if (FROM_SOURCE) return [`${ROOT}bin/staunch.mjs`, 'agent'];
  if (process.env.BENCH_SKIP_BUILD === '1') return [`${BUILD}/src/cli.js`, 'agent'];
  console.error('compiling the sources for the agent process (tsc -p tsconfig.build.json)...');
  const build = spawnSync(
    process.execPath,
    [
      `${ROOT}node_modules/typescript/bin/tsc`,
      '-p',
      `${ROOT}tsconfig.build.json`,
      '--outDir',
      BUILD,
    ],
    { stdio: 'inherit' },
  );
  if (build.status !== 0) throw new Error('tsc failed');
  return [`${BUILD}/src/cli.js`, 'agent'];
}

async function main(): Promise<void> {
  const entry = agentEntry();
  const loadAtStart = loadavg()[0]!;
  console.error(
    `seeding ${SERVICES} Services, ${SERVICES} Deployments, ${SERVICES} EndpointSlices, ${SERVICES * podsPer} Pods...`,
  );
  const api = await startKubeApi({ historyLimit: 200_000 });
  seed(api);
  const received: Received[] = [];
  const app = await startApp(received);

  const spawned = performance.now();
  const parentCpuAtSpawn = process.cpuUsage();
  let startedLog: number | undefined;
  const child = spawn(process.execPath, entry, {
    env: {
      ...process.env,
      STAUNCH_FROM_SOURCE: FROM_SOURCE ? '1' : '',
      NODE_OPTIONS: AGENT_NODE_OPTIONS,
      STAUNCH_AGENT_CLUSTER: 'bench',
      STAUNCH_AGENT_APP_URLS: app.url,
      STAUNCH_AGENT_TOKEN: TOKEN,
      STAUNCH_AGENT_KUBE_SERVER: api.url,
      STAUNCH_AGENT_LISTEN: '127.0.0.1:0',
      STAUNCH_AGENT_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log += chunk.toString();
    if (startedLog === undefined && log.includes('"msg":"agent watching"'))
      startedLog = performance.now();
  });

  const deadline = performance.now() + 120_000;
  let first: Received | undefined;
  while (!first) {
    first = received.find((item) => item.complete && item.services === SERVICES);
    if (performance.now() > deadline)
      throw new Error(`no complete snapshot in 120 s:\n${log.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const firstFromSpawnMs = first.at - spawned;
  const firstFromStartMs = first.at - (startedLog ?? spawned);
  const atFirst = sample(child.pid!);
  const parentCpu = process.cpuUsage(parentCpuAtSpawn);
  const serverCpuS = (parentCpu.user + parentCpu.system) / 1e6;
  console.error(
    `first complete snapshot after ${Math.round(firstFromSpawnMs)} ms; streaming ${RATE} pod changes/s for ${DURATION_S} s...`,
  );

  // The churn: every 10 ms, the pods due by then change (restart counts), spread over the cluster.
  let changed = 0;
  let cursor = 0;
  const rss: number[] = [];
  const cpuStart = sample(child.pid!).cpuS;
  const churnStarted = performance.now();
  const receivedBefore = received.length;
  const sampler = setInterval(() => rss.push(sample(child.pid!).rssMb), 500);
  const trace = process.env.BENCH_TRACE_RSS === '1';
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - churnStarted;
      const due = Math.min(Math.round((elapsed / 1000) * RATE), DURATION_S * RATE);
      while (changed < due) {
        const index = cursor % (SERVICES * podsPer);
        cursor += 7919; // a prime stride: every pod, in a scattered order
        const s = Math.floor(index / podsPer);
        api.modify('pods', namespaceOf(s), `svc-${s}-${index % podsPer}`, (object) => {
          const status = object.status as { containerStatuses: Array<{ restartCount: number }> };
          status.containerStatuses[0]!.restartCount += 1;
        });
        changed += 1;
      }
      if (changed >= DURATION_S * RATE) {
        clearInterval(tick);
        resolve();
      }
    }, 10);
  });
  clearInterval(sampler);
  if (trace) console.error(`RSS every 0.5 s: ${rss.map((value) => value.toFixed(0)).join(' ')}`);
  const churnS = (performance.now() - churnStarted) / 1000;
  const end = sample(child.pid!);
  rss.push(end.rssMb);
  const cpuPercent = ((end.cpuS - cpuStart) / churnS) * 100;
  const during = received.slice(receivedBefore);
  const sizes = received.map((item) => item.bytes);
  const agentUrl = /"url":"(http[^"]+)"/.exec(log)?.[1];
  const metrics = agentUrl ? await (await fetch(`${agentUrl}/metrics`)).text() : '';
  const metric = (name: string) =>
    Number(new RegExp(`^staunch_agent_${name} ([0-9.e+]+)`, 'm').exec(metrics)?.[1] ?? NaN) /
    1048576;
  const heap = {
    used: metric('nodejs_heap_size_used_bytes'),
    total: metric('nodejs_heap_size_total_bytes'),
    external: metric('nodejs_external_memory_bytes'),
  };

  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  app.server.close();
  await api.close();

  const maxRss = Math.max(...rss);
  const maxKb = Math.max(...sizes) / 1024;
  console.log(
    `\nagent bench: ${SERVICES} Services, ${SERVICES * podsPer} Pods (${first.failingPods} failing, detailed), ${RATE} pod changes/s for ${DURATION_S} s (${formatNumber(changed)} changes), agent ${FROM_SOURCE ? 'through tsx' : 'compiled'}, NODE_OPTIONS=${AGENT_NODE_OPTIONS || '(none)'}\n`,
  );
  printTable(
    ['figure', 'measured', 'goal', ''],
    [
      [
        'first complete snapshot, from spawn (ms)',
        formatNumber(firstFromSpawnMs),
        `< ${GOALS.firstSnapshotMs}`,
        firstFromSpawnMs < GOALS.firstSnapshotMs ? 'ok' : 'MISSED',
      ],
      ['  from the agent start log (ms)', formatNumber(firstFromStartMs), '', ''],
      ['  agent CPU time until then (s)', formatNumber(atFirst.cpuS, 2), '', ''],
      ['  stand-in server CPU time until then (s)', formatNumber(serverCpuS, 2), '', ''],
      ['  load average (1 min) at the start', formatNumber(loadAtStart, 1), '', ''],
      ['RSS at first snapshot (MB)', formatNumber(atFirst.rssMb, 1), '', ''],
      [
        'RSS max during churn (MB)',
        formatNumber(maxRss, 1),
        `< ${GOALS.rssMb}`,
        maxRss < GOALS.rssMb ? 'ok' : 'MISSED',
      ],
      ['RSS at the end (MB)', formatNumber(end.rssMb, 1), '', ''],
      [
        '  JS heap used / total at the end (MB)',
        `${formatNumber(heap.used, 1)} / ${formatNumber(heap.total, 1)}`,
        '',
        '',
      ],
      ['  external memory at the end (MB)', formatNumber(heap.external, 1), '', ''],
      ['CPU during churn (% of one core)', formatNumber(cpuPercent, 1), '', ''],
      ['snapshots received during churn', formatNumber(during.length), '', ''],
      [
        'snapshot size, first (KB gzip)',
        formatNumber(first.bytes / 1024, 1),
        `< ${GOALS.snapshotKb}`,
        first.bytes / 1024 < GOALS.snapshotKb ? 'ok' : 'MISSED',
      ],
      [
        'snapshot size, max (KB gzip)',
        formatNumber(maxKb, 1),
        `< ${GOALS.snapshotKb}`,
        maxKb < GOALS.snapshotKb ? 'ok' : 'MISSED',
      ],
      ['agent exit code on SIGTERM', String(code), '0', code === 0 ? 'ok' : 'MISSED'],
    ],
  );
  const missed =
    firstFromSpawnMs >= GOALS.firstSnapshotMs ||
    maxRss >= GOALS.rssMb ||
    maxKb >= GOALS.snapshotKb ||
    code !== 0;
  process.exitCode = missed ? 1 : 0;
}

await main();
