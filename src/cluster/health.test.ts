import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type BuiltApp } from '../app.ts';
import { silentLogger } from '../logger.ts';
import {
  cartHealth,
  cartService,
  clusterSnapshot,
  failingCheck,
  nextSnapshot,
} from '../../test/support/cluster-snapshot.ts';
import {
  ADMIN_AUTH,
  AGENT_TOKEN,
  healthConfig,
  startHealthApp,
  type HealthApp,
} from '../../test/support/cluster-health-app.ts';
import { startReplicas, TEST_NOW, type Replicas } from '../../test/support/domain-fixtures.ts';
import type { ClusterSnapshot } from './snapshot-schema.ts';
import { HEALTH_KIND } from './health-records.ts';

let h: HealthApp | undefined;
let replicas: Replicas | undefined;
afterEach(async () => {
  await h?.stop();
  await replicas?.stop();
  h = undefined;
  replicas = undefined;
});

const push = (app: BuiltApp, snapshot: ClusterSnapshot) =>
  app.app.request('http://localhost/api/agent/v1/snapshots', {
    method: 'POST',
    headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(snapshot),
  });

describe('cluster health records', () => {
  it('still answers from the snapshot when a write fails, and writes the change with the next snapshot', async () => {
    h = await startHealthApp();
    const store = h.replicas.stores[0]!;
    const base = clusterSnapshot();
    expect((await h.push(base)).status).toBe(200);
    const write = store.write;
    store.write = (mutations) =>
      mutations.some((m) => m.kind.startsWith('cluster_status'))
        ? Promise.reject(new Error('write reached 0 of the 1 storage targets it needs'))
        : write(mutations);
    const down = nextSnapshot(base, {
      sequence: 2,
      services: [cartService({ readyEndpoints: 0 })],
    });
    expect((await h.push(down)).status).toBe(200);
    expect(await (await h.request('/status/currentState')).json()).toEqual({ state: 'warning' });
    expect(store.get(HEALTH_KIND.statusService, 'prod-eu/shop/cart')?.body).toMatchObject({
      state: 'ok',
    });
    store.write = write;
    expect((await h.push(nextSnapshot(down, { sequence: 3 }))).status).toBe(200);
    expect(store.get(HEALTH_KIND.statusService, 'prod-eu/shop/cart')?.body).toMatchObject({
      state: 'warning',
    });
  });

  it('replicates an acknowledgement and a category switch to another app instance', async () => {
    replicas = await startReplicas(2, 2, () => TEST_NOW);
    const apps = replicas.stores.map((store) =>
      buildApp({
        config: healthConfig(),
        store,
        logger: silentLogger,
        startedAt: new Date(TEST_NOW),
        version: 'test',
        now: () => TEST_NOW,
      }),
    );
    const snapshot = clusterSnapshot({
      categories: [
        { name: 'checkout', services: ['cart'], refreshRate: 60, isSticky: false, enabled: true },
      ],
      health: [
        cartHealth({
          desiredReplicas: 2,
          pods: { total: 2, healthy: 0 },
          failing: [{ pod: 'cart-1', checks: [failingCheck('db')] }],
        }),
      ],
    });
    // Agents push to every app instance.
    for (const app of apps) expect((await push(app, snapshot)).status).toBe(200);
    const gtg = (i: number, query = '') => apps[i]!.app.request(`http://localhost/__gtg${query}`);
    expect((await gtg(1)).status).toBe(503);
    const ack = await apps[0]!.app.request('http://localhost/__health/add-ack?service-name=cart', {
      method: 'POST',
      headers: { authorization: ADMIN_AUTH, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ack-msg=on+it',
    });
    expect(ack.status).toBe(301);
    await apps[0]!.app.request(
      'http://localhost/__health/disable-category?category-name=checkout',
      { headers: { authorization: ADMIN_AUTH } },
    );
    await replicas.exchange();
    expect((await gtg(1)).status).toBe(200);
    expect((await gtg(1, '?categories=checkout')).status).toBe(503);
  });

  it('refuses cross-site browser requests and bad ack messages on the write routes', async () => {
    h = await startHealthApp();
    await h.push(clusterSnapshot({ health: [cartHealth({ desiredReplicas: 2 })] }));
    const crossSite = await h.request('/__health/rem-ack?service-name=cart', {
      auth: ADMIN_AUTH,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    const form = (body: string) =>
      h!.request('/__health/add-ack?service-name=cart', {
        method: 'POST',
        auth: ADMIN_AUTH,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const empty = await form('ack-msg=');
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('ack-msg');
    expect((await form(`ack-msg=${'x'.repeat(5000)}`)).status).toBe(400);
    expect(
      (
        await h.request('/__health/add-ack?service-name=nope', {
          method: 'POST',
          auth: ADMIN_AUTH,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'ack-msg=x',
        })
      ).status,
    ).toBe(500);
    expect(
      (await h.request('/__health/disable-category?category-name=default', { auth: ADMIN_AUTH }))
        .status,
    ).toBe(400);
    expect(
      (
        await h.request('/__health/enable-category?category-name=default', {
          auth: 'Bearer reader-token-0123456789',
        })
      ).status,
    ).toBe(403);
  });
});
