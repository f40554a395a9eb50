/**
 * Silence is not health, end to end: a real `staunch agent` watches the stand-in kube API server
 * and pushes to a real `staunch serve` whose clock a file moves. The agent stops: the cluster is
 * stale in the admin UI and /metrics, and once the grace has passed its bound component shows
 * degraded with the notice, one webhook notification goes out however long the silence lasts,
 * and everything is healthy again when an agent reports.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApi, type KubeApiServer } from './support/kube-api-server.ts';
import { deployment, endpointSlice, service } from './support/kube-objects.ts';
import { eventually, startStaunch, type StaunchProcess } from './support/staunch-process.ts';
import { signIn, type CookieJar } from './support/status-fixture.ts';
import { startWebhookSink, type WebhookSink } from './support/webhook-sink.ts';

const TOKEN = 'stale-cluster-token-0123456789';
const PASSWORD = 'stale-admin-password';
const METRICS = 'stale-metrics-token-0123456789';

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('a cluster whose agent stops, end to end', () => {
  let api: KubeApiServer;
  let staunch: StaunchProcess;
  let agent: StaunchProcess | undefined;
  let sink: WebhookSink;
  let dir: string;
  let clockFile: string;
  let jar: CookieJar;
  let offset = 0;
  const advance = (ms: number) => {
    offset += ms;
    writeFileSync(clockFile, String(offset));
  };

  const startAgent = async () => {
    agent = await startStaunch(['agent', '-c', join(dir, 'agent.yml')], { cwd: dir });
  };

  beforeAll(async () => {
    api = await startKubeApi();
    api.apply('services', service('shop', 'cart'));
    api.apply(
      'endpointslices',
      endpointSlice('shop', 'cart', 'a1b2c', [{ ip: '10.1.0.1', pod: 'cart-0' }]),
    );
    api.apply('deployments', deployment('shop', 'cart', { replicas: 1 }));
    sink = await startWebhookSink();
    dir = mkdtempSync(join(tmpdir(), 'staunch-stale-e2e-'));
    clockFile = join(dir, 'clock');
    writeFileSync(clockFile, '0');
    writeFileSync(
      join(dir, 'config.yml'),
      [
        'listen: 127.0.0.1:0',
        'username: admin',
        `password: ${PASSWORD}`,
        'cookie_key: stale-cookie-key-0123456789',
        'snapshot: false',
        'base_info: { time_zone: Europe/Paris }',
        'targets: [sqlite://./staunch.db]',
        'components:',
        '  - name: Shop',
        '    health: { cluster: e2e, deployment: shop/cart }',
        '  - name: Blog',
        'agents:',
        `  - { cluster: e2e, token: ${TOKEN} }`,
        'cluster_health:',
        '  grace: 10m',
        `metrics: { enabled: true, token: ${METRICS} }`,
        'notifiers:',
        '  - type: webhook',
        '    params:',
        `      endpoint: ${sink.url}/hooks/ops`,
        '      allow_private_addresses: true',
        'outbox: { poll_interval: 200ms }',
        '',
      ].join('\n'),
    );
    staunch = await startStaunch(['serve', '-c', join(dir, 'config.yml')], {
      cwd: dir,
      env: { NODE_ENV: 'test', STAUNCH_TEST_CLOCK_FILE: clockFile },
    });
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
        '',
      ].join('\n'),
    );
    await startAgent();
    const http = {
      request: (url: string, init: RequestInit = {}) => fetch(url, { ...init, redirect: 'manual' }),
    } as unknown as Hono;
    jar = (await signIn(http, staunch.url, { username: 'admin', password: PASSWORD })).jar;
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await staunch?.stop();
    await api?.close();
    await sink?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const page = async (path: string, auth?: string) => {
    const response = await fetch(`${staunch.url}${path}`, {
      headers: auth ? { authorization: auth } : { cookie: jar.header() },
    });
    expect(response.status).toBe(200);
    return response.text();
  };
  const shopRow = (html: string) => {
    const at = html.indexOf('<div class="component-name">Shop</div>');
    return /<span class="state c(\d)">/.exec(html.slice(at))?.[1];
  };
  const metrics = () => page('/metrics', `Bearer ${METRICS}`);

  it('follows the deployment while the agent reports', async () => {
    const html = await eventually(
      async () => {
        const body = await page('/');
        return body.includes('Deployment shop/cart: 1 of 1 available') ? body : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(shopRow(html)).toBe('0');
    expect(await metrics()).toMatch(/^staunch_cluster_stale\{cluster="e2e"\} 0$/m);
  });

  it('agent stopped: stale, then degraded with the notice after the grace, one notification', async () => {
    expect(await agent!.stop()).toBe(0);
    agent = undefined;
    // Stale after three heartbeats (3 s) of real silence; within the grace the page keeps the state.
    await eventually(
      async () =>
        (await metrics()).match(/^staunch_cluster_stale\{cluster="e2e"\} 1$/m) ? true : undefined,
      { timeoutMs: 15_000 },
    );
    expect(text(await page('/admin/clusters/e2e/health'))).toContain('Stale');
    expect(shopRow(await page('/'))).toBe('0');

    advance(11 * 60_000);
    const html = await eventually(async () => {
      const body = await page('/');
      return shopRow(body) === '2' ? body : undefined;
    });
    expect(text(html)).toMatch(/No data from cluster e2e since .*\d\d:\d\d/);
    expect(await metrics()).toMatch(/^staunch_component_state\{component="Shop"\} 2$/m);
    expect(await metrics()).toMatch(/^staunch_component_state\{component="Blog"\} 0$/m);

    await eventually(async () => (sink.accepted.length >= 1 ? true : undefined), {
      timeoutMs: 20_000,
    });
    // Later ticks (every 5 s) and more silence announce nothing more.
    advance(30 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(sink.accepted).toHaveLength(1);
    expect(JSON.stringify(sink.accepted[0]!.body)).toContain('No data from cluster e2e');
    // The silence has no incident page: the link leads to the front page, which shows the notice.
    const announced = sink.accepted[0]!.body as { incident: { shortlink: string } };
    expect(new URL(announced.incident.shortlink).pathname).toBe('/');
  }, 60_000);

  it('healthy again when an agent reports', async () => {
    await startAgent();
    const html = await eventually(
      async () => {
        const body = await page('/');
        return shopRow(body) === '0' ? body : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(text(html)).not.toContain('No data from cluster');
    expect(await metrics()).toMatch(/^staunch_cluster_stale\{cluster="e2e"\} 0$/m);
  }, 30_000);
});
