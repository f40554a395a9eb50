import { afterEach, describe, expect, it } from 'vitest';
import {
  cartHealth,
  clusterSnapshot,
  failingCheck,
  nextSnapshot,
} from '../../../test/support/cluster-snapshot.ts';
import { buildApp } from '../../app.ts';
import { silentLogger } from '../../logger.ts';
import {
  ADMIN_AUTH,
  AGENT_TOKEN,
  healthConfig,
  startHealthApp,
  type HealthApp,
} from '../../../test/support/cluster-health-app.ts';
import type { ClusterSnapshot } from '../../cluster/snapshot-schema.ts';

let h: HealthApp | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const JSON_ACCEPT = { accept: 'application/json' };
let sequence = 1;
async function push(app: HealthApp, snapshot: ClusterSnapshot) {
  const res = await app.push(nextSnapshot(snapshot, { sequence: ++sequence }));
  expect(res.status).toBe(200);
}

const failing = (severity = 1) =>
  cartHealth({
    pods: { total: 2, healthy: 0 },
    desiredReplicas: 2,
    failing: [
      { pod: 'cart-1', checks: [failingCheck('db', severity)] },
      { pod: 'cart-2', checks: [failingCheck('db', severity)] },
    ],
  });

const form = (body: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body).toString(),
});

describe('aggregate-healthcheck routes', () => {
  it('fails __gtg on a severity-1 failure, passes once acknowledged (shown as acknowledged), fails again when the ack is removed', async () => {
    h = await startHealthApp();
    const base = clusterSnapshot({ health: [cartHealth({ desiredReplicas: 2 })] });
    await push(h, base);
    expect((await h.request('/__gtg')).status).toBe(200);
    await push(h, { ...base, health: [failing(1)] });
    expect((await h.request('/__gtg')).status).toBe(503);

    const health = await h.request('/__health', { headers: JSON_ACCEPT });
    expect(health.headers.get('content-type')).toBe('application/json');
    const text = await health.text();
    expect(text.endsWith('}\n')).toBe(true);
    const body = JSON.parse(text);
    expect(Object.keys(body)).toEqual([
      'schemaVersion',
      'systemCode',
      'name',
      'description',
      'checks',
      'ok',
      'severity',
    ]);
    expect(body).toMatchObject({
      schemaVersion: 1,
      systemCode: 'Default-environment',
      name: 'Default-environment cluster health',
      ok: false,
      severity: 1,
    });
    expect(Object.keys(body.checks[0])).toEqual([
      'id',
      'name',
      'ok',
      'severity',
      'businessImpact',
      'technicalSummary',
      'panicGuide',
      'checkOutput',
      'lastUpdated',
    ]);
    expect(body.checks[0]).toMatchObject({
      name: 'cart',
      ok: false,
      severity: 1,
      checkOutput: '0/2 pods available',
    });
    expect(body.checks[0].technicalSummary).toContain(
      ' Service healthcheck: /__health/__pods-health?service-name=cart',
    );

    // Without admin credentials nothing changes.
    expect(
      (await h.request('/__health/add-ack?service-name=cart', form({ 'ack-msg': 'on it' }))).status,
    ).toBe(401);
    expect(
      (await h.request('/__health/add-ack?service-name=cart', { auth: ADMIN_AUTH })).status,
    ).toBe(405);
    const acked = await h.request('/__health/add-ack?service-name=cart', {
      ...form({ 'ack-msg': 'DB failover, on it' }),
      auth: ADMIN_AUTH,
    });
    expect(acked.status).toBe(301);
    expect(acked.headers.get('location')).toBe('/__health?cache=false');
    expect((await h.request('/__gtg')).status).toBe(200);
    const after = await (await h.request('/__health?cache=false', { headers: JSON_ACCEPT })).json();
    expect(after.ok).toBe(true);
    expect(after.severity).toBeUndefined();
    expect(after.checks[0]).toMatchObject({
      ok: false,
      ack: 'DB failover, on it',
      _acknowledged: 'DB failover, on it',
    });
    const page = await (await h.request('/__health')).text();
    expect(page).toContain('1 acked');
    expect(page).toContain('critical acked');
    expect(page).toContain('Remove ack');

    const removed = await h.request('/__health/rem-ack?service-name=cart', { auth: ADMIN_AUTH });
    expect(removed.status).toBe(301);
    expect(removed.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
    expect((await h.request('/__gtg')).status).toBe(503);
    expect(
      (await h.request('/__health/rem-ack?service-name=nope', { auth: ADMIN_AUTH })).status,
    ).toBe(500);
    expect((await h.request('/__health/rem-ack', { auth: ADMIN_AUTH })).status).toBe(400);
  });

  it("reads the cluster's acknowledgement ConfigMap, and an ack survives a restart of the app", async () => {
    h = await startHealthApp();
    await push(
      h,
      clusterSnapshot({
        health: [failing()],
        acknowledgements: [{ service: 'cart', message: 'known, ticket 42' }],
      }),
    );
    expect((await h.request('/__gtg')).status).toBe(200);
    await h.request('/__health/rem-ack?service-name=cart', { auth: ADMIN_AUTH });
    expect((await h.request('/__gtg')).status).toBe(503);
    await h.request('/__health/add-ack?service-name=cart', {
      ...form({ 'ack-msg': 'mine' }),
      auth: ADMIN_AUTH,
    });
    const ackRecords = h.replicas.stores[0]!.list('cluster_ack');
    expect(ackRecords.map((r) => (r.body as { message: string }).message)).toEqual(['mine']);
    // A new app instance over the same store (a restart) shows the same ack once the agent reports.
    const restarted = buildApp({
      config: healthConfig(),
      store: h.replicas.stores[0]!,
      logger: silentLogger,
      startedAt: new Date(h.clock.now),
      version: 'test',
      now: () => h!.clock.now,
    }).app;
    const snapshot = clusterSnapshot({
      health: [failing()],
      acknowledgements: [{ service: 'cart', message: 'known, ticket 42' }],
    });
    await restarted.request('http://localhost/api/agent/v1/snapshots', {
      method: 'POST',
      headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...snapshot, agent: { instance: 'agent-b', version: '0.1.0' } }),
    });
    expect((await restarted.request('http://localhost/__gtg')).status).toBe(200);
    const shown = await (
      await restarted.request('http://localhost/__health', { headers: JSON_ACCEPT })
    ).json();
    expect(shown.checks[0].ack).toBe('mine');
  });

  it('keeps a sticky category disabled after a failure, even once the service recovers, until re-enabled', async () => {
    h = await startHealthApp();
    const categories = [
      { name: 'default', services: [], refreshRate: 60, isSticky: false, enabled: true },
      { name: 'checkout', services: ['cart'], refreshRate: 60, isSticky: true, enabled: true },
    ];
    const base = clusterSnapshot({
      categories,
      health: [cartHealth({ desiredReplicas: 2, categories: ['default', 'checkout'] })],
    });
    await push(h, base);
    expect((await h.request('/__gtg?categories=checkout')).status).toBe(200);
    await push(h, { ...base, health: [{ ...failing(2), categories: ['default', 'checkout'] }] });
    expect((await h.request('/__gtg?categories=checkout')).status).toBe(503);
    await push(h, base);
    // Recovered, but the category stays disabled.
    expect((await h.request('/__gtg?categories=checkout')).status).toBe(503);
    expect((await h.request('/__gtg')).status).toBe(200);
    const disabled = await (
      await h.request('/__health?categories=checkout', { headers: JSON_ACCEPT })
    ).json();
    expect(disabled.ok).toBe(false);

    expect((await h.request('/__health/enable-category?category-name=checkout')).status).toBe(401);
    expect(
      (await h.request('/__health/enable-category?category-name=nope', { auth: ADMIN_AUTH }))
        .status,
    ).toBe(400);
    const enabled = await h.request('/__health/enable-category?category-name=checkout', {
      auth: ADMIN_AUTH,
    });
    expect(enabled.status).toBe(200);
    expect((await h.request('/__gtg?categories=checkout')).status).toBe(200);
    await push(h, base);
    expect((await h.request('/__gtg?categories=checkout')).status).toBe(200);

    expect(
      (await h.request('/__health/disable-category?category-name=checkout', { auth: ADMIN_AUTH }))
        .status,
    ).toBe(200);
    expect((await h.request('/__gtg?categories=checkout')).status).toBe(503);
  });

  it('refuses unknown categories with 400, serves HTML unless Accept is exactly application/json, and the pods views', async () => {
    h = await startHealthApp();
    await push(h, clusterSnapshot({ health: [{ ...failing(), pods: { total: 3, healthy: 1 } }] }));
    expect((await h.request('/__gtg?categories=nope')).status).toBe(400);
    const bad = await h.request('/__health?categories=nope');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('Provided categories are not valid.');
    const html = await h.request('/__health', { headers: { accept: 'application/json, */*' } });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain(
      'UPP Default-environment cluster&#39;s services from categories default',
    );

    const pods = await (
      await h.request('/__health/__pods-health?service-name=cart', { headers: JSON_ACCEPT })
    ).json();
    expect(pods.systemCode).toBe('');
    expect(pods.description).toBe(
      'Health of pods that are under service cart served without cache.',
    );
    expect(pods.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['cart-1', false],
      ['cart-2', false],
      ['cart: 1 healthy pods', true],
    ]);
    expect(pods.checks[0].technicalSummary).toContain(
      'Pod healthcheck: /__health/__pod-individual-health?pod-name=cart-1',
    );
    expect((await h.request('/__health/__pods-health')).status).toBe(400);
    expect((await h.request('/__health/__pods-health?service-name=nope')).status).toBe(500);

    const pod = await h.request('/__health/__pod-individual-health?pod-name=cart-1');
    expect(pod.headers.get('content-type')).toBe('application/json');
    expect((await pod.json()).checks[0]).toMatchObject({ name: 'db', ok: false, severity: 1 });
    expect((await h.request('/__health/__pod-individual-health')).status).toBe(400);
    expect((await h.request('/__health/__pod-individual-health?pod-name=cart-9')).status).toBe(500);
  });

  it('fails __gtg and shows a failing "cluster data" check for a silent cluster, under a configured prefix', async () => {
    h = await startHealthApp({
      config: healthConfig({
        aggregate_healthcheck: {
          path_prefix: '/ft',
          environment: 'prod',
          cluster_url: 'https://k8s.example',
        },
      }),
    });
    await push(h, clusterSnapshot({ health: [cartHealth({ desiredReplicas: 2 })] }));
    expect((await h.request('/__gtg')).status).toBe(200);
    const fresh = await (await h.request('/ft', { headers: JSON_ACCEPT })).json();
    expect(fresh.checks[0].technicalSummary).toContain(
      'Service healthcheck: https://k8s.example/ft/__pods-health?service-name=cart',
    );
    h.clock.now += 46_000;
    expect((await h.request('/__gtg')).status).toBe(503);
    const stale = await (await h.request('/clusters/prod-eu/ft', { headers: JSON_ACCEPT })).json();
    expect(stale.ok).toBe(false);
    expect(stale.severity).toBe(1);
    expect(stale.checks[0]).toMatchObject({ name: 'cluster data', ok: false });
    expect(stale.checks[0].checkOutput).toMatch(/^no data from cluster prod-eu since /);
    expect((await h.request('/__health')).status).toBe(404);
  });
});
