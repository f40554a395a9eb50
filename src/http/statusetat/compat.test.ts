/**
 * Replays the request sequences statusetat's own API tests and documentation describe (create,
 * update, message, maintenance and subscriber calls), the way its Go client sends them, and
 * checks every response's status code, field names, field order and types.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInstant } from '../../domain/time.ts';
import { AUTH, startTestApp, type TestApp } from '../../../test/support/test-app.ts';

const NOW = Date.UTC(2026, 10, 21, 12);
const day = (n: number) => new Date(NOW + n * 86_400_000).toISOString().replace('.000Z', 'Z');

const INCIDENT_FIELDS = [
  'guid',
  'created_at',
  'updated_at',
  'state',
  'component_state',
  'components',
  'messages',
  'metadata',
  'is_scheduled',
  'scheduled_end',
  'origin',
  'persistent',
];
const MESSAGE_FIELDS = ['guid', 'incident_guid', 'created_at', 'title', 'content'];

type Json = Record<string, unknown>;

const isTime = (value: unknown) => typeof value === 'string' && parseInstant(value) !== null;

function expectMessageShape(message: unknown) {
  expect(Object.keys(message as Json)).toEqual(MESSAGE_FIELDS);
  const m = message as Json;
  expect(typeof m.guid).toBe('string');
  expect(typeof m.incident_guid).toBe('string');
  expect(isTime(m.created_at)).toBe(true);
  expect(typeof m.title).toBe('string');
  expect(typeof m.content).toBe('string');
}

function expectIncidentShape(incident: unknown) {
  expect(Object.keys(incident as Json)).toEqual(INCIDENT_FIELDS);
  const i = incident as Json;
  expect(i.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  for (const field of ['created_at', 'updated_at', 'scheduled_end'])
    expect(isTime(i[field]), field).toBe(true);
  expect(Number.isInteger(i.state)).toBe(true);
  expect(Number.isInteger(i.component_state)).toBe(true);
  expect((i.components as unknown[]).every((c) => typeof c === 'string')).toBe(true);
  (i.messages as unknown[]).forEach(expectMessageShape);
  expect(Array.isArray(i.metadata)).toBe(true);
  for (const m of i.metadata as Json[])
    expect(Object.keys(m)).toEqual(['incident_guid', 'key', 'value']);
  expect(typeof i.is_scheduled).toBe('boolean');
  expect(typeof i.origin).toBe('string');
  expect(typeof i.persistent).toBe('boolean');
}

/** A Go `IncidentUpdateRequest` with only some pointers set: the rest marshal as null, times as the zero time. */
function goUpdateRequest(fields: Json): Json {
  return {
    component_state: null,
    state: null,
    is_scheduled: null,
    persistent: null,
    components: null,
    metadata: null,
    messages: null,
    scheduled_end: '0001-01-01T00:00:00Z',
    created_at: '0001-01-01T00:00:00Z',
    no_notify: false,
    ...fields,
  };
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ now: NOW });
});
afterAll(() => t.stop());

async function call(
  method: string,
  path: string,
  options: { json?: unknown; auth?: boolean } = {},
) {
  const response = await t.request(path, {
    method,
    ...(options.auth === false ? {} : { auth: AUTH.admin }),
    ...(options.json === undefined ? {} : { json: options.json }),
  });
  const text = await response.text();
  const type = response.headers.get('content-type');
  return {
    status: response.status,
    type,
    text,
    json: text && type?.startsWith('application/json') ? (JSON.parse(text) as unknown) : undefined,
  };
}

describe('a statusetat client, unchanged', () => {
  const guids: Record<string, string> = {};

  it('creates incidents at -8d, -2d, now and +1d and a scheduled task (201, server fields filled)', async () => {
    for (const [name, offset] of [
      ['old', -8],
      ['recent', -2],
      ['now', 0],
      ['future', 1],
    ] as const) {
      const created = await call('POST', '/v1/incidents', {
        json: {
          guid: 'ignored',
          created_at: day(offset),
          updated_at: '0001-01-01T00:00:00Z',
          state: 0,
          component_state: 2,
          components: ['Public - API'],
          messages: [
            {
              guid: '',
              incident_guid: '',
              created_at: '0001-01-01T00:00:00Z',
              title: `${name} incident`,
              content: 'content',
            },
          ],
          metadata: null,
          is_scheduled: false,
          scheduled_end: '0001-01-01T00:00:00Z',
          origin: '',
          persistent: false,
        },
      });
      expect(created.status).toBe(201);
      expect(created.type).toBe('application/json; charset=utf-8');
      expect(created.text.endsWith('\n')).toBe(false);
      expectIncidentShape(created.json);
      const incident = created.json as Json;
      expect(incident.guid).not.toBe('ignored');
      expect(incident.origin).toBe('https://status.example.test');
      expect(incident.created_at).toBe(day(offset));
      // statusetat's updated_at is the created_at, except that a start to come has not happened yet.
      expect(parseInstant(incident.updated_at as string)).toBe(
        Math.min(parseInstant(day(offset))!, t.clock.now),
      );
      guids[name] = incident.guid as string;
    }
    const scheduled = await call('POST', '/v1/incidents', {
      json: {
        components: ['Public - API'],
        is_scheduled: true,
        created_at: day(1.2),
        scheduled_end: day(1.5),
        messages: [{ title: 'maintenance', content: '' }],
      },
    });
    expect(scheduled.status).toBe(201);
    expect((scheduled.json as Json).component_state).toBe(1);
    guids.scheduled = (scheduled.json as Json).guid as string;
  });

  it('refuses a scheduled task without end (412, statusetat error shape)', async () => {
    const refused = await call('POST', '/v1/incidents', {
      json: { components: ['Public - API'], is_scheduled: true, messages: [{ title: 'x' }] },
    });
    expect(refused.status).toBe(412);
    expect(refused.text.endsWith('\n')).toBe(true);
    expect(Object.keys(refused.json as Json)).toEqual(['description', 'detail', 'status']);
    expect(refused.json).toMatchObject({ description: 'Precondition Failed', status: 412 });
  });

  it('lists the last 7 days by default, newest first; a wider window and all_types add the rest', async () => {
    const list = await call('GET', '/v1/incidents', { auth: false });
    expect(list.status).toBe(200);
    (list.json as unknown[]).forEach(expectIncidentShape);
    expect((list.json as Json[]).map((i) => i.guid)).toEqual([guids.now, guids.recent]);
    const window = `from=${encodeURIComponent(day(-10))}&to=${encodeURIComponent(day(2))}`;
    expect(
      ((await call('GET', `/v1/incidents?${window}`, { auth: false })).json as Json[]).map(
        (i) => i.guid,
      ),
    ).toEqual([guids.future, guids.now, guids.recent, guids.old]);
    expect(
      (
        (await call('GET', `/v1/incidents?${window}&all_types=1`, { auth: false })).json as Json[]
      ).map((i) => i.guid),
    ).toEqual([guids.scheduled, guids.future, guids.now, guids.recent, guids.old]);
  });

  it('reads one incident', async () => {
    const one = await call('GET', `/v1/incidents/${guids.now}`, { auth: false });
    expect(one.status).toBe(200);
    expectIncidentShape(one.json);
  });

  it('updates only what a Go client sets, and changes updated_at', async () => {
    const before = (await call('GET', `/v1/incidents/${guids.now}`)).json as Json;
    t.clock.now += 5 * 60_000;
    const updated = await call('PUT', `/v1/incidents/${guids.now}`, {
      json: goUpdateRequest({ state: 2, no_notify: true }),
    });
    expect(updated.status).toBe(200);
    expectIncidentShape(updated.json);
    const after = updated.json as Json;
    expect(after.state).toBe(2);
    for (const field of [
      'created_at',
      'component_state',
      'components',
      'is_scheduled',
      'scheduled_end',
      'persistent',
    ])
      expect(after[field], field).toEqual(before[field]);
    // The state change is on the timeline, on top of the messages that were there.
    expect((after.messages as Json[]).slice(1)).toEqual(before.messages);
    expect((after.messages as Json[])[0]).toMatchObject({
      title: '',
      content: 'State changed to monitoring.',
    });
    expect(after.updated_at).not.toBe(before.updated_at);
  });

  it('replaces messages without partial_update_message, and edits the matching one with it', async () => {
    const replaced = await call('PUT', `/v1/incidents/${guids.now}`, {
      json: goUpdateRequest({
        messages: [
          { guid: 'm2', title: 'second', content: 'b' },
          { guid: 'm1', title: 'first', content: 'a' },
        ],
      }),
    });
    expect(replaced.status).toBe(200);
    expect(((replaced.json as Json).messages as Json[]).map((m) => m.guid)).toEqual(['m2', 'm1']);
    const partial = await call('PUT', `/v1/incidents/${guids.now}?partial_update_message=true`, {
      json: goUpdateRequest({ messages: [{ guid: 'm1', title: 'first!', content: 'a!' }] }),
    });
    expect(
      ((partial.json as Json).messages as Json[]).map((m) => [m.guid, m.title, m.content]),
    ).toEqual([
      ['m2', 'second', 'b'],
      ['m1', 'first!', 'a!'],
    ]);
  });

  it('adds (201), lists, reads, updates (200) and deletes (200) messages', async () => {
    const added = await call('POST', `/v1/incidents/${guids.now}/messages`, {
      json: { title: 'third', content: 'c' },
    });
    expect(added.status).toBe(201);
    expectIncidentShape(added.json);
    const third = ((added.json as Json).messages as Json[])[0]!;
    expect(third.title).toBe('third');

    const list = await call('GET', `/v1/incidents/${guids.now}/messages`, { auth: false });
    expect(list.status).toBe(200);
    (list.json as unknown[]).forEach(expectMessageShape);
    expect((list.json as Json[]).map((m) => m.title)).toEqual(['third', 'second', 'first!']);

    const one = await call('GET', `/v1/incidents/${guids.now}/messages/${third.guid as string}`, {
      auth: false,
    });
    expect(one.status).toBe(200);
    expectMessageShape(one.json);

    const edited = await call(
      'PUT',
      `/v1/incidents/${guids.now}/messages/${third.guid as string}`,
      { json: { guid: 'ignored', title: 'third!', content: 'c!' } },
    );
    expect(edited.status).toBe(200);
    expect(((edited.json as Json).messages as Json[])[0]).toMatchObject({
      guid: third.guid,
      title: 'third!',
      content: 'c!',
    });

    const deleted = await call(
      'DELETE',
      `/v1/incidents/${guids.now}/messages/${third.guid as string}`,
    );
    expect(deleted.status).toBe(200);
    expect(((deleted.json as Json).messages as Json[]).map((m) => m.guid)).toEqual(['m2', 'm1']);
  });

  it('lists persistent incidents apart from the by-date list', async () => {
    const created = await call('POST', '/v1/incidents', {
      json: { components: ['Standalone'], persistent: true, messages: [{ title: 'known' }] },
    });
    const persistent = await call('GET', '/v1/persistent_incidents', { auth: false });
    expect(persistent.status).toBe(200);
    (persistent.json as unknown[]).forEach(expectIncidentShape);
    expect((persistent.json as Json[]).map((i) => i.guid)).toEqual([(created.json as Json).guid]);
    expect(
      ((await call('GET', '/v1/incidents', { auth: false })).json as Json[]).some(
        (i) => i.persistent,
      ),
    ).toBe(false);
  });

  it('notifies (200, empty) and deletes (200, empty), after which the incident is 404', async () => {
    const notified = await call('PUT', `/v1/incidents/${guids.recent}/notify`);
    expect([notified.status, notified.text]).toEqual([200, '']);
    const deleted = await call('DELETE', `/v1/incidents/${guids.recent}`);
    expect([deleted.status, deleted.text]).toEqual([200, '']);
    expect((await call('GET', `/v1/incidents/${guids.recent}`, { auth: false })).status).toBe(404);
  });

  it('subscribes as an admin (201, twice is fine) and unsubscribes (as an admin: anonymous callers get a page that says how)', async () => {
    expect((await call('POST', '/v1/subscribe?email=ops@example.com')).status).toBe(201);
    expect((await call('POST', '/v1/subscribe?email=ops@example.com')).status).toBe(201);
    const subscribers = await call('GET', '/v1/subscribers');
    expect(subscribers.json).toEqual(['ops@example.com']);
    const anonymous = await call('GET', '/v1/unsubscribe?email=ops@example.com', { auth: false });
    expect([anonymous.status, anonymous.text]).toEqual([
      200,
      expect.stringContaining('was not removed'),
    ]);
    expect((await call('GET', '/v1/subscribers')).json).toEqual(['ops@example.com']);
    const gone = await call('GET', '/v1/unsubscribe?email=ops@example.com');
    expect([gone.status, gone.text]).toEqual([200, 'you have successfully unsubscribed']);
    expect((await call('GET', '/v1/subscribers')).json).toEqual([]);
  });

  it('answers every write route with 401 without credentials', async () => {
    for (const [method, path] of [
      ['POST', '/v1/incidents'],
      ['PUT', `/v1/incidents/${guids.now}`],
      ['DELETE', `/v1/incidents/${guids.now}`],
      ['PUT', `/v1/incidents/${guids.now}/notify`],
      ['POST', `/v1/incidents/${guids.now}/messages`],
      ['PUT', `/v1/incidents/${guids.now}/messages/m1`],
      ['DELETE', `/v1/incidents/${guids.now}/messages/m1`],
      ['GET', '/v1/subscribers'],
    ]) {
      const response = await call(method!, path!, { auth: false });
      expect([response.status, response.text], `${method} ${path}`).toEqual([
        401,
        'Unauthorized\n',
      ]);
    }
  });
});
