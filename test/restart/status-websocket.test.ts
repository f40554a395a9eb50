/** The status stream as a WebSocket on Node, served as `staunch serve` serves it. */
import { serve, upgradeWebSocket, type ServerType } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { buildApp, type BuiltApp } from '../../src/app.ts';
import { silentLogger } from '../../src/logger.ts';
import { startReplicas, testConfig, type Replicas } from '../support/domain-fixtures.ts';
import { cartDeployment, clusterSnapshot } from '../support/cluster-snapshot.ts';

const TOKEN = 'prod-eu-agent-token-0123456789';
const ADMIN = `Basic ${btoa('admin:s3cret-password')}`;

let replicas: Replicas;
let built: BuiltApp;
let server: ServerType;
let url: string;

beforeEach(async () => {
  replicas = await startReplicas(1, 1, Date.now);
  built = buildApp({
    config: { ...testConfig(), agents: [{ cluster: 'prod-eu', token: TOKEN }] },
    store: replicas.stores[0]!,
    logger: silentLogger,
    startedAt: new Date(),
    version: 'test',
    upgradeWebSocket,
  });
  url = await new Promise((resolve) => {
    server = serve(
      {
        fetch: built.app.fetch,
        port: 0,
        hostname: '127.0.0.1',
        websocket: { server: new WebSocketServer({ noServer: true }) },
      },
      (info) => resolve(`127.0.0.1:${info.port}`),
    );
  });
  await fetch(`http://${url}/api/agent/v1/snapshots`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(
      clusterSnapshot({ workloads: [cartDeployment({ restartAllowed: true })] }),
    ),
  });
});

afterEach(async () => {
  (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  await new Promise((resolve) => server.close(resolve));
  await replicas.stop();
});

describe('GET /api/v1/service/status over WebSocket', () => {
  it('sends each target at once in the seed format, then the lock taken by a request, and counts the watcher', async () => {
    const socket = new WebSocket(`ws://${url}/api/v1/service/status`, {
      headers: { authorization: ADMIN },
    });
    const messages: Record<string, unknown>[] = [];
    socket.on('message', (data) =>
      messages.push(JSON.parse(String(data)) as Record<string, unknown>),
    );
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const waitFor = async (test: () => boolean) => {
      const until = Date.now() + 5000;
      while (!test()) {
        if (Date.now() > until) throw new Error(`no such message in ${JSON.stringify(messages)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await waitFor(() => messages.length > 0);
    expect(messages[0]).toMatchObject({
      kind_namespace_name: { kind: 'Deployment', name: 'cart', namespace: 'shop' },
      status: { message: expect.any(String), pod_status: null, last_restart: '' },
      is_locked: false,
    });
    expect(built.restarts.metrics.watchers).toBe(1);
    const res = await fetch(`http://${url}/api/v1/service/Deployment/shop/cart/restart`, {
      method: 'POST',
      headers: { authorization: ADMIN },
    });
    expect(res.status).toBe(202);
    await waitFor(() => messages.some((m) => m.is_locked === true));
    socket.close();
    await waitFor(() => built.restarts.metrics.watchers === 0);
  });

  it('refuses a client without credentials', async () => {
    const socket = new WebSocket(`ws://${url}/api/v1/service/status`);
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_req, response) => resolve(response.statusCode ?? 0));
      socket.once('open', () => resolve(101));
    });
    expect(status).toBe(401);
  });
});
