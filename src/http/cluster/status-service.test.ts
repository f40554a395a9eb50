import { afterEach, describe, expect, it } from 'vitest';
import {
  cartService,
  clusterSnapshot,
  nextSnapshot,
} from '../../../test/support/cluster-snapshot.ts';
import {
  healthConfig,
  startHealthApp,
  type HealthApp,
} from '../../../test/support/cluster-health-app.ts';
import type { ClusterSnapshot } from '../../cluster/snapshot-schema.ts';
import { HEALTH_KIND } from '../../cluster/health-records.ts';

const MINUTE = 60_000;
let h: HealthApp | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function current(app: HealthApp): Promise<string> {
  const res = await app.request('/status/currentState');
  expect(res.status).toBe(200);
  return ((await res.json()) as { state: string }).state;
}

/** Pushes `snapshot` with a fresh sequence number. */
let sequence = 1;
async function push(
  app: HealthApp,
  base: ClusterSnapshot,
  overrides: Partial<ClusterSnapshot> = {},
) {
  const res = await app.push(nextSnapshot(base, { sequence: ++sequence, ...overrides }));
  expect(res.status).toBe(200);
}

const down = { services: [cartService({ readyEndpoints: 0, servingEndpoints: 0 })] };

describe('status-service state machine', () => {
  it('goes warning without a ready endpoint, error 10 minutes later on the clock alone, straight back to ok, and never flips back', async () => {
    // Long enough that minutes without a snapshot are not silence.
    h = await startHealthApp({ config: healthConfig({ stale_after: 3_600_000 }) });
    const base = clusterSnapshot();
    await push(h, base);
    expect(await current(h)).toBe('ok');

    await push(h, base, down);
    expect(await current(h)).toBe('warning');
    h.clock.now += 9 * MINUTE;
    expect(await current(h)).toBe('warning');
    // No snapshot in between: the clock alone makes it an error.
    h.clock.now += MINUTE;
    expect(await current(h)).toBe('error');
    // The next snapshot (a heartbeat) writes the escalation, dated when it became due.
    await push(h, base, down);
    const stored = h.replicas.stores[0]!.get(HEALTH_KIND.statusService, 'prod-eu/shop/cart');
    expect(stored?.body).toMatchObject({ state: 'error' });
    expect(Date.parse((stored!.body as { since: string }).since)).toBe(
      Date.parse(base.sentAt) + 10 * MINUTE,
    );

    h.clock.now += MINUTE;
    await push(h, base);
    expect(await current(h)).toBe('ok');
    // status-service's cron would flip this recovered service back to error: not here.
    h.clock.now += 30 * MINUTE;
    await h.built.health.tick();
    await push(h, base);
    expect(await current(h)).toBe('ok');
  });

  it("keeps a day at its worst state and lists the day's intervals in milliseconds", async () => {
    h = await startHealthApp();
    const base = clusterSnapshot({
      statusServices: [
        {
          namespace: 'shop',
          name: 'cart',
          serviceName: 'cart',
          displayName: 'Cart',
          displayDescription: 'Basket',
          group: 'shop',
        },
        { namespace: 'shop', name: 'pay', serviceName: 'pay', displayName: 'Payments' },
      ],
      statusServiceGroups: [
        { namespace: '', name: 'shop', displayName: 'Shop', displayDescription: 'Selling' },
      ],
      services: [cartService(), cartService({ name: 'pay' })],
    });
    const t0 = h.clock.now;
    await push(h, base);
    await push(h, base, {
      services: [cartService({ readyEndpoints: 0 }), cartService({ name: 'pay' })],
    });
    h.clock.now += 12 * MINUTE;
    await push(h, base, {
      services: [cartService({ readyEndpoints: 0 }), cartService({ name: 'pay' })],
    });
    h.clock.now += 3 * MINUTE;
    await push(h, base);

    const res = await h.request('/status');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      columnsName: (string | number)[];
      blocks: {
        name: string;
        description?: string;
        items: {
          name: string;
          description?: string;
          columns: { state: string | null; id: string }[];
        }[];
      }[];
    };
    // Europe/Paris midnight of 2026-11-21, the test config's time zone.
    const day = Date.UTC(2026, 10, 20, 23);
    expect(body.columnsName).toEqual(['current', day]);
    expect(body.blocks.map((b) => [b.name, b.description])).toEqual([
      ['Shop', 'Selling'],
      ['Default', undefined],
    ]);
    const cart = body.blocks[0]!.items[0]!;
    expect(cart.name).toBe('Cart');
    expect(cart.description).toBe('Basket');
    expect(Object.keys(cart.columns[0]!)).toEqual(['state', 'id']);
    expect(cart.columns).toEqual([
      { state: 'ok', id: 'current.shop~cart' },
      // Recovered, but the day keeps its worst.
      { state: 'error', id: `${day}.shop~cart` },
    ]);
    expect(body.blocks[1]!.items[0]!.columns[1]).toEqual({ state: 'ok', id: `${day}.shop~pay` });

    const intervals = await (await h.request(`/status/${day}.shop~cart`)).json();
    expect(intervals).toEqual([
      { startTime: t0, stopTime: t0 + 10 * MINUTE, state: 'warning' },
      { startTime: t0 + 10 * MINUTE, stopTime: t0 + 15 * MINUTE, state: 'error' },
    ]);
    expect(await (await h.request(`/status/current.shop~cart`)).json()).toEqual([]);
    expect(await (await h.request(`/status/${day}.shop~pay`)).json()).toEqual([]);
  });

  it('answers malformed ids with 400 naming the problem, and unknown clusters with 404', async () => {
    h = await startHealthApp();
    await push(h, clusterSnapshot());
    const noDot = await h.request('/status/12345');
    expect(noDot.status).toBe(400);
    expect(await noDot.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const badDay = await h.request('/status/yesterday.shop~cart');
    expect(badDay.status).toBe(400);
    expect(((await badDay.json()) as { message: string }).message).toContain('"yesterday"');
    const missing = await h.request('/clusters/nowhere/status/currentState');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(await (await h.request('/clusters/prod-eu/status/currentState')).json()).toEqual({
      state: 'ok',
    });
  });

  it('says unknown, not ok, for a cluster whose agent has gone silent', async () => {
    h = await startHealthApp();
    await push(h, clusterSnapshot());
    h.clock.now += 46_000; // three 15 s heartbeats and a second
    expect(await current(h)).toBe('unknown');
    const status = (await (await h.request('/status')).json()) as {
      blocks: { items: { columns: { state: string }[] }[] }[];
    };
    expect(status.blocks[0]!.items[0]!.columns[0]!.state).toBe('unknown');
    await push(h, clusterSnapshot());
    expect(await current(h)).toBe('ok');
  });
});
