/**
 * The app's side of the agents: what one large snapshot costs to receive. A cluster of 2,000
 * Services, 2,000 Deployments and 200 FT services (1% of 20,000 pods failing) is pushed gzipped
 * to POST /api/agent/v1/snapshots over the memory target; printed: the compressed size, the
 * first snapshot (every object written once), then steady heartbeats (nothing written) and
 * snapshots with one Service flipping (one record written), as median milliseconds each.
 *
 *   npx tsx bench/cluster-receive.ts            (BENCH_SNAPSHOTS=200 by default)
 */
import { gzipSync } from 'node:zlib';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config/parse.ts';
import { silentLogger } from '../src/logger.ts';
import type { ClusterSnapshot } from '../src/cluster/snapshot-schema.ts';
import { createReplicator } from '../src/replication/replicator.ts';
import { createMemoryDriver } from '../storage-drivers/memory.ts';

const SERVICES = 2000;
const FT = 200;
const ROUNDS = Number(process.env.BENCH_SNAPSHOTS ?? 200);
const TOKEN = 'bench-agent-token-0123456789';

function snapshot(sequence: number, downService = -1): ClusterSnapshot {
  const names = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i).padStart(4, '0')}`);
  return {
    version: 1,
    cluster: 'bench',
    agent: { instance: 'bench-agent', version: '0.1.0' },
    sequence,
    sentAt: new Date().toISOString(),
    heartbeatSeconds: 15,
    services: names.map((name, i) => ({
      namespace: `ns-${i % 20}`,
      name,
      readyEndpoints: i === downService ? 0 : 10,
      servingEndpoints: i === downService ? 0 : 10,
      terminatingEndpoints: 0,
      hasHealthcheck: i < FT,
    })),
    statusServices: names.slice(0, 500).map((name, i) => ({
      namespace: `ns-${i % 20}`,
      name,
      serviceName: name,
      displayName: name.toUpperCase(),
    })),
    statusServiceGroups: [],
    workloads: names.map((name, i) => ({
      kind: 'Deployment' as const,
      namespace: `ns-${i % 20}`,
      name,
      desired: 10,
      updated: 10,
      ready: 10,
      available: 10,
      generation: 3,
      observedGeneration: 3,
      conditions: { available: { status: 'True' as const, reason: 'MinimumReplicasAvailable' } },
      rollout: { state: 'complete' as const, message: 'successfully rolled out' },
    })),
    health: names.slice(0, FT).map((name, i) => ({
      namespace: `ns-${i % 20}`,
      service: name,
      categories: ['default'],
      pods: { total: 10, healthy: i % 10 === 0 ? 9 : 10 },
      failing:
        i % 10 === 0
          ? [
              {
                pod: `${name}-0`,
                checks: [
                  {
                    name: 'db',
                    ok: false,
                    severity: 2,
                    businessImpact: 'Slow answers',
                    technicalSummary: 'db latency above 500 ms',
                    panicGuide: 'https://runbooks.example/db',
                    lastUpdated: new Date().toISOString(),
                  },
                ],
              },
            ]
          : [],
    })),
    categories: [
      { name: 'default', services: [], refreshRate: 60, isSticky: false, enabled: true },
    ],
    acknowledgements: [],
    pods: {
      total: 20_000,
      byPhase: { Running: 19_800, Pending: 200 },
      failing: Array.from({ length: 200 }, (_, i) => ({
        namespace: `ns-${i % 20}`,
        name: `pod-${i}`,
        phase: 'Pending',
        reason: 'Unschedulable',
        restarts: 0,
        ready: false,
      })),
    },
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const store = createReplicator({
  drivers: [createMemoryDriver(new URL('memory://bench-cluster-receive'))],
  pollIntervalMs: 0,
  syncIntervalMs: 0,
  healthIntervalMs: 0,
});
await store.start();
let writes = 0;
const write = store.write.bind(store);
store.write = (batch) => {
  writes += batch.length;
  return write(batch);
};
const config = parseConfig(
  `targets: [memory://bench-cluster-receive]\nagents: [{ cluster: bench, token: ${TOKEN} }]`,
);
const app = createApp({
  config,
  store,
  logger: silentLogger,
  startedAt: new Date(),
  version: 'bench',
});

async function push(body: Buffer): Promise<number> {
  const started = performance.now();
  const response = await app.request('http://localhost/api/agent/v1/snapshots', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    },
    body: new Uint8Array(body),
  });
  if (response.status !== 200) throw new Error(`${response.status} ${await response.text()}`);
  await response.arrayBuffer();
  return performance.now() - started;
}

let sequence = 0;
const first = gzipSync(JSON.stringify(snapshot(++sequence)));
const firstMs = await push(first);
const firstWrites = writes;
const steady: number[] = [];
for (let i = 0; i < ROUNDS; i++)
  steady.push(await push(gzipSync(JSON.stringify(snapshot(++sequence)))));
const steadyWrites = writes - firstWrites;
const flipping: number[] = [];
for (let i = 0; i < ROUNDS; i++)
  flipping.push(await push(gzipSync(JSON.stringify(snapshot(++sequence, i % 2 === 0 ? 7 : -1)))));
const flipWrites = writes - firstWrites - steadyWrites;

console.log(
  `snapshot: ${SERVICES} Services, ${SERVICES} Deployments, ${FT} FT services, 20,000 pods`,
);
console.log(
  `compressed size             ${(first.byteLength / 1024).toFixed(1)} KiB (${(JSON.stringify(snapshot(1)).length / 1024).toFixed(0)} KiB inflated)`,
);
console.log(`first snapshot              ${firstMs.toFixed(0)} ms, ${firstWrites} records written`);
console.log(
  `steady heartbeats (median)  ${median(steady).toFixed(1)} ms, ${steadyWrites} records written in ${ROUNDS}`,
);
console.log(
  `one Service flipping        ${median(flipping).toFixed(1)} ms, ${flipWrites} records written in ${ROUNDS}`,
);
console.log(
  `rss                         ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`,
);
await store.stop();
