import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createIncident,
  deleteIncident,
  resolveIncident,
  addMessage,
} from '../../domain/incidents.ts';
import { setComponentOverride } from '../../domain/components.ts';
import { ADMIN, testConfig, testContext } from '../../../test/support/domain-fixtures.ts';
import type { ComponentState, IncidentState } from '../../domain/types.ts';
import type { DomainContext } from '../../domain/context.ts';
import { silentLogger } from '../../logger.ts';
import { apiDeps } from '../api-deps.ts';
import { createStatuspageCache, STATUSPAGE_ENDPOINTS } from './cache.ts';
import { INDICATORS, STATUSPAGE_V2_SCHEMAS } from './statuspage-v2.schema.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

const NOW = Date.UTC(2026, 10, 21, 12);
const hours = (h: number) => new Date(NOW + h * 3_600_000).toISOString();

// strictRequired would reject the group rule's `then: { required }`, which is valid JSON Schema.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
ajv.addFormat('date-time', {
  type: 'string',
  validate: (s: string) =>
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) &&
    !Number.isNaN(Date.parse(s)),
});
const validators = Object.fromEntries(
  Object.entries(STATUSPAGE_V2_SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]),
);

let t: TestApp;
let ctx: DomainContext;
beforeEach(async () => {
  t = await startTestApp({ now: NOW });
  ctx = testContext(t.replicas.stores[0]!, undefined, () => t.clock.now);
});
afterEach(() => t.stop());

const get = async (endpoint: string) => {
  const response = await t.request(`/api/v2/${endpoint}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

async function seedEverything() {
  const open = await createIncident(ctx, ADMIN, {
    components: ['Public - API'],
    component_state: 3,
    created_at: hours(-2),
    messages: [{ title: 'API errors', content: 'Looking' }],
  });
  await addMessage(ctx, ADMIN, open.guid, { title: 'Cause found', content: 'DB', state: 3 });
  await addMessage(ctx, ADMIN, open.guid, { title: 'Monitoring', content: 'Fix out', state: 2 });
  const resolved = await createIncident(ctx, ADMIN, {
    components: ['Internal - Database'],
    component_state: 4,
    created_at: hours(-30),
    messages: [{ title: 'DB down', content: '' }],
  });
  await resolveIncident(ctx, ADMIN, resolved.guid, { title: 'Resolved', content: 'ok' });
  await createIncident(ctx, ADMIN, {
    components: ['Standalone'],
    component_state: 2,
    persistent: true,
    created_at: hours(-1),
    messages: [{ title: 'Known issue', content: '' }],
  });
  await createIncident(ctx, ADMIN, {
    components: ['Public - Website'],
    is_scheduled: true,
    created_at: hours(-1),
    scheduled_end: hours(1),
    messages: [{ title: 'Running', content: '' }],
  });
  await createIncident(ctx, ADMIN, {
    components: ['Public - Website'],
    is_scheduled: true,
    state: 3,
    created_at: hours(5),
    scheduled_end: hours(6),
    messages: [{ title: 'Upcoming', content: '' }],
  });
  await createIncident(ctx, ADMIN, {
    components: ['Public - Website'],
    is_scheduled: true,
    state: 1,
    created_at: hours(-10),
    scheduled_end: hours(-9),
    messages: [{ title: 'Done', content: '' }],
  });
  await setComponentOverride(ctx, ADMIN, 'Internal - Database', { state: 2, note: 'slow' });
}

describe('the eight endpoints', () => {
  it('validate against the Statuspage v2 schema, empty and full', async () => {
    for (const seeded of [false, true]) {
      if (seeded) await seedEverything();
      for (const endpoint of STATUSPAGE_ENDPOINTS) {
        const body = await get(endpoint);
        const validate = validators[endpoint]!;
        expect(validate(body), `${endpoint}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    }
  });

  it('serve the right content in each list', async () => {
    await seedEverything();
    const names = (list: { name: string }[]) => list.map((i) => i.name);
    expect(names((await get('incidents.json')).incidents)).toEqual([
      'Known issue',
      'API errors',
      'DB down',
    ]);
    expect(names((await get('incidents/unresolved.json')).incidents)).toEqual([
      'Known issue',
      'API errors',
    ]);
    expect(names((await get('scheduled-maintenances.json')).scheduled_maintenances)).toEqual([
      'Upcoming',
      'Running',
      'Done',
    ]);
    expect(
      names((await get('scheduled-maintenances/upcoming.json')).scheduled_maintenances),
    ).toEqual(['Upcoming']);
    expect(names((await get('scheduled-maintenances/active.json')).scheduled_maintenances)).toEqual(
      ['Running'],
    );
    const summary = await get('summary.json');
    expect(names(summary.incidents)).toEqual(['Known issue', 'API errors']);
    expect(names(summary.scheduled_maintenances)).toEqual(['Running', 'Upcoming']);
    expect(summary.status).toEqual({ indicator: 'major', description: 'Partial System Outage' });
  });

  it('describe incidents with Statuspage statuses, impacts, timestamps and newest-first updates', async () => {
    await seedEverything();
    const [, open] = (await get('incidents.json')).incidents;
    expect(open).toMatchObject({
      status: 'monitoring',
      impact: 'major',
      resolved_at: null,
      shortlink: `https://status.example.test/incidents/${open.id}`,
    });
    expect(open.monitoring_at).not.toBeNull();
    expect(
      open.incident_updates.map((u: { status: string; body: string }) => [u.status, u.body]),
    ).toEqual([
      ['monitoring', 'Fix out'],
      ['identified', 'DB'],
      ['investigating', 'Looking'],
    ]);
    expect(open.incident_updates[2].affected_components).toEqual([
      {
        code: open.components[0].id,
        name: 'API',
        old_status: 'operational',
        new_status: 'partial_outage',
      },
    ]);
    const resolved = (await get('incidents.json')).incidents[2];
    expect(resolved).toMatchObject({ status: 'resolved', impact: 'critical' });
    expect(resolved.resolved_at).not.toBeNull();
    const [running] = (await get('scheduled-maintenances/active.json')).scheduled_maintenances;
    expect(running).toMatchObject({
      status: 'in_progress',
      impact: 'maintenance',
      scheduled_for: hours(-1),
      scheduled_until: hours(1),
    });
  });

  it('give a resolved incident the highest impact it reached, not the one it was lowered to', async () => {
    t.clock.now = NOW - 3 * 3_600_000;
    const outage = await createIncident(ctx, ADMIN, {
      components: ['Public - API'],
      component_state: 4,
      messages: [{ title: 'API down', content: '' }],
    });
    t.clock.now = NOW - 2 * 3_600_000;
    await addMessage(ctx, ADMIN, outage.guid, {
      title: 'Recovering',
      content: 'slow',
      component_state: 2,
    });
    t.clock.now = NOW - 3_600_000;
    await resolveIncident(ctx, ADMIN, outage.guid, { title: 'Resolved', content: 'ok' });
    t.clock.now = NOW;
    const [incident] = (await get('incidents.json')).incidents;
    expect(incident).toMatchObject({ id: outage.guid, status: 'resolved', impact: 'critical' });
    expect(incident.incident_updates.at(-1).affected_components[0].new_status).toBe('major_outage');
  });

  it('list groups as containers with their children, and components with group ids', async () => {
    await seedEverything();
    const { components } = await get('components.json');
    const rows = components.map((c: Record<string, unknown>) => [
      c.name,
      c.group,
      c.status,
      c.position,
    ]);
    expect(rows).toEqual([
      ['Public', true, 'partial_outage', 1],
      ['API', false, 'partial_outage', 2],
      ['Website', false, 'under_maintenance', 3],
      ['Internal', true, 'degraded_performance', 4],
      ['Database', false, 'degraded_performance', 5],
      ['Standalone', false, 'degraded_performance', 6],
    ]);
    expect(components[0].components).toEqual([components[1].id, components[2].id]);
    expect(components[1].group_id).toBe(components[0].id);
    expect(components[5].group_id).toBeNull();
    expect(components[1].description).toBe('The public REST API');
    expect(components[2].description).toBeNull();
  });

  it("give each component the latest change of the incidents on it, and a group its members' latest", async () => {
    const first = await createIncident(ctx, ADMIN, {
      components: ['Public - API', 'Internal - Database'],
      component_state: 3,
      created_at: hours(-3),
      messages: [{ title: 'Both slow', content: '' }],
    });
    t.clock.now = NOW + 600_000;
    await createIncident(ctx, ADMIN, {
      components: ['Public - Website'],
      component_state: 2,
      created_at: hours(-1),
      messages: [{ title: 'Website slow', content: '' }],
    });
    t.clock.now = NOW + 1_200_000;
    await addMessage(ctx, ADMIN, first.guid, {
      title: 'Database fine again',
      content: '',
      state: 2,
    });
    t.clock.now = NOW + 1_800_000;
    const { components } = await get('components.json');
    const updated = Object.fromEntries(
      components.map((c: Record<string, unknown>) => [c.name, c.updated_at]),
    );
    const at = (ms: number) => new Date(NOW + ms).toISOString();
    expect(updated).toEqual({
      Public: at(1_200_000),
      API: at(1_200_000),
      // A new incident's updated_at is its start, as statusetat has it.
      Website: hours(-1),
      Internal: at(1_200_000),
      Database: at(1_200_000),
      // Untouched: the earliest time in the data stands in for its creation.
      Standalone: hours(-3),
    });
  });
});

describe('the rollup indicator', () => {
  const OPEN: IncidentState[] = [0, 2, 3];
  const INDICATOR_OF: Record<ComponentState, string> = {
    0: 'none',
    1: 'none',
    2: 'minor',
    3: 'major',
    4: 'critical',
  };
  const matrix = ([0, 1, 2, 3, 4] as ComponentState[]).flatMap((componentState) =>
    ([0, 1, 2, 3, 4] as IncidentState[]).flatMap((state) =>
      [false, true].map((maintenance) => ({ componentState, state, maintenance })),
    ),
  );

  it('is the worst of open incident impacts and component states; maintenance never masks an outage', async () => {
    for (const { componentState, state, maintenance } of matrix) {
      const created = [
        await createIncident(ctx, ADMIN, {
          components: ['Public - API'],
          component_state: componentState,
          state,
          messages: [{ title: 'x', content: '' }],
        }),
        ...(maintenance
          ? [
              await createIncident(ctx, ADMIN, {
                components: ['Public - API'],
                is_scheduled: true,
                created_at: hours(-1),
                scheduled_end: hours(1),
                messages: [{ title: 'm', content: '' }],
              }),
            ]
          : []),
      ];
      const expected = OPEN.includes(state) ? INDICATOR_OF[componentState] : 'none';
      const { status, components } = await get('summary.json');
      const label = JSON.stringify({ componentState, state, maintenance });
      expect(status.indicator, label).toBe(expected);
      expect(INDICATORS).toContain(status.indicator);
      const apiState = Math.max(OPEN.includes(state) ? componentState : 0, maintenance ? 1 : 0);
      expect(components.find((c: { name: string }) => c.name === 'API').status, label).toBe(
        [
          'operational',
          'under_maintenance',
          'degraded_performance',
          'partial_outage',
          'major_outage',
        ][apiState],
      );
      const underMaintenanceOnly = expected === 'none' && apiState === 1;
      expect(status.description, label).toBe(
        underMaintenanceOnly
          ? 'Service Under Maintenance'
          : {
              none: 'All Systems Operational',
              minor: 'Partially Degraded Service',
              major: 'Partial System Outage',
              critical: 'Major Service Outage',
            }[expected],
      );
      for (const incident of created) await deleteIncident(ctx, ADMIN, incident.guid);
    }
  });

  it('counts open incidents on components outside the config and manual overrides', async () => {
    await setComponentOverride(ctx, ADMIN, 'Standalone', { state: 4 });
    expect((await get('status.json')).status.indicator).toBe('critical');
  });
});

describe('HTTP caching and CORS', () => {
  it('sends an ETag and Cache-Control, answers 304 on If-None-Match, and a new ETag after a change', async () => {
    const first = await t.request('/api/v2/summary.json');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[a-z0-9]+"$/);
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const again = await t.request('/api/v2/summary.json', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect(
      (await t.request('/api/v2/summary.json', { headers: { 'If-None-Match': `W/"x", ${etag}` } }))
        .status,
    ).toBe(304);
    await createIncident(ctx, ADMIN, {
      components: ['Public - API'],
      messages: [{ title: 'x', content: '' }],
    });
    const changed = await t.request('/api/v2/summary.json', { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('is open to every origin for GET', async () => {
    const response = await t.request('/api/v2/status.json', {
      headers: { Origin: 'https://dashboard.example' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await t.request('/api/v2/status.json', {
      method: 'OPTIONS',
      headers: { Origin: 'https://x.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');
  });

  it('builds the documents once per store version and time bucket', async () => {
    const deps = apiDeps({
      config: testConfig(),
      store: t.replicas.stores[0]!,
      logger: silentLogger,
      startedAt: new Date(NOW),
      now: () => t.clock.now,
    });
    const cache = createStatuspageCache(deps);
    for (const endpoint of STATUSPAGE_ENDPOINTS) cache.render(endpoint);
    cache.render('summary.json');
    expect(cache.builds).toBe(1);
    await createIncident(ctx, ADMIN, {
      components: ['Public - API'],
      messages: [{ title: 'x', content: '' }],
    });
    cache.render('summary.json');
    expect(cache.builds).toBe(2);
    t.clock.now += 60_000;
    cache.render('status.json');
    expect(cache.builds).toBe(3);
  });
});
