import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cartService,
  clusterSnapshot,
  failingCheck,
  cartHealth,
  nextSnapshot,
} from '../../../../test/support/cluster-snapshot.ts';
import type { CookieJar } from '../../../../test/support/status-fixture.ts';
import {
  createFixtureApp,
  fixtureConfig,
  signIn,
  type FixtureApp,
} from '../../../../test/support/status-fixture.ts';

const ORIGIN = 'http://status.test';
const TOKEN = 'prod-eu-agent-token-0123456789';

describe('admin Clusters screen', () => {
  let f: FixtureApp;
  let jar: CookieJar;
  beforeEach(async () => {
    f = await createFixtureApp({
      ...fixtureConfig({ components: 2 }),
      agents: [
        { cluster: 'prod-eu', token: TOKEN },
        { cluster: 'staging', token: 'staging-agent-token-0123456789' },
      ],
    });
    jar = (await signIn(f.app)).jar;
  });
  afterEach(() => f.stop());

  const get = (path: string) =>
    f.app.request(`${ORIGIN}${path}`, { headers: { Cookie: jar.header() } });
  const push = (snapshot: unknown) =>
    f.app.request(`${ORIGIN}/api/agent/v1/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(snapshot),
    });
  const text = (html: string) =>
    html
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();

  it('lists every configured cluster, with the age of its last snapshot and its agent', async () => {
    expect((await push(clusterSnapshot())).status).toBe(200);
    f.clock.now += 20_000;
    const page = await get('/admin/clusters');
    expect(page.status).toBe(200);
    const body = text(await page.text());
    expect(body).toContain('prod-eu Reporting 20 s ago');
    expect(body).toContain('agent-a (0.1.0)');
    expect(body).toContain('1 of 1 with a ready endpoint');
    expect(body).toContain('staging No snapshot yet never');
    expect(body).not.toContain(TOKEN);
  });

  it('shows a cluster as stale after three missed heartbeats', async () => {
    await push(clusterSnapshot());
    f.clock.now += 46_000;
    expect(text(await (await get('/admin/clusters')).text())).toContain('prod-eu Stale');
  });

  it("shows each object's state, and a Service's ready endpoints changing", async () => {
    const first = clusterSnapshot();
    await push(first);
    const before = text(await (await get('/admin/clusters/prod-eu')).text());
    expect(before).toContain('shop/cart 2 / 2 / 0 Available');
    expect(before).toContain('Cart');
    expect(before).toMatch(/shop\/cart Deployment 2 \/ 2 \/ 2 \/ 2 Available since .* Complete/);

    f.clock.now += 60_000;
    await push(
      nextSnapshot(first, {
        services: [cartService({ readyEndpoints: 0, servingEndpoints: 0 })],
        health: [
          cartHealth({
            pods: { total: 2, healthy: 1 },
            failing: [{ pod: 'cart-7d9', checks: [failingCheck('db', 1)] }],
          }),
        ],
      }),
    );
    const after = text(await (await get('/admin/clusters/prod-eu')).text());
    expect(after).toMatch(/shop\/cart 0 \/ 0 \/ 0 Unavailable since /);
    expect(after).toContain('cart-7d9 : db (severity 1)');
    expect(after).toContain('1 / 2 Failing');
  });

  it("lists status-service's resources with their group and their Service's state", async () => {
    await push(
      clusterSnapshot({
        statusServices: [
          {
            namespace: 'shop',
            name: 'cart',
            serviceName: 'cart',
            displayName: 'Cart',
            group: 'web',
          },
          { namespace: 'shop', name: 'gone', serviceName: 'missing', displayName: 'Gone' },
        ],
        statusServiceGroups: [{ namespace: '', name: 'web', displayName: 'Web shop' }],
      }),
    );
    const body = text(await (await get('/admin/clusters/prod-eu')).text());
    expect(body).toMatch(/shop\/cart Cart Web shop cart Available/);
    expect(body).toContain('shop/gone Gone Default missing No such Service');
  });

  it('says which watches had not listed when the snapshot was made', async () => {
    await push(clusterSnapshot({ unsynced: ['endpointslices'] }));
    expect(text(await (await get('/admin/clusters/prod-eu')).text())).toContain(
      'The agent had not listed endpointslices yet',
    );
  });

  it('answers 404 for a cluster it does not know, and is behind the session like every screen', async () => {
    expect((await get('/admin/clusters/nope')).status).toBe(404);
    const anonymous = await f.app.request(`${ORIGIN}/admin/clusters`);
    expect(anonymous.status).toBe(303);
  });

  it('is in the admin navigation', async () => {
    expect(await (await get('/admin/')).text()).toContain('href="/admin/clusters"');
  });
});
