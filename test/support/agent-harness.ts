/**
 * A real agent (real client-node informers) against the stand-in API server, pushing to a stand-in
 * app that records every snapshot it receives. Every interval is a few milliseconds, so minutes of
 * agent life pass in well under a second; `waitFor` polls instead of sleeping a guessed time.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Agent, type AgentOptions } from '../../src/agent/agent.ts';
import { systemClock } from '../../src/agent/clock.ts';
import { KubeClient, plainServer } from '../../src/agent/kube-client.ts';
import { DEFAULT_TUNING } from '../../src/agent/resilient-watch.ts';
import { parseClusterSnapshot, type ClusterSnapshot } from '../../src/cluster/snapshot-schema.ts';
import { silentLogger } from '../../src/logger.ts';
import { startKubeApi, type KubeApiOptions, type KubeApiServer } from './kube-api-server.ts';

export const TOKEN = 'agent-token-0123456789abcdef';

export interface Received {
  snapshot: ClusterSnapshot;
  authorization: string | undefined;
  encoding: string | undefined;
}

/** An app that accepts snapshots; `down()` refuses connections until `up()`. */
export class FakeApp {
  readonly received: Received[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/api/agent/v1/snapshots') {
          res.writeHead(404).end();
          return;
        }
        const raw = Buffer.concat(chunks);
        const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        this.received.push({
          snapshot: parseClusterSnapshot(JSON.parse(text.toString('utf8'))),
          authorization: req.headers.authorization,
          encoding: req.headers['content-encoding'],
        });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
    return this;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get latest(): ClusterSnapshot | undefined {
    return this.received.at(-1)?.snapshot;
  }
}

export interface Harness {
  api: KubeApiServer;
  app: FakeApp;
  agent: Agent;
  close(): Promise<void>;
}

export function agentOptions(
  api: KubeApiServer,
  apps: Array<{ url: string; token: string }>,
  overrides: Partial<AgentOptions> = {},
): AgentOptions {
  return {
    cluster: 'test-cluster',
    apps,
    client: new KubeClient(plainServer(api.url)),
    namespaces: [],
    endpoints: 'auto',
    heartbeatMs: 50,
    debounceMs: 5,
    syncTimeoutMs: 2000,
    tuning: {
      ...DEFAULT_TUNING,
      backoffInitialMs: 5,
      backoffMaxMs: 40,
      silenceMs: 400,
      timeoutSeconds: 60,
      listTimeoutMs: 2000,
      minWatchMs: 5,
    },
    send: { timeoutMs: 1000, backoffInitialMs: 5, backoffMaxMs: 20 },
    probes: {
      enabled: true,
      concurrency: 4,
      timeoutMs: 500,
      attempts: 1,
      cooldownMs: 5,
      healthPath: '/__health',
      gtgPath: '/__gtg',
      defaultRefreshMs: 30,
    },
    clock: systemClock,
    logger: silentLogger,
    ...overrides,
  };
}

export async function startHarness(
  overrides: Partial<AgentOptions> = {},
  apiOptions: KubeApiOptions = {},
  seed?: (api: KubeApiServer) => void,
): Promise<Harness> {
  const api = await startKubeApi(apiOptions);
  seed?.(api);
  const app = await new FakeApp().up();
  const agent = new Agent(agentOptions(api, [{ url: app.url, token: TOKEN }], overrides));
  await agent.start();
  return {
    api,
    app,
    agent,
    async close() {
      await agent.stop(200);
      await app.down();
      await api.close();
    },
  };
}

/** Polls until `check` returns a value that is not undefined/false, or fails with `what`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | null,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The newest snapshot received that satisfies `check`. */
export function snapshotWhere(app: FakeApp, check: (snapshot: ClusterSnapshot) => boolean) {
  return () => {
    const latest = app.latest;
    return latest && check(latest) ? latest : undefined;
  };
}
