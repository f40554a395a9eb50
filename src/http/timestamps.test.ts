/**
 * No surface shows a time that has not happened yet (except a maintenance window itself), and a
 * state change made through `/v1` leaves a timeline that Statuspage clients read. Every check runs
 * on the apps' injected clock, fixed at NOW and moved by hand.
 */
import { XMLParser } from 'fast-xml-parser';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH, startTestApp, type TestApp } from '../../test/support/test-app.ts';

const NOW = Date.UTC(2026, 2, 10, 9, 30);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const TOMORROW = NOW + 24 * HOUR;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

// The only fields allowed in the future: the announced window of a maintenance.
const WINDOW_FIELDS = new Set([
  'scheduled_for',
  'scheduled_until',
  'starts_at',
  'ends_at',
  'scheduled_end',
]);
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;

/** Every time in a JSON document outside the window fields, with its path. */
function timesIn(value: unknown, path = ''): [string, number][] {
  if (typeof value === 'string') return TIME.test(value) ? [[path, Date.parse(value)]] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => timesIn(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) =>
      WINDOW_FIELDS.has(key) ? [] : timesIn(v, path ? `${path}.${key}` : key),
    );
  }
  return [];
}

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ now: NOW });
});
afterEach(() => t.stop());

async function json(path: string, init: Parameters<TestApp['request']>[1] = {}) {
  const response = await t.request(path, init);
  expect(response.status, path).toBeLessThan(300);
  return (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const scheduleTomorrow = (state = 'unresolved') =>
  json('/api/v1/incidents', {
    method: 'POST',
    auth: AUTH.writer,
    json: {
      type: 'maintenance',
      title: 'Database upgrade',
      state,
      components: ['Public - API'],
      starts_at: iso(TOMORROW),
      ends_at: iso(TOMORROW + 2 * HOUR),
    },
  });

function expectNothingAfter(now: number, document: unknown, label: string) {
  const times = timesIn(document);
  expect(times.length, label).toBeGreaterThan(0);
  for (const [path, ms] of times) expect(ms, `${label} ${path}`).toBeLessThanOrEqual(now);
}

async function feedTimes() {
  const rss = parser.parse(await (await t.request('/rss.xml')).text()).rss.channel;
  const atom = parser.parse(await (await t.request('/atom.xml')).text()).feed;
  const calendar = new ICAL.Component(
    ICAL.parse(await (await t.request('/cal.ics')).text()) as unknown[],
  );
  const [event] = calendar.getAllSubcomponents('vevent');
  const ical = (name: string) =>
    (event!.getFirstPropertyValue(name) as ICAL.Time).toJSDate().getTime();
  return {
    rss: {
      lastBuildDate: Date.parse(rss.lastBuildDate),
      pubDate: Date.parse(asArray<{ pubDate: string }>(rss.item)[0]!.pubDate),
    },
    atom: {
      updated: Date.parse(atom.updated),
      entryUpdated: Date.parse(asArray<{ updated: string }>(atom.entry)[0]!.updated),
      published: Date.parse(asArray<{ published: string }>(atom.entry)[0]!.published),
    },
    ical: { created: ical('created'), lastModified: ical('last-modified'), start: ical('dtstart') },
  };
}

describe('scheduling tomorrow’s maintenance today', () => {
  it('puts no future time on any surface; the window stays where it was announced', async () => {
    const created = await scheduleTomorrow();
    const v1 = await json(`/v1/incidents/${created.id}`);
    for (const endpoint of [
      'summary.json',
      'components.json',
      'incidents.json',
      'scheduled-maintenances.json',
      'scheduled-maintenances/upcoming.json',
    ]) {
      expectNothingAfter(NOW, await json(`/api/v2/${endpoint}`), endpoint);
    }
    // statusetat's created_at is a maintenance's start, which /v1 keeps: its other times are bounded by the clock.
    expectNothingAfter(NOW, { ...v1, created_at: undefined }, '/v1');
    expectNothingAfter(
      NOW,
      await json(`/api/v1/incidents/${created.id}`, { auth: AUTH.reader }),
      '/api/v1',
    );

    const summary = await json('/api/v2/summary.json');
    expect(summary.page.updated_at).toBe(iso(NOW));
    const [maintenance] = summary.scheduled_maintenances;
    expect(maintenance).toMatchObject({
      status: 'scheduled',
      created_at: iso(NOW),
      updated_at: iso(NOW),
      scheduled_for: iso(TOMORROW),
      scheduled_until: iso(TOMORROW + 2 * HOUR),
    });
    expect(Date.parse(v1.updated_at)).toBe(NOW);
    expect(Date.parse(v1.created_at)).toBe(TOMORROW);

    const feeds = await feedTimes();
    for (const [name, ms] of Object.entries({
      ...feeds.rss,
      ...feeds.atom,
      created: feeds.ical.created,
      lastModified: feeds.ical.lastModified,
    })) {
      expect(ms, name).toBeLessThanOrEqual(NOW);
    }
    expect(feeds.atom.published).toBe(NOW);
    expect(feeds.ical.created).toBe(NOW);
    expect(feeds.ical.start).toBe(TOMORROW);
  });

  it('keeps created_at ≤ updated_at ≤ now as the clock passes the start and the end, and a completed maintenance has resolved_at', async () => {
    const created = await scheduleTomorrow('idle');
    for (const [label, at] of [
      ['before', NOW + HOUR],
      ['during', TOMORROW + HOUR],
      ['after', TOMORROW + 5 * HOUR],
    ] as const) {
      t.clock.now = at;
      const summary = await json('/api/v2/summary.json');
      const [maintenance] = (await json('/api/v2/scheduled-maintenances.json'))
        .scheduled_maintenances;
      expectNothingAfter(at, summary, label);
      expectNothingAfter(at, maintenance, label);
      expect(Date.parse(maintenance.created_at), label).toBeLessThanOrEqual(
        Date.parse(maintenance.updated_at),
      );
      const api = summary.components.find((c: { name: string }) => c.name === 'API');
      expect(Date.parse(api.created_at), label).toBeLessThanOrEqual(Date.parse(api.updated_at));
      expect(Date.parse(summary.page.updated_at), label).toBeGreaterThanOrEqual(
        Date.parse(api.updated_at),
      );
    }
    // The end already happened: that is the maintenance's, its component's and the page's last change.
    const [done] = (await json('/api/v2/scheduled-maintenances.json')).scheduled_maintenances;
    expect(done).toMatchObject({
      id: created.id,
      status: 'completed',
      created_at: iso(NOW),
      updated_at: iso(TOMORROW + 2 * HOUR),
      resolved_at: iso(TOMORROW + 2 * HOUR),
    });
    const summary = await json('/api/v2/summary.json');
    expect(summary.page.updated_at).toBe(iso(TOMORROW + 2 * HOUR));
    expect(summary.components.find((c: { name: string }) => c.name === 'API').updated_at).toBe(
      iso(TOMORROW + 2 * HOUR),
    );
    const feeds = await feedTimes();
    // RSS dates an item by its announcement, Atom and iCal also say when it last changed.
    expect(feeds.rss).toEqual({ pubDate: NOW, lastBuildDate: TOMORROW + 2 * HOUR });
    expect(feeds.atom).toEqual({
      published: NOW,
      entryUpdated: TOMORROW + 2 * HOUR,
      updated: TOMORROW + 2 * HOUR,
    });
    expect(feeds.ical).toMatchObject({ created: NOW, lastModified: TOMORROW + 2 * HOUR });
  });

  it('never shows a future time through /v1 either, whatever the client sends as created_at', async () => {
    const created = await json('/v1/incidents', {
      method: 'POST',
      auth: AUTH.admin,
      json: {
        components: ['Public - API'],
        is_scheduled: true,
        created_at: iso(TOMORROW),
        scheduled_end: iso(TOMORROW + HOUR),
        messages: [{ title: 'Window', content: '' }],
      },
    });
    expect(Date.parse(created.updated_at)).toBe(NOW);
    expectNothingAfter(NOW, await json('/api/v2/summary.json'), 'summary.json');
    expectNothingAfter(NOW, await json('/api/v2/incidents.json'), 'incidents.json');
  });
});

describe('a state change through PUT /v1/incidents/:id', () => {
  it('appears in the updates and sets monitoring_at and resolved_at', async () => {
    const created = await json('/v1/incidents', {
      method: 'POST',
      auth: AUTH.admin,
      json: {
        components: ['Public - API'],
        component_state: 3,
        messages: [{ title: 'API down', content: 'Looking' }],
      },
    });
    t.clock.now = NOW + 10 * 60_000;
    const monitoring = await json(`/v1/incidents/${created.guid}`, {
      method: 'PUT',
      auth: AUTH.admin,
      json: { state: 2 },
    });
    expect(monitoring.messages).toHaveLength(2);
    expect(monitoring.messages[1]).toEqual(created.messages[0]);
    t.clock.now = NOW + 30 * 60_000;
    await json(`/v1/incidents/${created.guid}`, {
      method: 'PUT',
      auth: AUTH.admin,
      json: { state: 1 },
    });

    const [incident] = (await json('/api/v2/incidents.json')).incidents;
    expect(
      incident.incident_updates.map((u: { status: string; created_at: string }) => [
        u.status,
        u.created_at,
      ]),
    ).toEqual([
      ['resolved', iso(NOW + 30 * 60_000)],
      ['monitoring', iso(NOW + 10 * 60_000)],
      ['investigating', iso(NOW)],
    ]);
    expect(incident).toMatchObject({
      status: 'resolved',
      monitoring_at: iso(NOW + 10 * 60_000),
      resolved_at: iso(NOW + 30 * 60_000),
      updated_at: iso(NOW + 30 * 60_000),
    });
    // The native API reads the same timeline.
    const native = await json(`/api/v1/incidents/${created.guid}`, { auth: AUTH.reader });
    expect(native.updates.map((u: { state: string }) => u.state)).toEqual([
      'resolved',
      'monitoring',
      'unresolved',
    ]);
  });

  it('gives new messages sent with the change the new state, keeps the old ones’ and adds no second entry', async () => {
    const created = await json('/v1/incidents', {
      method: 'POST',
      auth: AUTH.admin,
      json: {
        components: ['Public - API'],
        messages: [{ guid: 'm1', title: 'API down', content: 'Looking' }],
      },
    });
    t.clock.now = NOW + 60_000;
    await json(`/v1/incidents/${created.guid}`, {
      method: 'PUT',
      auth: AUTH.admin,
      json: {
        state: 1,
        messages: [
          { guid: 'm2', title: 'Fixed', content: 'Rolled back' },
          { guid: 'm1', title: 'API down', content: 'Looking' },
        ],
      },
    });
    const [incident] = (await json('/api/v2/incidents.json')).incidents;
    expect(
      incident.incident_updates.map((u: { id: string; status: string }) => [u.id, u.status]),
    ).toEqual([
      ['m2', 'resolved'],
      ['m1', 'investigating'],
    ]);
    expect(incident.resolved_at).toBe(iso(NOW + 60_000));
  });

  it('adds nothing when the state is unchanged', async () => {
    const created = await json('/v1/incidents', {
      method: 'POST',
      auth: AUTH.admin,
      json: { components: ['Public - API'], messages: [{ title: 'API down', content: '' }] },
    });
    const same = await json(`/v1/incidents/${created.guid}`, {
      method: 'PUT',
      auth: AUTH.admin,
      json: { state: 0, component_state: 4 },
    });
    expect(same.messages).toEqual(created.messages);
  });
});
