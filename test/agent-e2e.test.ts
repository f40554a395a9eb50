/**
 * End to end: a real `staunch agent` process (real client-node informers) watches the stand-in
 * kube API server and pushes to a real `staunch serve` process over HTTP; the admin UI shows the
 * cluster and a Service's ready endpoints changing, and the store holds only the changes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApi, type KubeApiServer } from './support/kube-api-server.ts';
import { deployment, endpointSlice, service, statusServices } from './support/kube-objects.ts';
import { eventually, startStaunch, type StaunchProcess } from './support/staunch-process.ts';
import { signIn, type CookieJar } from './support/status-fixture.ts';

const TOKEN = 'e2e-cluster-token-0123456789';
const PASSWORD = 'e2e-admin-password';

const ready = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ ip: `10.1.0.${i + 1}`, pod: `cart-${i}` }));

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('agent → staunch serve, end to end', () => {
  let api: KubeApiServer;
  let staunch: StaunchProcess;
  let agent: StaunchProcess;
  let dir: string;
  let jar: CookieJar;

  beforeAll(async () => {
    api = await startKubeApi();
    api.apply('services', service('shop', 'cart'));
    api.apply('endpointslices', endpointSlice('shop', 'cart', 'a1b2c', ready(2)));
    api.apply('deployments', deployment('shop', 'cart', { replicas: 2 }));
    api.apply(
      'statusservices',
      statusServices('shop', 'cart', { serviceName: 'cart', displayName: 'Cart' }),
    );

    dir = mkdtempSync(join(tmpdir(), 'staunch-agent-e2e-'));
    writeFileSync(
      join(dir, 'config.yml'),
      [
        'listen: 127.0.0.1:0',
        'username: admin',
        `password: ${PASSWORD}`,
        'cookie_key: e2e-cookie-key-0123456789',
        'snapshot: false',
        'targets: [sqlite://./staunch.db, file://./records]',
        'agents:',
        `  - { cluster: e2e, token: ${TOKEN} }`,
        'cluster_health:',
        '  heartbeat: { token: e2e-heartbeat-token }',
        '',
      ].join('\n'),
    );
    staunch = await startStaunch(['serve', '-c', join(dir, 'config.yml')], { cwd: dir });
    writeFileSync(
      join(dir, 'agent.yml'),
      [
        'cluster: e2e',
        `token: ${TOKEN}`,
        'apps:',
        `  - url: ${staunch.url}`,
        'kubernetes:',
        `  server: ${api.url}`,
        "listen: '127.0.0.1:0'",
        'heartbeat: 1s',
        'debounce: 50ms',
        'log: { level: info, in_json: true }',
        '',
      ].join('\n'),
    );
    agent = await startStaunch(['agent', '-c', join(dir, 'agent.yml')], { cwd: dir });
    // Requests made the way a browser does, over HTTP, with the session cookie.
    const http = {
      request: (url: string, init: RequestInit = {}) => fetch(url, { ...init, redirect: 'manual' }),
    } as unknown as Hono;
    jar = (await signIn(http, staunch.url, { username: 'admin', password: PASSWORD })).jar;
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await staunch?.stop();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const agentHealth = async () =>
    (await (await fetch(`${agent.url}/healthz`)).json()) as { instance: string; sequence: number };

  const page = async (path: string) => {
    const response = await fetch(`${staunch.url}${path}`, { headers: { cookie: jar.header() } });
    expect(response.status).toBe(200);
    return text(await response.text());
  };

  it('shows the cluster on the Clusters screen once the agent reports', async () => {
    const clusters = await eventually(async () => {
      const body = await page('/admin/clusters');
      return body.includes('e2e Reporting') ? body : undefined;
    });
    expect(clusters).toContain((await agentHealth()).instance);
    expect(clusters).toContain('1 of 1 with a ready endpoint');
    const detail = await page('/admin/clusters/e2e');
    expect(detail).toContain('shop/cart 2 / 2 / 0 Available');
    expect(detail).toContain('Cart');
  });

  it("shows a Service's ready endpoints going to 0 and back", async () => {
    api.apply(
      'endpointslices',
      endpointSlice('shop', 'cart', 'a1b2c', [
        { ip: '10.1.0.1', ready: false, serving: false, terminating: true, pod: 'cart-0' },
      ]),
    );
    const down = await eventually(async () => {
      const body = await page('/admin/clusters/e2e');
      return /shop\/cart 0 \/ 0 \/ 1 Unavailable since/.test(body) ? body : undefined;
    });
    expect(down).toContain('Cart');
    api.apply('endpointslices', endpointSlice('shop', 'cart', 'a1b2c', ready(3)));
    await eventually(async () => {
      const body = await page('/admin/clusters/e2e');
      return body.includes('shop/cart 3 / 3 / 0 Available') ? body : undefined;
    });
  });

  it('stores the changes only: heartbeats write nothing', async () => {
    const revs = () => {
      const db = new Database(join(dir, 'staunch.db'), { readonly: true });
      try {
        return db
          .prepare(
            "SELECT kind, id, rev, body FROM staunch_records WHERE kind LIKE 'cluster_%' ORDER BY kind, id",
          )
          .all() as { kind: string; id: string; rev: string; body: string }[];
      } finally {
        db.close();
      }
    };
    const before = revs();
    const states = before.filter((r) => r.kind.endsWith('_state'));
    expect(states.map((r) => `${r.kind} ${r.id}`)).toEqual([
      'cluster_deployment_state e2e/shop/cart',
      'cluster_service_state e2e/shop/cart',
    ]);
    expect(JSON.parse(states[1]!.body)).toMatchObject({ state: 'available' });
    // status-service's machine: its state, one change per transition (ok, warning, ok), the day.
    const status = before.filter((r) => r.kind.startsWith('cluster_status_'));
    expect(status.map((r) => r.kind)).toEqual([
      'cluster_status_change',
      'cluster_status_change',
      'cluster_status_change',
      'cluster_status_day',
      'cluster_status_service',
    ]);
    const { sequence } = await agentHealth();
    await eventually(
      async () => ((await agentHealth()).sequence >= sequence + 3 ? true : undefined),
      { timeoutMs: 15_000 },
    );
    expect(revs()).toEqual(before);
  });

  it("serves the seed systems' routes from staunch serve", async () => {
    const get = (path: string) => fetch(`${staunch.url}${path}`);
    expect(await (await get('/status/currentState')).json()).toEqual({ state: 'ok' });
    const status = (await (await get('/status')).json()) as {
      columnsName: unknown[];
      blocks: { name: string; items: { name: string; columns: { state: string }[] }[] }[];
    };
    expect(status.columnsName[0]).toBe('current');
    expect(status.blocks[0]!.name).toBe('Default');
    expect(status.blocks[0]!.items[0]!.name).toBe('Cart');
    expect(status.blocks[0]!.items[0]!.columns[0]!.state).toBe('ok');
    const beat = await get('/api/healthz/shop/deployment/cart?token=e2e-heartbeat-token');
    expect(beat.status).toBe(200);
    expect(beat.headers.get('x-ratelimit-limit')).toBe('3600');
    expect((await get('/clusters/e2e/api/healthz/shop/deployment/cart')).status).toBe(401);
    // No FT service is labelled here: FT's aggregate with no checks is not ok.
    expect((await get('/__gtg')).status).toBe(503);
  });

  it('shows the cluster as stale once its agent has stopped (a last snapshot first)', async () => {
    const { sequence } = await agentHealth();
    expect(await agent.stop()).toBe(0);
    expect(agent.output()).toContain('agent stopped');
    const stale = await eventually(
      async () => {
        const body = await page('/admin/clusters');
        return body.includes('e2e Stale') ? body : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(stale).not.toContain('e2e Reporting');
    const detail = await page('/admin/clusters/e2e');
    expect(Number(/sequence (\d+)/.exec(detail)?.[1])).toBeGreaterThan(sequence);
  });
});
