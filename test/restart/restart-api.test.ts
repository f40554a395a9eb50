import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/domain/audit.ts';
import {
  ADMIN_AUTH,
  AGENT_TOKEN,
  healthConfig,
  startHealthApp,
  type HealthApp,
} from '../support/cluster-health-app.ts';
import { cartDeployment, clusterSnapshot } from '../support/cluster-snapshot.ts';

const AGENT = { authorization: `Bearer ${AGENT_TOKEN}` };
const RESTART = '/api/v1/service/Deployment/shop/cart/restart';

let t: HealthApp;
beforeEach(async () => {
  t = await startHealthApp();
  const pushed = await t.push(
    clusterSnapshot({
      workloads: [cartDeployment({ restartAllowed: true }), cartDeployment({ name: 'payments' })],
    }),
  );
  expect(pushed.status).toBe(200);
});
afterEach(() => t.stop());

const post = (path = RESTART, auth = ADMIN_AUTH) => t.request(path, { method: 'POST', auth });
const commands = () => t.request('/api/agent/v1/commands?wait=0', { headers: AGENT });
const report = (id: string, body: object) =>
  t.request(`/api/agent/v1/commands/${id}`, {
    method: 'POST',
    headers: { ...AGENT, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('restart requests', () => {
  it('lists only what the agent allows, in the seed format with the lock state', async () => {
    const res = await t.request('/api/v1/service', { auth: ADMIN_AUTH });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { services: Record<string, unknown>[] };
    expect(body.services).toHaveLength(1);
    expect(body.services[0]).toMatchObject({
      kind: 'Deployment',
      name: 'cart',
      namespace: 'shop',
      cluster: 'prod-eu',
      is_locked: false,
      kind_namespace_name: { kind: 'Deployment', name: 'cart', namespace: 'shop' },
    });
  });

  it('answers 400 for a bad kind, 404 for a target no agent allows, 401/403 without admin', async () => {
    const bad = await post('/api/v1/service/deployment/shop/cart/restart');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('invalid kind');
    const other = await post('/api/v1/service/Deployment/shop/payments/restart');
    expect(other.status).toBe(404);
    expect(await other.text()).toContain('service not found');
    expect((await t.request(RESTART, { method: 'POST' })).status).toBe(401);
    expect((await post(RESTART, 'Bearer reader-token-0123456789')).status).toBe(403);
  });

  it('takes a request (202 + id), refuses a second one with 423 until the agent reports the end', async () => {
    const first = await post();
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    expect(id).toMatch(/[0-9a-f-]{36}/);
    const second = await post();
    expect(second.status).toBe(423);
    expect(await second.text()).toContain('resource is locked: Deployment/shop/cart');

    // The agent is handed the request once.
    const handed = await commands();
    expect(handed.status).toBe(200);
    expect(await handed.json()).toMatchObject({
      commands: [{ id, kind: 'Deployment', namespace: 'shop', name: 'cart' }],
    });
    expect((await commands()).status).toBe(204);

    expect(
      (await report(id, { state: 'patched', restartedAt: '2026-11-21T12:00:00Z' })).status,
    ).toBe(200);
    expect((await post()).status).toBe(423);
    await report(id, {
      state: 'progressing',
      message:
        'Waiting for deployment "cart" rollout to finish: 1 out of 2 new replicas have been updated...',
      replicas: { desired: 2, updated: 1, ready: 2, available: 2 },
      podPhases: { Running: 2, Pending: 1 },
    });
    const listed = (await (await t.request('/api/v1/service', { auth: ADMIN_AUTH })).json()) as {
      services: { is_locked: boolean; status: { pod_status: unknown; last_restart: string } }[];
    };
    expect(listed.services[0]).toMatchObject({
      is_locked: true,
      status: { pod_status: { Running: 2, Pending: 1 }, last_restart: '2026-11-21T12:00:00Z' },
    });
    expect(
      (
        await report(id, {
          state: 'complete',
          message: 'deployment "cart" successfully rolled out',
        })
      ).status,
    ).toBe(200);
    expect((await post()).status).toBe(202);

    const metrics = t.built.restarts.metrics;
    const target = {
      cluster: 'prod-eu',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'cart',
    } as const;
    // Two taken, the two 423s are not restarts.
    expect(metrics.count('restarts', target)).toBe(2);
    expect(metrics.count('failures', target)).toBe(0);

    const audit = listAudit(t.built.site.store).entries.map((e) => [e.action, e.actor.name]);
    expect(audit).toEqual([
      ['restart.request', 'admin'],
      ['restart.complete', 'agent of prod-eu'],
      ['restart.request', 'admin'],
    ]);
  });

  it('unlocks after force_unlock_after (300 s) when the agent never reports', async () => {
    expect((await post()).status).toBe(202);
    t.clock.now += 299_000;
    expect((await post()).status).toBe(423);
    t.clock.now += 2_000;
    expect((await post()).status).toBe(202);
    const actions = listAudit(t.built.site.store).entries.map((e) => e.action);
    expect(actions).toContain('restart.expired');
    // An expired request is no longer handed out.
    const handed = (await (await commands()).json()) as { commands: unknown[] };
    expect(handed.commands).toHaveLength(1);
  });

  it('counts a refusal by the agent as failed and ends the lock', async () => {
    const { id } = (await (await post()).json()) as { id: string };
    await commands();
    await report(id, {
      state: 'refused',
      message: "Deployment shop/cart is not on this agent's restart list",
    });
    const target = {
      cluster: 'prod-eu',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'cart',
    } as const;
    expect(t.built.restarts.metrics.count('failures', target)).toBe(1);
    const entry = (await (
      await t.request(`/api/v1/restarts/${id}`, { auth: ADMIN_AUTH })
    ).json()) as {
      outcome: string;
    };
    expect(entry.outcome).toBe('refused');
    expect((await post()).status).toBe(202);
  });

  it('rejects bad reports with a 400 naming the field, and reports for another cluster', async () => {
    const { id } = (await (await post()).json()) as { id: string };
    const bad = await report(id, { state: 'exploded' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('state');
    expect((await report('no-such-restart', { state: 'complete' })).status).toBe(404);
  });

  it('a plain GET of the status stream is 400; SSE sends every target at once', async () => {
    expect((await t.request('/api/v1/service/status', { auth: ADMIN_AUTH })).status).toBe(400);
    const res = await t.request('/api/v1/service/status', {
      auth: ADMIN_AUTH,
      headers: { accept: 'text/event-stream' },
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    const text = new TextDecoder().decode(value);
    expect(text).toContain('event: status');
    expect(text).toContain(
      '"kind_namespace_name":{"kind":"Deployment","name":"cart","namespace":"shop"}',
    );
    await reader.cancel();
  });
});

describe('restart metrics on /metrics', () => {
  it('shows restarts taken and failed by target, and not a 423', async () => {
    const m = await startHealthApp({ config: { ...healthConfig(), metrics: { enabled: true } } });
    try {
      await m.push(clusterSnapshot({ workloads: [cartDeployment({ restartAllowed: true })] }));
      expect((await m.request(RESTART, { method: 'POST', auth: ADMIN_AUTH })).status).toBe(202);
      expect((await m.request(RESTART, { method: 'POST', auth: ADMIN_AUTH })).status).toBe(423);
      const text = await (await m.request('/metrics', { auth: ADMIN_AUTH })).text();
      expect(text).toContain(
        'restart_app_restarts_total{kind="Deployment",namespace="shop",name="cart"} 1',
      );
      expect(text).toContain('# TYPE restart_app_restarts_failed_total counter');
      expect(text).toContain('restart_app_connected_status_watchers 0');
    } finally {
      await m.stop();
    }
  });
});
