import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../src/cluster/snapshot-schema.ts';
import { snapshotWhere, startHarness, waitFor, type Harness } from '../support/agent-harness.ts';
import { FtPods, okCheck } from '../support/ft-pods.ts';
import { category, deployment, pod, service } from '../support/kube-objects.ts';

let harness: Harness | undefined;
let pods: FtPods | undefined;
afterEach(async () => {
  await harness?.close();
  await pods?.close();
  harness = undefined;
  pods = undefined;
});

const cartHealth = (snapshot: ClusterSnapshot) =>
  snapshot.health.find((item) => item.service === 'cart');

// With no category ConfigMap, services are probed at the agent's default refresh (30 ms here).
async function ftCluster(count: number, overrides = {}) {
  pods = await new FtPods().start(count);
  const port = pods.port;
  harness = await startHarness(overrides, {}, (api) => {
    api.apply(
      'services',
      service('default', 'cart', {
        labels: { app: 'cart', hasHealthcheck: 'true' },
        appPort: port,
      }),
    );
    api.apply('services', service('default', 'plain'));
    api.apply('deployments', deployment('default', 'cart', { replicas: count }));
    for (let index = 0; index < count; index += 1)
      api.apply(
        'pods',
        pod('default', `cart-${index}`, { labels: { app: 'cart' }, ip: FtPods.ip(index) }),
      );
  });
  return harness;
}

describe('agent: FT health of pods', () => {
  it('reports a pod whose __health has a failing severity-1 check, with FT fields, and its recovery', async () => {
    const { app } = await ftCluster(2);
    const healthy = await waitFor(
      'probed',
      snapshotWhere(app, (s) => cartHealth(s)?.pods.total === 2),
    );
    expect(cartHealth(healthy)).toMatchObject({
      namespace: 'default',
      categories: [],
      desiredReplicas: 2,
      pods: { total: 2, healthy: 2 },
      failing: [],
      gtg: true,
    });
    expect(healthy.health.map((item) => item.service)).toEqual(['cart']);

    pods!.set(1, {
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
          checkOutput: 'ECONNREFUSED 10.0.0.5:5432',
        },
      ],
      gtg: 503,
    });
    const failing = await waitFor(
      'severity 1',
      snapshotWhere(app, (s) => cartHealth(s)?.failing.length === 1),
    );
    const health = cartHealth(failing)!;
    expect(health.pods).toEqual({ total: 2, healthy: 1 });
    expect(health.gtg).toBe(false);
    expect(health.failing[0]!.pod).toBe('cart-1');
    expect(health.failing[0]!.checks).toEqual([
      expect.objectContaining({
        id: 'db',
        name: 'Database reachable',
        ok: false,
        severity: 1,
        businessImpact: 'Orders cannot be placed',
        technicalSummary: 'The primary refuses connections',
        panicGuide: 'https://runbooks.example/cart#db',
        checkOutput: 'ECONNREFUSED 10.0.0.5:5432',
      }),
    ]);
    expect(health.failing[0]!.checks[0]!.lastUpdated).toMatch(/^\d{4}-\d\d-\d\dT/);

    pods!.set(1, { checks: [okCheck('db')] });
    await waitFor(
      'recovered',
      snapshotWhere(app, (s) => cartHealth(s)?.pods.healthy === 2),
    );
  });

  it('counts a pod that answers 503, something not FT JSON, or nothing in time as failing, with why', async () => {
    const { app } = await ftCluster(3);
    await waitFor(
      'probed',
      snapshotWhere(app, (s) => cartHealth(s)?.pods.healthy === 3),
    );
    pods!.set(0, { status: 503 });
    pods!.set(1, { status: 200, body: '<html>hello</html>' });
    pods!.set(2, { hang: true });
    const broken = await waitFor(
      'all failing',
      snapshotWhere(app, (s) => cartHealth(s)?.pods.healthy === 0),
      8000,
    );
    const errors = Object.fromEntries(
      cartHealth(broken)!.failing.map((item) => [item.pod, item.error]),
    );
    expect(errors).toEqual({
      'cart-0': '/__health answered HTTP 503',
      'cart-1': 'answer is not FT health JSON (no checks array)',
      'cart-2': 'no answer in 500 ms',
    });
  });

  it('probes each service at its category refresh rate, within the concurrency limit', async () => {
    const { api } = await ftCluster(6, {
      probes: {
        enabled: true,
        concurrency: 2,
        timeoutMs: 500,
        attempts: 1,
        cooldownMs: 5,
        healthPath: '/__health',
        gtgPath: '',
        defaultRefreshMs: 30,
      },
    });
    const during = async (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const asked = () => pods!.times.get(FtPods.ip(0)) ?? [];
    // The agent's default (30 ms): rounds follow each other closely.
    await waitFor('three rounds', () => asked().length >= 3);
    const [a, b, c] = asked();
    expect(Math.max(b! - a!, c! - b!)).toBeLessThan(900);
    // A category naming the service sets its rate, in seconds: 1 s between rounds from now on.
    api.apply(
      'configmaps',
      category('default', 'shop', { services: 'cart, pay', refreshrate: '1' }),
    );
    await during(150);
    const seen = asked().length;
    await waitFor('two more rounds', () => asked().length >= seen + 2, 5000);
    const times = asked();
    expect(times[seen + 1]! - times[seen]!).toBeGreaterThanOrEqual(950);
    expect(pods!.requests.every((url) => url.endsWith('/__health'))).toBe(true);

    // Slow pods: never more than 2 asked at once.
    for (let index = 0; index < 6; index += 1)
      pods!.set(index, { checks: [okCheck('db')], delayMs: 40 });
    pods!.maxInFlight = 0;
    await waitFor('a slow round', () => pods!.maxInFlight > 0, 3000);
    await during(1200);
    expect(pods!.maxInFlight).toBe(2);
  });
});
