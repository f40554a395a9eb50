/**
 * Random JSON, near-valid documents and random strings thrown at every write route of the
 * statusetat-compatible and native APIs: never a 5xx; a rejected request leaves the store
 * exactly as it was; an accepted one leaves every incident valid and adds one audit entry.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordStore } from '../replication/types.ts';
import { domainView } from '../domain/read-model.ts';
import { domainSettings } from '../domain/read-model.ts';
import { testConfig } from '../../test/support/domain-fixtures.ts';
import { AUTH, startTestApp, type TestApp } from '../../test/support/test-app.ts';

const RUNS = 60;
const KINDS = ['incident', 'incident_field', 'incident_update', 'component', 'subscriber', 'audit'];
const settings = domainSettings(testConfig());

let t: TestApp;
let store: RecordStore;
let incident: string;
const message = 'first';

beforeAll(async () => {
  t = await startTestApp();
  store = t.replicas.stores[0]!;
  const response = await t.request('/v1/incidents', {
    method: 'POST',
    auth: AUTH.admin,
    json: {
      components: ['Public - API'],
      messages: [
        { guid: message, title: 'a', content: 'b' },
        { guid: 'second', title: 'c', content: 'd' },
      ],
    },
  });
  incident = ((await response.json()) as { guid: string }).guid;
});
afterAll(() => t.stop());

/** Every record's identity and rev: equal snapshots mean nothing was written. */
const snapshot = () =>
  KINDS.flatMap((kind) => store.list(kind).map((r) => `${kind}/${r.id}@${r.rev}`)).sort();

function expectValidDomain() {
  const known = new Set(settings.components.map((c) => c.id));
  for (const i of domainView(store, settings).incidents) {
    expect(i.messages.length, `incident ${i.guid} has messages`).toBeGreaterThan(0);
    expect(i.components.length).toBeGreaterThan(0);
    for (const c of i.components) expect(known.has(c), c).toBe(true);
  }
}

// Values that reach past the type checks into the domain's rules, mixed with anything at all.
const plausible = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    -1,
    0,
    1,
    2,
    3,
    4,
    5,
    1.5,
    true,
    false,
    null,
    '',
    'resolved',
    'monitoring',
    'major_outage',
    'maintenance',
    'known_issue',
  ),
  fc.constantFrom(
    '2026-11-20T10:00:00Z',
    '2026-11-20T10:00:00+05:00',
    '0001-01-01T00:00:00Z',
    '2026-11-20',
    '2026-02-31T00:00:00Z',
    'not a date',
  ),
  fc.constantFrom(['Public - API'], ['x - y'], [], ['Public - API', 'Standalone'], 'Public - API'),
  fc.constantFrom(
    [{ title: 't', content: 'c' }],
    [],
    [{ guid: 'first', title: 'x' }],
    [{ guid: 'a', title: 1 }],
    [{ guid: 'd' }, { guid: 'd' }],
  ),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);
const KEYS = [
  'guid',
  'created_at',
  'state',
  'component_state',
  'components',
  'messages',
  'metadata',
  'is_scheduled',
  'scheduled_end',
  'persistent',
  'no_notify',
  'title',
  'content',
  'type',
  'component_status',
  'starts_at',
  'ends_at',
  'status',
  'note',
  'email',
  'colour',
];
const changes = (maxKeys: number) =>
  fc.dictionary(fc.constantFrom(...KEYS), plausible, { maxKeys });
const nearValid = changes(8).map((o) => JSON.stringify(o));
/** A valid body with up to two fields changed or added: most of these pass the types and meet the domain rules. */
const mutated = (valid: object) => changes(2).map((o) => JSON.stringify({ ...valid, ...o }));
const bodyFor = (route: WriteRoute) =>
  fc.oneof(
    fc.json(),
    nearValid,
    mutated(route.valid),
    mutated(route.valid),
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('', '{', 'null', '[]', '{"messages":[]}', '"x"'),
  );
const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  undefined,
);

interface WriteRoute {
  method: string;
  path: () => string;
  auth: string;
  /** A body the route accepts, for mutated variants. */
  valid: object;
}

const V1_INCIDENT = {
  components: ['Public - API'],
  state: 0,
  component_state: 2,
  messages: [{ title: 't', content: 'c' }],
};
const NATIVE_INCIDENT = { title: 't', content: 'c', components: ['Public - API'] };

const WRITE_ROUTES: WriteRoute[] = [
  { method: 'POST', path: () => '/v1/incidents', auth: AUTH.admin, valid: V1_INCIDENT },
  { method: 'PUT', path: () => `/v1/incidents/${incident}`, auth: AUTH.admin, valid: { state: 2 } },
  {
    method: 'PUT',
    path: () => `/v1/incidents/${incident}?partial_update_message`,
    auth: AUTH.admin,
    valid: { messages: [{ guid: message, title: 'x', content: 'y' }] },
  },
  {
    method: 'POST',
    path: () => `/v1/incidents/${incident}/messages`,
    auth: AUTH.admin,
    valid: { title: 't', content: 'c' },
  },
  {
    method: 'PUT',
    path: () => `/v1/incidents/${incident}/messages/${message}`,
    auth: AUTH.admin,
    valid: { title: 't', content: 'c' },
  },
  { method: 'POST', path: () => '/v1/markdown/preview', auth: AUTH.admin, valid: {} },
  { method: 'POST', path: () => '/api/v1/incidents', auth: AUTH.root, valid: NATIVE_INCIDENT },
  {
    method: 'PATCH',
    path: () => `/api/v1/incidents/${incident}`,
    auth: AUTH.root,
    valid: { state: 'monitoring' },
  },
  {
    method: 'POST',
    path: () => `/api/v1/incidents/${incident}/updates`,
    auth: AUTH.root,
    valid: { title: 't', content: 'c' },
  },
  {
    method: 'PATCH',
    path: () => `/api/v1/incidents/${incident}/updates/${message}`,
    auth: AUTH.root,
    valid: { content: 'c' },
  },
  {
    method: 'POST',
    path: () => `/api/v1/incidents/${incident}/resolve`,
    auth: AUTH.root,
    valid: {},
  },
  {
    method: 'PUT',
    path: () => `/api/v1/components/${encodeURIComponent('Public - API')}/override`,
    auth: AUTH.root,
    valid: { status: 'partial_outage' },
  },
  {
    method: 'POST',
    path: () => '/api/v1/subscribers',
    auth: AUTH.root,
    valid: { email: 'a@b.io' },
  },
];

async function checkRequest(
  method: string,
  path: string,
  auth: string,
  requestBody: string | undefined,
  type: string | undefined,
) {
  const before = snapshot();
  const auditBefore = store.list('audit').length;
  const response = await t.request(path, {
    method,
    auth,
    ...(requestBody === undefined ? {} : { body: requestBody }),
    headers: type ? { 'Content-Type': type } : {},
  });
  await response.arrayBuffer();
  expect(response.status, `${method} ${path} ${requestBody?.slice(0, 200)}`).toBeLessThan(500);
  if (response.status >= 400) {
    expect(snapshot(), `${method} ${path} answered ${response.status} but wrote`).toEqual(before);
  } else {
    expect(store.list('audit').length - auditBefore).toBeLessThanOrEqual(1);
    expectValidDomain();
  }
}

describe('every write route under random input', () => {
  it.each(
    WRITE_ROUTES.map((r) => [r.method, r.path().replace(/[0-9a-f-]{36}/, '{guid}'), r] as const),
  )('%s %s never fails with 5xx nor writes when it refuses', async (_m, _p, route) => {
    await fc.assert(
      fc.asyncProperty(bodyFor(route), contentType, async (requestBody, type) => {
        await checkRequest(route.method, route.path(), route.auth, requestBody, type);
      }),
      { numRuns: RUNS },
    );
  });

  it('subscribe, unsubscribe and every delete take random ids and addresses without a 5xx', async () => {
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom('a@b.io', 'Bob <bob@x.io>', '', '%', '..', incident, 'first'),
    );
    type IdRoute = (a: string, b: string) => [string, string];
    const e = encodeURIComponent;
    const routes: IdRoute[] = [
      (a) => ['GET', `/v1/subscribe?email=${e(a)}`],
      (a) => ['POST', `/v1/unsubscribe?email=${e(a)}`],
      (a) => ['DELETE', `/v1/incidents/${e(a)}`],
      (a, b) => ['DELETE', `/v1/incidents/${e(a)}/messages/${e(b)}`],
      (a) => ['DELETE', `/api/v1/subscribers/${e(a)}`],
      (a) => ['DELETE', `/api/v1/components/${e(a)}/override`],
      (a, b) => ['DELETE', `/api/v1/incidents/${e(a)}/updates/${e(b)}`],
    ];
    await fc.assert(
      fc.asyncProperty(text, text, fc.constantFrom(...routes), async (a, b, route) => {
        const [method, path] = route(a, b);
        await checkRequest(method, path, AUTH.root, undefined, undefined);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
