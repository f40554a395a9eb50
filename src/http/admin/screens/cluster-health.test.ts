/** The admin screen of one cluster's health: states with history, bound components, ack and categories from there. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cartHealth,
  clusterSnapshot,
  failingCheck,
  nextSnapshot,
} from '../../../../test/support/cluster-snapshot.ts';
import {
  adminPost,
  createFixtureApp,
  fixtureConfig,
  signIn,
  type CookieJar,
  type FixtureApp,
} from '../../../../test/support/status-fixture.ts';

const ORIGIN = 'http://status.test';
const TOKEN = 'prod-eu-agent-token-0123456789';
const PAGE = '/admin/clusters/prod-eu/health';

describe('admin cluster health screen', () => {
  let f: FixtureApp;
  let session: { jar: CookieJar; csrf: string };
  beforeEach(async () => {
    const base = fixtureConfig({ components: 2 });
    f = await createFixtureApp({
      ...base,
      agents: [{ cluster: 'prod-eu', token: TOKEN }],
      components: [
        { ...base.components[0]!, health: { cluster: 'prod-eu', deployment: 'shop/cart' } },
        base.components[1]!,
      ],
    });
    session = await signIn(f.app);
  });
  afterEach(() => f.stop());

  const get = (path: string) =>
    f.app.request(`${ORIGIN}${path}`, { headers: { Cookie: session.jar.header() } });
  const push = (snapshot: unknown) =>
    f.app.request(`${ORIGIN}/api/agent/v1/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(snapshot),
    });
  const text = async (path: string) =>
    (await (await get(path)).text())
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

  it('shows the cluster, its bound components, status-service states with their changes, heartbeat answers', async () => {
    const first = clusterSnapshot();
    expect((await push(first)).status).toBe(200);
    await settle();
    f.clock.now += 60_000;
    await push(nextSnapshot(first, { services: [{ ...first.services[0]!, readyEndpoints: 0 }] }));
    await settle();
    f.clock.now += 5_000;
    const body = await text(PAGE);
    expect(body).toContain('Reporting');
    expect(body).toMatch(/Last snapshot 5s ago/);
    expect(body).toContain('cluster prod-eu, Deployment shop/cart: 2 of 2 available');
    expect(body).toMatch(/Cart shop\/cart warning since .*→ warning/);
    expect(body).toContain('200 (healthy)');

    f.clock.now += 60_000;
    expect(await text(PAGE)).toContain('Stale');
  });

  it('acknowledges a failing FT service and re-enables a category from the screen', async () => {
    await push(
      clusterSnapshot({
        health: [
          cartHealth({
            pods: { total: 2, healthy: 0 },
            failing: [
              { pod: 'cart-0', checks: [failingCheck('db', 1)] },
              { pod: 'cart-1', checks: [failingCheck('db', 1)] },
            ],
          }),
        ],
      }),
    );
    await settle();
    expect(await text(PAGE)).toContain('failing (severity 1)');
    const empty = await adminPost(f.app, `${PAGE}/add-ack`, session, {
      service: 'cart',
      message: ' ',
    });
    expect(empty.status).toBe(400);
    const acked = await adminPost(f.app, `${PAGE}/add-ack`, session, {
      service: 'cart',
      message: 'known, fixing',
    });
    expect(acked.status).toBe(303);
    let body = await text(PAGE);
    expect(body).toContain('acknowledged (severity 1)');
    expect(body).toContain('known, fixing');
    expect(
      (await adminPost(f.app, `${PAGE}/add-ack`, session, { service: 'nope', message: 'x' }))
        .status,
    ).toBe(404);

    expect((await adminPost(f.app, `${PAGE}/rem-ack`, session, { service: 'cart' })).status).toBe(
      303,
    );
    expect(await text(PAGE)).toContain('failing (severity 1)');

    expect(
      (await adminPost(f.app, `${PAGE}/disable-category`, session, { category: 'default' })).status,
    ).toBe(303);
    body = await text(PAGE);
    expect(body).toMatch(/default disabled .*disabled by an admin Re-enable/);
    expect(
      (await adminPost(f.app, `${PAGE}/enable-category`, session, { category: 'default' })).status,
    ).toBe(303);
    expect(await text(PAGE)).toMatch(/default enabled/);
    // Without the CSRF token nothing changes.
    expect(
      (
        await adminPost(
          f.app,
          `${PAGE}/disable-category`,
          session,
          { category: 'default' },
          { csrf: null },
        )
      ).status,
    ).toBe(403);
  });

  it('answers 404 for an unknown cluster', async () => {
    expect((await get('/admin/clusters/nope/health')).status).toBe(404);
  });
});
