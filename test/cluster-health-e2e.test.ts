/**
 * End to end with a controllable clock: the real agent (src/agent, real client-node informers)
 * watches the stand-in kube API server and pushes over HTTP to the app served on a port, whose
 * clock the test moves. The seed routes follow what happens in the cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../src/agent/agent.ts';
import { agentOptions } from './support/agent-harness.ts';
import {
  AGENT_TOKEN,
  ADMIN_AUTH,
  HEARTBEAT_TOKEN,
  healthConfig,
  startHealthApp,
  type HealthApp,
} from './support/cluster-health-app.ts';
import { FtPods, okCheck } from './support/ft-pods.ts';
import { startKubeApi, type KubeApiServer } from './support/kube-api-server.ts';
import {
  category,
  deployment,
  endpointSlice,
  pod,
  service,
  statusServices,
} from './support/kube-objects.ts';

const MINUTE = 60_000;
const ready = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ ip: `10.1.0.${i + 1}`, pod: `web-${i}` }));

describe('cluster health end to end: real agent, stand-in kube API, the app over HTTP', () => {
  let api: KubeApiServer;
  let h: HealthApp;
  let agent: Agent;
  let pods: FtPods;
  let url: string;

  beforeAll(async () => {
    pods = await new FtPods().start(2);
    api = await startKubeApi();
    api.apply('services', service('shop', 'web'));
    api.apply('endpointslices', endpointSlice('shop', 'web', 'a1b2c', ready(2)));
    api.apply(
      'statusservices',
      statusServices('shop', 'web', { serviceName: 'web', displayName: 'Web shop' }),
    );
    api.apply('deployments', deployment('shop', 'web', { replicas: 2 }));
    api.apply(
      'services',
      service('default', 'cart', {
        labels: { app: 'cart', hasHealthcheck: 'true' },
        appPort: pods.port,
      }),
    );
    api.apply('deployments', deployment('default', 'cart', { replicas: 2 }));
    for (let i = 0; i < 2; i++)
      api.apply('pods', pod('default', `cart-${i}`, { labels: { app: 'cart' }, ip: FtPods.ip(i) }));
    api.apply(
      'configmaps',
      category('default', 'checkout', { services: 'cart', issticky: 'true', refreshrate: '1' }),
    );

    // Minutes pass on the app's clock between snapshots: silence is an hour here.
    h = await startHealthApp({ config: healthConfig({ stale_after: 60 * MINUTE }) });
    url = await h.listen();
    agent = new Agent(agentOptions(api, [{ url, token: AGENT_TOKEN }], { cluster: 'prod-eu' }));
    await agent.start();
  }, 30_000);

  afterAll(async () => {
    await agent?.stop(200);
    await h?.stop();
    await api?.close();
    await pods?.close();
  });

  const get = (path: string, init: RequestInit & { auth?: string } = {}) => h.request(path, init);
  const state = async () =>
    ((await (await get('/status/currentState')).json()) as { state: string }).state;
  const until = async (what: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('status-service: warning when the Service loses its endpoints, error 10 minutes later, ok on recovery', async () => {
    await until('ok', async () => (await state()) === 'ok');
    api.apply('endpointslices', endpointSlice('shop', 'web', 'a1b2c', []));
    await until('warning', async () => (await state()) === 'warning');
    h.clock.now += 9 * MINUTE;
    expect(await state()).toBe('warning');
    h.clock.now += MINUTE;
    expect(await state()).toBe('error');
    h.clock.now += MINUTE;
    api.apply('endpointslices', endpointSlice('shop', 'web', 'a1b2c', ready(1)));
    await until('ok again', async () => (await state()) === 'ok');
    h.clock.now += 20 * MINUTE;
    await h.built.health.tick();
    expect(await state()).toBe('ok');
    const status = (await (await get('/status')).json()) as {
      blocks: { items: { name: string; columns: { id: string }[] }[] }[];
    };
    const web = status.blocks[0]!.items[0]!;
    expect(web.name).toBe('Web shop');
    const answer = await get(`/status/${web.columns[1]!.id}`);
    const intervals = (await answer.json()) as { state: string }[];
    if (!Array.isArray(intervals))
      throw new Error(`${web.columns[1]!.id}: ${JSON.stringify(intervals)}`);
    expect(intervals.map((i) => i.state)).toEqual(['warning', 'error']);
  });

  it('heartbeat: a deployment rolling out answers 503, then 200 once every replica is available', async () => {
    const path = `/api/healthz/shop/deployment/web?token=${HEARTBEAT_TOKEN}`;
    await until('200', async () => (await get(path)).status === 200);
    api.apply(
      'deployments',
      deployment('shop', 'web', {
        replicas: 2,
        generation: 2,
        observedGeneration: 2,
        updated: 1,
        available: 1,
        ready: 1,
      }),
    );
    await until('503', async () => (await get(path)).status === 503);
    api.apply(
      'deployments',
      deployment('shop', 'web', { replicas: 2, generation: 2, observedGeneration: 2 }),
    );
    await until('200 again', async () => (await get(path)).status === 200);
  });

  it("aggregate-healthcheck: a pod's severity-1 failure fails __gtg, an ack passes it and shows as acknowledged", async () => {
    await until('gtg 200', async () => (await get('/__gtg')).status === 200);
    pods.set(1, {
      checks: [
        okCheck('cache'),
        {
          id: 'db',
          name: 'Database reachable',
          ok: false,
          severity: 1,
          businessImpact: 'Orders cannot be placed',
          technicalSummary: 'The primary refuses connections',
          panicGuide: 'https://runbooks.example/cart#db',
          checkOutput: 'ECONNREFUSED',
        },
      ],
      gtg: 503,
    });
    await until('gtg 503', async () => (await get('/__gtg')).status === 503);
    const ack = await get('/__health/add-ack?service-name=cart', {
      method: 'POST',
      auth: ADMIN_AUTH,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ack-msg=DB+failover',
    });
    expect(ack.status).toBe(301);
    expect((await get('/__gtg')).status).toBe(200);
    const health = (await (
      await get('/__health', { headers: { accept: 'application/json' } })
    ).json()) as {
      ok: boolean;
      checks: { name: string; ok: boolean; _acknowledged?: string }[];
    };
    expect(health.ok).toBe(true);
    expect(health.checks.find((c) => c.name === 'cart')).toMatchObject({
      ok: false,
      _acknowledged: 'DB failover',
    });
  });

  it('sticky category: disabled by the failure, stays disabled after recovery until re-enabled', async () => {
    await until(
      'checkout disabled',
      async () => (await get('/__gtg?categories=checkout')).status === 503,
    );
    pods.set(1, { checks: [okCheck('cache')] });
    await until('cart healthy', async () => {
      const body = (await (
        await get('/__health', { headers: { accept: 'application/json' } })
      ).json()) as { checks: { name: string; ok: boolean }[] };
      return body.checks.find((c) => c.name === 'cart')?.ok === true;
    });
    expect((await get('/__gtg?categories=checkout')).status).toBe(503);
    expect(
      (await get('/__health/enable-category?category-name=checkout', { auth: ADMIN_AUTH })).status,
    ).toBe(200);
    expect((await get('/__gtg?categories=checkout')).status).toBe(200);
  });

  it('a stopped agent: the cluster turns stale (unknown, 503) and healthy again when an agent returns', async () => {
    await agent.stop(200);
    h.clock.now += 61 * MINUTE;
    expect(await state()).toBe('unknown');
    expect((await get('/__gtg')).status).toBe(503);
    expect((await get(`/api/healthz/shop/deployment/web?token=${HEARTBEAT_TOKEN}`)).status).toBe(
      503,
    );
    agent = new Agent(agentOptions(api, [{ url, token: AGENT_TOKEN }], { cluster: 'prod-eu' }));
    await agent.start();
    await until('ok', async () => (await state()) === 'ok');
    // Once the new agent has probed the FT services again.
    await until('gtg 200', async () => (await get('/__gtg')).status === 200);
  });
});
