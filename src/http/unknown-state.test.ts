/**
 * A restarted instance whose targets do not answer: without a snapshot every surface says the
 * state is unknown in its own format (never "operational", never an empty list, never a 404);
 * with one, it serves the last known state at once, marked as such on the page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { createIncident } from '../domain/incidents.ts';
import { ADMIN, TEST_NOW, testConfig, testContext } from '../../test/support/domain-fixtures.ts';
import { silentLogger } from '../logger.ts';
import {
  memoryTargets,
  reopen,
  replicatorsForEachTest,
} from '../../test/support/replication-fixtures.ts';
import type { FaultMode, FaultyDriver } from '../../test/support/faulty-driver.ts';
import {
  memorySnapshotStore,
  type MemorySnapshotStore,
} from '../../test/support/memory-snapshot-store.ts';
import type { Replicator } from '../replication/types.ts';
import { eventually } from '../../test/support/staunch-process.ts';
import { ajv, validators } from './statuspage/schema-validators.ts';
import { AUTH } from '../../test/support/test-app.ts';

const replicators = replicatorsForEachTest();
const config = testConfig();
const hung: FaultyDriver[] = [];
afterEach(async () => {
  for (const driver of hung.splice(0)) await driver.releaseHung();
});

/** A first run that stored a major outage of the API, and left its snapshot. */
async function storedOutage() {
  const drivers = memoryTargets(2);
  const snapshot = memorySnapshotStore();
  const first = await replicators.start({
    drivers,
    snapshot,
    now: () => TEST_NOW,
    snapshotDebounceMs: 5,
  });
  const incident = await createIncident(testContext(first), ADMIN, {
    components: ['Public - API'],
    component_state: 4,
    messages: [{ title: 'API is down', content: 'Every request fails' }],
  });
  await first.stop();
  return { drivers, snapshot, guid: incident.guid };
}

/** The same stores after a restart, every target answering with `mode`; not waiting for the load. */
function restart(
  stored: { drivers: FaultyDriver[] },
  mode: FaultMode,
  snapshot?: MemorySnapshotStore,
) {
  const drivers = reopen(stored.drivers);
  for (const d of drivers) d.setMode(mode);
  if (mode === 'hang') hung.push(...drivers);
  const store = replicators.create({
    drivers,
    now: () => TEST_NOW + 60_000,
    writeTimeoutMs: 200,
    ...(snapshot ? { snapshot } : {}),
  });
  void store.start();
  const app = createApp({
    config,
    store,
    logger: silentLogger,
    startedAt: new Date(TEST_NOW),
    version: 'test',
    now: () => TEST_NOW + 60_000,
  });
  const request = (path: string, auth?: string) =>
    Promise.resolve(
      app.request(`http://localhost${path}`, auth ? { headers: { Authorization: auth } } : {}),
    );
  return { store, drivers, request };
}

async function expectUnknownEverywhere(
  request: (path: string, auth?: string) => Promise<Response>,
  guid: string,
) {
  for (const path of ['/', '/history', `/incidents/${guid}`]) {
    const page = await request(path);
    const text = await page.text();
    expect(page.status, path).toBe(503);
    expect(page.headers.get('retry-after'), path).toBe('5');
    expect(text, path).toContain('Status unknown');
    expect(text, path).not.toContain('All Systems Operational');
    expect(text, path).not.toContain('class="banner');
    expect(text, path).not.toContain('class="bars"');
  }

  for (const endpoint of ['summary.json', 'status.json']) {
    const response = await request(`/api/v2/${endpoint}`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const body = (await response.json()) as {
      status: { indicator: string; description: string };
      components?: { status: string }[];
    };
    const validate = validators[endpoint]!;
    expect(validate(body), ajv.errorsText(validate.errors)).toBe(true);
    expect(body.status).toEqual({ indicator: 'major', description: 'Status unknown' });
    expect((body.components ?? []).filter((c) => c.status === 'operational')).toEqual([]);
  }
  const incidents = await request('/api/v2/incidents/unresolved.json');
  expect(incidents.status).toBe(503);
  expect(await incidents.json()).toMatchObject({ error: { code: 'state_unknown' } });

  for (const path of ['/badge.svg', '/badge/API.svg']) {
    const badge = await request(path);
    const svg = await badge.text();
    expect(svg, path).toContain('unknown');
    expect(svg, path).toContain('#9f9f9f');
    expect(svg, path).not.toContain('operational');
    expect(badge.headers.get('cache-control'), path).toBe('no-store');
  }

  for (const path of ['/rss.xml', '/atom.xml', '/cal.ics']) {
    const feed = await request(path);
    expect(feed.status, path).toBe(503);
    expect(feed.headers.get('retry-after'), path).toBe('5');
  }

  for (const path of ['/v1/incidents', `/v1/incidents/${guid}`]) {
    const v1 = await request(path);
    expect(v1.status, path).toBe(503);
    expect(await v1.json(), path).toMatchObject({
      status: 503,
      description: 'Service Unavailable',
    });
  }

  const native = await request(`/api/v1/incidents/${guid}`, AUTH.reader);
  expect(native.status).toBe(503);
  expect(native.headers.get('retry-after')).toBe('5');
  expect(await native.json()).toMatchObject({ error: { code: 'state_unknown' } });

  const ready = await request('/readyz');
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ view: 'loading' });
}

describe('a restarted instance that has loaded nothing', () => {
  it('says "unknown" on every surface while every target refuses', async () => {
    const stored = await storedOutage();
    const { store, request } = restart(stored, 'fail');
    await store.ready;
    await expectUnknownEverywhere(request, stored.guid);
  });

  it('says "unknown" while every target hangs, then shows the stored outage once one answers', async () => {
    const stored = await storedOutage();
    const { store, drivers, request } = restart(stored, 'hang');
    await expectUnknownEverywhere(request, stored.guid);
    for (const d of drivers) d.setMode('ok');
    for (const d of drivers) await d.releaseHung();
    const summary = await eventually(async () => {
      // What the health check and poll timers do (they are off here).
      await store.checkHealth();
      await store.pollOnce();
      const response = await request('/api/v2/summary.json');
      return response.status === 200
        ? ((await response.json()) as { status: { indicator: string } })
        : undefined;
    });
    expect(summary.status.indicator).toBe('critical');
    expect((await request(`/incidents/${stored.guid}`)).status).toBe(200);
  });
});

describe('a restarted instance with a snapshot', () => {
  it('serves the stored major outage at once, on every surface, while every target hangs', async () => {
    const stored = await storedOutage();
    const { store, request } = restart(stored, 'hang', stored.snapshot);
    await eventually(
      async () => ((store as Replicator).loadState.source === 'snapshot' ? true : undefined),
      { timeoutMs: 2_000, intervalMs: 5 },
    );

    const summary = (await (await request('/api/v2/summary.json')).json()) as {
      status: { indicator: string };
      incidents: { name: string }[];
      components: { name: string; status: string }[];
    };
    expect(summary.status.indicator).toBe('critical');
    expect(summary.incidents.map((i) => i.name)).toEqual(['API is down']);
    expect(summary.components.find((c) => c.name === 'API')?.status).toBe('major_outage');

    const page = await (await request('/')).text();
    expect(page).toContain('API is down');
    expect(page).toContain('Showing the last known state, as of');
    expect(page).not.toContain('All Systems Operational');
    expect((await request(`/incidents/${stored.guid}`)).status).toBe(200);

    const v1 = (await (await request('/v1/incidents')).json()) as { guid: string }[];
    expect(v1.map((i) => i.guid)).toEqual([stored.guid]);
    expect(await (await request('/badge/API.svg')).text()).toContain('major outage');
    expect((await request('/rss.xml')).status).toBe(200);
    // Nothing can be written yet: not ready, but the view is the last known one.
    const ready = await request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ view: 'last_known_snapshot' });
  });
});
