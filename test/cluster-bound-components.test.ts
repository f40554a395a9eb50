/**
 * Components bound to cluster objects, through the real app: the page's state and tooltip, the
 * silent cluster turning its components degraded with a notice after the grace (announced once),
 * recovery, the day records written on change only, and the Statuspage API agreeing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type BuiltApp } from '../src/app.ts';
import type { Config } from '../src/config/parse.ts';
import type { NotificationService } from '../src/domain/notify-hooks.ts';
import { KIND } from '../src/domain/records.ts';
import { silentLogger } from '../src/logger.ts';
import type { Mutation } from '../src/replication/types.ts';
import { SILENCE_KIND } from '../src/cluster/component-monitor.ts';
import {
  cartDeployment,
  cartHealth,
  clusterSnapshot,
  failingCheck,
  nextSnapshot,
} from './support/cluster-snapshot.ts';
import { AGENT_TOKEN, healthConfig } from './support/cluster-health-app.ts';
import { readClock, startReplicas, TEST_NOW, type Replicas } from './support/domain-fixtures.ts';

interface Bound {
  built: BuiltApp;
  clock: { now: number };
  replicas: Replicas;
  writes: Mutation[][];
  announced: string[];
  page(): Promise<string>;
  push(snapshot: ReturnType<typeof clusterSnapshot>): Promise<Response>;
}

function boundConfig(autoIncident = false): Config {
  const base = healthConfig();
  return {
    ...base,
    components: [
      {
        name: 'API',
        group: 'Public',
        description: '',
        health: { cluster: 'prod-eu', deployment: 'shop/cart' },
      },
      { name: 'Website', group: 'Public', description: '' },
      {
        name: 'Cart',
        group: '',
        description: '',
        health: { cluster: 'prod-eu', service: 'shop/cart' },
      },
    ],
    cluster_health: {
      ...base.cluster_health,
      grace: 120_000,
      auto_incident: { enabled: autoIncident, after: 300_000 },
    },
  };
}

let running: Bound | undefined;
afterEach(async () => {
  await running?.replicas.stop();
  running = undefined;
});

async function start(options: { autoIncident?: boolean } = {}): Promise<Bound> {
  const clock = { now: TEST_NOW };
  const replicas = await startReplicas(1, 1, readClock(clock));
  const store = replicas.stores[0]!;
  const writes: Mutation[][] = [];
  const write = store.write.bind(store);
  store.write = (mutations) => {
    writes.push(mutations);
    return write(mutations);
  };
  const announced: string[] = [];
  const notifications: NotificationService = {
    hooks: {
      preCheck: async () => undefined,
      mutations: (event) => {
        announced.push(event.incident.messages[0]!.title);
        return [{ kind: 'test_notification', id: event.incident.guid, body: { type: event.type } }];
      },
    },
    canMail: false,
    channels: [],
    mail: () => [],
    kick: () => undefined,
  };
  const built = buildApp({
    config: boundConfig(options.autoIncident),
    store,
    logger: silentLogger,
    startedAt: new Date(clock.now),
    version: 'test',
    now: readClock(clock),
    notifications,
  });
  const bound: Bound = {
    built,
    clock,
    replicas,
    writes,
    announced,
    page: async () =>
      (await built.app.request('http://localhost/', { headers: { accept: 'text/html' } })).text(),
    push: async (snapshot) => {
      const response = await built.app.request('http://localhost/api/agent/v1/snapshots', {
        method: 'POST',
        headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(snapshot),
      });
      await built.health.observe(snapshot);
      return response;
    },
  };
  running = bound;
  return bound;
}

/** The state label text of the component row whose name is `name`. */
function rowState(html: string, name: string): string {
  const at = html.indexOf(`<div class="component-name">${name}</div>`);
  expect(at, `row ${name}`).toBeGreaterThan(-1);
  const label = /<span class="state c(\d)">(?:<svg[\s\S]*?<\/svg>)?([^<]*)<\/span>/.exec(
    html.slice(at),
  );
  return `${label?.[1]}:${label?.[2]?.trim()}`;
}

const componentStatus = async (app: BuiltApp, name: string) => {
  const body = (await (
    await app.app.request('http://localhost/api/v2/components.json')
  ).json()) as {
    components: { name: string; status: string }[];
  };
  return body.components.find((c) => c.name === name)?.status;
};

describe('components bound to a cluster object', () => {
  it('take the worse of their incidents and the object, and say where the state came from', async () => {
    const app = await start();
    const first = clusterSnapshot();
    expect((await app.push(first)).status).toBeLessThan(300);
    let html = await app.page();
    expect(rowState(html, 'API')).toBe('0:Operational');
    expect(html).toContain('From cluster prod-eu, Deployment shop/cart: 2 of 2 available');

    app.clock.now += 1000;
    await app.push(
      nextSnapshot(first, { workloads: [cartDeployment({ available: 1, ready: 1 })] }),
    );
    html = await app.page();
    expect(rowState(html, 'API')).toBe('3:Partial Outage');
    expect(html).toContain('Deployment shop/cart: 1 of 2 available');
    expect(rowState(html, 'Website')).toBe('0:Operational');
    expect(await componentStatus(app.built, 'API')).toBe('partial_outage');
    const badge = await (await app.built.app.request('http://localhost/badge.svg')).text();
    expect(badge).toContain('partial outage');
  });

  it('an FT severity-1 failure is a major outage; acknowledged, it is operational again', async () => {
    const app = await start();
    const failing = clusterSnapshot({
      health: [
        cartHealth({
          pods: { total: 2, healthy: 0 },
          failing: [
            { pod: 'cart-0', checks: [failingCheck('db', 1)] },
            { pod: 'cart-1', checks: [failingCheck('db', 1)] },
          ],
        }),
      ],
      // No StatusServices object: the binding falls through to the FT service.
      statusServices: [],
    });
    await app.push(failing);
    expect(rowState(await app.page(), 'Cart')).toBe('4:Major Outage');
    await app.built.health.acknowledge('prod-eu', 'cart', 'known, fixing', 'admin');
    app.clock.now += 60_000;
    const html = await app.page();
    expect(rowState(html, 'Cart')).toBe('0:Operational');
    expect(html).toContain('acknowledged (known, fixing)');
  });

  it('silent past stale_after and the grace: degraded with a notice, announced once, healthy again on return', async () => {
    const app = await start();
    const first = clusterSnapshot();
    await app.push(first);
    await app.built.tick();
    expect(rowState(await app.page(), 'API')).toBe('0:Operational');

    // Stale (3 heartbeats of 15 s) but within the grace: the last known state stays.
    app.clock.now += 60_000;
    await app.built.tick();
    expect(app.built.health.view('prod-eu')!.stale).toBe(true);
    expect(rowState(await app.page(), 'API')).toBe('0:Operational');
    expect(app.announced).toEqual([]);

    // 45 s + 2 min after the last snapshot: degraded, the notice in the visitor's zone (Paris).
    app.clock.now += 120_000;
    await app.built.tick();
    let html = await app.page();
    expect(rowState(html, 'API')).toBe('2:Degraded Performance');
    expect(rowState(html, 'Website')).toBe('0:Operational');
    expect(html).toContain('No data from cluster prod-eu since');
    expect(html).toContain('13:00');
    expect(await componentStatus(app.built, 'Cart')).toBe('degraded_performance');
    expect(app.announced).toEqual([
      expect.stringMatching(/^No data from cluster prod-eu since 13:00/),
    ]);

    // More ticks, later: nothing announced again.
    for (let i = 0; i < 5; i++) {
      app.clock.now += 30_000;
      await app.built.tick();
    }
    expect(app.announced).toHaveLength(1);
    expect(app.replicas.stores[0]!.list(SILENCE_KIND)).toHaveLength(1);

    // The agent is back: operational, no notice.
    app.clock.now += 1000;
    await app.push(nextSnapshot(first));
    await app.built.tick();
    html = await app.page();
    expect(rowState(html, 'API')).toBe('0:Operational');
    expect(html).not.toContain('No data from cluster');
    expect(app.announced).toHaveLength(1);
  });

  it('write their day records on a change only, and today’s bar counts the minutes still going on', async () => {
    const app = await start();
    const first = clusterSnapshot();
    await app.push(first);
    await app.built.tick();
    const dayWrites = () =>
      app.writes.flat().filter((m) => m.kind === KIND.healthDay && m.id.startsWith('Public - API/'))
        .length;
    const afterFirst = dayWrites();
    expect(afterFirst).toBe(1);
    let snapshot = first;
    for (let i = 0; i < 50; i++) {
      app.clock.now += 5000;
      snapshot = nextSnapshot(snapshot);
      await app.push(snapshot);
      await app.built.tick();
    }
    expect(dayWrites()).toBe(afterFirst);

    snapshot = nextSnapshot(snapshot, { workloads: [cartDeployment({ available: 0, ready: 0 })] });
    await app.push(snapshot);
    await app.built.tick();
    expect(dayWrites()).toBe(afterFirst + 1);
    app.clock.now += 30 * 60_000;
    for (let i = 0; i < 3; i++) await app.built.tick();
    expect(dayWrites()).toBe(afterFirst + 1);
    const lookup = app.built.read.healthDays(app.clock.now);
    const minutes = lookup('Public - API', '2026-11-21');
    expect(minutes?.major).toBeCloseTo(30, 0);
  });

  it('with auto_incident, one that stays in major outage opens one incident, resolved on recovery', async () => {
    const app = await start({ autoIncident: true });
    const first = clusterSnapshot();
    await app.push(first);
    await app.built.tick();
    app.clock.now += 1000;
    let snapshot = nextSnapshot(first, {
      workloads: [cartDeployment({ available: 0, ready: 0 })],
    });
    await app.push(snapshot);
    await app.built.tick();
    const open = () =>
      app.built.read
        .view()
        .incidents.filter((i) => i.state === 0 && i.components.includes('Public - API'));
    expect(open()).toHaveLength(0);
    for (let i = 0; i < 12; i++) {
      app.clock.now += 30_000;
      snapshot = nextSnapshot(snapshot);
      await app.push(snapshot);
      await app.built.tick();
    }
    expect(open()).toHaveLength(1);
    expect(open()[0]!.component_state).toBe(4);
    expect(app.announced.filter((t) => t.includes('major outage'))).toHaveLength(1);

    app.clock.now += 1000;
    await app.push(nextSnapshot(snapshot, { workloads: [cartDeployment()] }));
    await app.built.tick();
    await app.built.tick();
    expect(open()).toHaveLength(0);
    const resolved = app.built.read.view().incidents.find((i) => i.guid.startsWith('auto-'));
    expect(resolved?.state).toBe(1);
    expect(resolved?.messages[0]!.title).toBe('Recovered');
  });
});
