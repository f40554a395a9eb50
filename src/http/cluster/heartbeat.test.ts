import { afterEach, describe, expect, it } from 'vitest';
import {
  cartDeployment,
  clusterSnapshot,
  nextSnapshot,
} from '../../../test/support/cluster-snapshot.ts';
import {
  HEARTBEAT_TOKEN,
  healthConfig,
  startHealthApp,
  type HealthApp,
} from '../../../test/support/cluster-health-app.ts';
import { TEST_NOW } from '../../../test/support/domain-fixtures.ts';

let h: HealthApp | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const PATH = '/api/healthz/shop/deployment/cart';
const withToken = (path: string) => `${path}?token=${HEARTBEAT_TOKEN}`;

describe('heartbeat route', () => {
  it('answers 200 when every desired replica is available, 503 during a rollout, 404 for an unknown deployment, HEAD alike', async () => {
    h = await startHealthApp();
    const base = clusterSnapshot();
    await h.push(base);
    const ok = await h.request(withToken(PATH));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    expect((await h.request(withToken(PATH), { method: 'HEAD' })).status).toBe(200);

    await h.push(
      nextSnapshot(base, {
        sequence: 2,
        workloads: [cartDeployment({ generation: 4, updated: 1, available: 1, ready: 1 })],
      }),
    );
    expect((await h.request(withToken(PATH))).status).toBe(503);
    expect((await h.request(withToken(PATH), { method: 'HEAD' })).status).toBe(503);
    await h.push(
      nextSnapshot(base, {
        sequence: 3,
        workloads: [cartDeployment({ generation: 4, observedGeneration: 4 })],
      }),
    );
    expect((await h.request(withToken(PATH))).status).toBe(200);

    expect((await h.request(withToken('/api/healthz/shop/deployment/nope'))).status).toBe(404);
    expect(
      (await h.request(withToken('/clusters/prod-eu/api/healthz/shop/deployment/cart'))).status,
    ).toBe(200);
    expect(
      (await h.request(withToken('/clusters/other/api/healthz/shop/deployment/cart'))).status,
    ).toBe(404);
  });

  it('takes the token from Basic or ?token=, 401 without one, 403 for a wrong one (the header wins)', async () => {
    h = await startHealthApp();
    await h.push(clusterSnapshot());
    const missing = await h.request(PATH);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Basic');
    expect(await missing.text()).toBe('authorization failed\n');
    expect((await h.request(PATH, { auth: `Basic ${HEARTBEAT_TOKEN}` })).status).toBe(200);
    const wrong = await h.request(`${PATH}?token=nope`);
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toBe('');
    expect((await h.request(withToken(PATH), { auth: 'Basic nope' })).status).toBe(403);
    // The Basic credential is the raw token, as the original compares it: not base64 of user:password.
    expect((await h.request(PATH, { auth: `Basic ${btoa(`x:${HEARTBEAT_TOKEN}`)}` })).status).toBe(
      403,
    );
  });

  it('limits each client per window with X-RateLimit-* headers on every answer, and 429 past the limit', async () => {
    h = await startHealthApp({
      config: healthConfig({
        heartbeat: { token: HEARTBEAT_TOKEN, rate_limit: 3, rate_limit_period: 60_000 },
      }),
    });
    await h.push(clusterSnapshot());
    const reset = String(Math.ceil((TEST_NOW + 60_000) / 1000));
    const seen: [number, string | null, string | null, string | null][] = [];
    // Unauthenticated requests count too: the limit runs before the token check.
    for (const path of [PATH, withToken(PATH), withToken(PATH), withToken(PATH)]) {
      const res = await h.request(path);
      seen.push([
        res.status,
        res.headers.get('x-ratelimit-limit'),
        res.headers.get('x-ratelimit-remaining'),
        res.headers.get('x-ratelimit-reset'),
      ]);
      if (res.status === 429) expect(await res.text()).toBe('Limit exceeded\n');
    }
    expect(seen).toEqual([
      [401, '3', '2', reset],
      [200, '3', '1', reset],
      [200, '3', '0', reset],
      [429, '3', '0', reset],
    ]);
    h.clock.now += 60_000;
    await h.push(nextSnapshot(clusterSnapshot(), { sequence: 2 }));
    const again = await h.request(withToken(PATH));
    expect(again.status).toBe(200);
    expect(again.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('answers 503 with X-Cluster-State: stale when the agent has gone silent', async () => {
    h = await startHealthApp();
    await h.push(clusterSnapshot());
    h.clock.now += 46_000;
    const res = await h.request(withToken(PATH));
    expect(res.status).toBe(503);
    expect(res.headers.get('x-cluster-state')).toBe('stale');
    expect(await res.text()).toMatch(
      /^unknown: no data from cluster prod-eu since 2026-11-21T12:00:00.000Z/,
    );
  });

  it('is off (404) while no token is configured', async () => {
    h = await startHealthApp({
      config: healthConfig({
        heartbeat: { token: '', rate_limit: 3600, rate_limit_period: 3_600_000 },
      }),
    });
    await h.push(clusterSnapshot());
    const res = await h.request(withToken(PATH));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('cluster_health.heartbeat.token');
  });
});
