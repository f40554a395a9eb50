import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH, startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { NATIVE_ROUTES } from './index.ts';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ now: Date.UTC(2026, 10, 21, 12) });
});
afterEach(() => t.stop());

interface Problem {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}
interface IncidentResource {
  id: string;
  type: string;
  title: string;
  state: string;
  status: string;
  component_status: string;
  components: string[];
  starts_at: string;
  ends_at: string | null;
  metadata: Record<string, string>;
  updates: {
    id: string;
    title: string;
    content: string;
    content_html: string;
    state: string | null;
  }[];
}

const NEW = { title: 'API errors', content: 'We are **looking**', components: ['Public - API'] };

async function create(body: object = NEW, auth: string = AUTH.writer): Promise<IncidentResource> {
  const response = await t.request('/api/v1/incidents', { method: 'POST', auth, json: body });
  expect(response.status).toBe(201);
  return (await response.json()) as IncidentResource;
}

async function expectProblem(response: Response, status: number, code: string, paths?: string[]) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as Problem;
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  if (paths) expect(body.error.details?.map((d) => d.path)).toEqual(paths);
  return body;
}

const concrete = (path: string) =>
  path.replace('{id}', 'some-id').replace('{update_id}', 'u').replace('{email}', 'a@b.io');

describe('authentication and scopes', () => {
  it.each(NATIVE_ROUTES.map((r) => [r.method.toUpperCase(), r.path, r.scope] as const))(
    '%s %s needs credentials (401)',
    async (method, path) => {
      for (const auth of [
        undefined,
        AUTH.unknownToken,
        AUTH.wrongPassword,
        'Bearer',
        'Basic !!!',
        'Token x',
      ]) {
        const response = await t.request(concrete(path), { method, ...(auth ? { auth } : {}) });
        await expectProblem(response, 401, 'unauthorized');
        expect(response.headers.get('www-authenticate')).toContain('Bearer');
      }
    },
  );

  it.each(
    NATIVE_ROUTES.filter((r) => r.scope !== 'read').map(
      (r) => [r.method.toUpperCase(), r.path, r.scope] as const,
    ),
  )('%s %s is forbidden (403) without the %s scope', async (method, path, scope) => {
    const weaker = scope === 'admin' ? [AUTH.reader, AUTH.writer] : [AUTH.reader];
    for (const auth of weaker)
      await expectProblem(await t.request(concrete(path), { method, auth }), 403, 'forbidden');
  });

  it('lets admin tokens and the Basic admin user do everything, and names the actor in the audit log', async () => {
    await create(NEW, AUTH.root);
    await create(NEW, AUTH.admin);
    await create(NEW, AUTH.hashedWriter);
    const audit = (await (await t.request('/api/v1/audit', { auth: AUTH.root })).json()) as {
      entries: { actor: { type: string; name: string } }[];
    };
    expect(audit.entries.map((e) => e.actor)).toEqual([
      { type: 'token', name: 'hashed-writer' },
      { type: 'user', name: 'admin' },
      { type: 'token', name: 'root' },
    ]);
  });
});

describe('incidents', () => {
  it('creates, reads, lists, patches, posts updates, edits, resolves and deletes', async () => {
    const created = await create({
      ...NEW,
      component_status: 'major_outage',
      metadata: { ticket: 'OPS-1' },
    });
    expect(created).toMatchObject({
      type: 'incident',
      title: 'API errors',
      state: 'unresolved',
      status: 'investigating',
      component_status: 'major_outage',
      metadata: { ticket: 'OPS-1' },
    });
    expect(created.updates[0]!.content_html).toBe('<p>We are <strong>looking</strong></p>\n');

    expect(
      await (await t.request(`/api/v1/incidents/${created.id}`, { auth: AUTH.reader })).json(),
    ).toEqual(created);
    const list = (await (
      await t.request('/api/v1/incidents?state=open', { auth: AUTH.reader })
    ).json()) as { incidents: IncidentResource[]; next_before: string | null };
    expect(list.incidents.map((i) => i.id)).toEqual([created.id]);
    expect(list.next_before).toBeNull();

    const patched = (await (
      await t.request(`/api/v1/incidents/${created.id}`, {
        method: 'PATCH',
        auth: AUTH.writer,
        json: { title: 'API 500s', components: ['Public - API', 'Public - Website'] },
      })
    ).json()) as IncidentResource;
    expect(patched).toMatchObject({
      title: 'API 500s',
      components: ['Public - API', 'Public - Website'],
      state: 'unresolved',
    });

    const posted = await t.request(`/api/v1/incidents/${created.id}/updates`, {
      method: 'POST',
      auth: AUTH.writer,
      json: { title: 'Identified', content: 'DB', state: 'monitoring' },
    });
    expect(posted.status).toBe(201);
    const withUpdate = (await posted.json()) as IncidentResource;
    expect(withUpdate).toMatchObject({ state: 'monitoring', status: 'monitoring' });
    expect(withUpdate.updates[0]).toMatchObject({ title: 'Identified', state: 'monitoring' });

    const updateId = withUpdate.updates[0]!.id;
    const edited = (await (
      await t.request(`/api/v1/incidents/${created.id}/updates/${updateId}`, {
        method: 'PATCH',
        auth: AUTH.writer,
        json: { content: 'The database' },
      })
    ).json()) as IncidentResource;
    expect(edited.updates[0]).toMatchObject({ title: 'Identified', content: 'The database' });

    const afterDelete = (await (
      await t.request(`/api/v1/incidents/${created.id}/updates/${updateId}`, {
        method: 'DELETE',
        auth: AUTH.writer,
      })
    ).json()) as IncidentResource;
    expect(afterDelete.updates).toHaveLength(1);

    const resolved = await t.request(`/api/v1/incidents/${created.id}/resolve`, {
      method: 'POST',
      auth: AUTH.writer,
    });
    expect(resolved.status).toBe(200);
    expect(((await resolved.json()) as IncidentResource).state).toBe('resolved');

    const deleted = await t.request(`/api/v1/incidents/${created.id}`, {
      method: 'DELETE',
      auth: AUTH.writer,
    });
    expect(deleted.status).toBe(204);
    await expectProblem(
      await t.request(`/api/v1/incidents/${created.id}`, { auth: AUTH.reader }),
      404,
      'not_found',
    );
  });

  it('schedules maintenance and records known issues', async () => {
    const maintenance = await create({
      ...NEW,
      type: 'maintenance',
      starts_at: '2026-11-22T10:00:00+01:00',
      ends_at: '2026-11-22T12:00:00+01:00',
    });
    expect(maintenance).toMatchObject({
      type: 'maintenance',
      status: 'scheduled',
      component_status: 'under_maintenance',
      starts_at: '2026-11-22T10:00:00+01:00',
      ends_at: '2026-11-22T12:00:00+01:00',
    });
    const known = await create({
      ...NEW,
      type: 'known_issue',
      component_status: 'degraded_performance',
    });
    expect(known.type).toBe('known_issue');
    const list = async (query: string) =>
      (
        (await (await t.request(`/api/v1/incidents${query}`, { auth: AUTH.reader })).json()) as {
          incidents: IncidentResource[];
        }
      ).incidents.map((i) => i.id);
    expect(await list('?type=maintenance')).toEqual([maintenance.id]);
    expect(await list('?type=known_issue')).toEqual([known.id]);
    const unscheduled = (await (
      await t.request(`/api/v1/incidents/${maintenance.id}`, {
        method: 'PATCH',
        auth: AUTH.writer,
        json: { type: 'incident' },
      })
    ).json()) as IncidentResource;
    expect(unscheduled).toMatchObject({ type: 'incident', ends_at: null });
  });

  it('pages through the list with limit and next_before', async () => {
    for (let hour = 1; hour <= 5; hour++)
      await create({ ...NEW, starts_at: `2026-11-20T0${hour}:00:00Z` });
    const seen: string[] = [];
    let query = '?limit=2';
    for (;;) {
      const page = (await (
        await t.request(`/api/v1/incidents${query}`, { auth: AUTH.reader })
      ).json()) as { incidents: IncidentResource[]; next_before: string | null };
      seen.push(...page.incidents.map((i) => i.starts_at));
      if (!page.next_before) break;
      query = `?limit=2&before=${encodeURIComponent(page.next_before)}`;
    }
    expect(seen).toEqual([
      '2026-11-20T05:00:00Z',
      '2026-11-20T04:00:00Z',
      '2026-11-20T03:00:00Z',
      '2026-11-20T02:00:00Z',
      '2026-11-20T01:00:00Z',
    ]);
  });

  it('reaches every incident when many start at the same instant', async () => {
    const created = new Set<string>();
    for (let i = 0; i < 60; i++)
      created.add((await create({ ...NEW, starts_at: `2026-11-20T0${1 + (i % 3)}:00:00Z` })).id);
    const seen: string[] = [];
    let query = '?limit=7';
    for (let pages = 0; pages < 20; pages++) {
      const res = await t.request(`/api/v1/incidents${query}`, { auth: AUTH.reader });
      expect(res.status).toBe(200);
      const page = (await res.json()) as {
        incidents: IncidentResource[];
        next_before: string | null;
      };
      seen.push(...page.incidents.map((i) => i.id));
      if (!page.next_before) break;
      query = `?limit=7&before=${encodeURIComponent(page.next_before)}`;
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen)).toEqual(created);
  });

  it('refuses a cursor that is neither a time nor a next_before (400 naming before)', async () => {
    const res = await t.request('/api/v1/incidents?before=yesterday', { auth: AUTH.reader });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'before',
    );
  });

  it.each([
    [
      'an unknown component',
      { ...NEW, components: ['Public - API', 'x - y'] },
      ['components[1]'],
      'unknown component "x - y"',
    ],
    ['no components', { ...NEW, components: [] }, ['components'], undefined],
    ['a missing title', { content: 'x', components: ['Public - API'] }, ['title'], undefined],
    ['an unknown field', { ...NEW, colour: 'red' }, ['colour'], 'unknown field'],
    ['a bad state name', { ...NEW, state: 'on fire' }, ['state'], undefined],
    ['a malformed time', { ...NEW, starts_at: '2026-11-20' }, ['starts_at'], undefined],
    ['a maintenance without end', { ...NEW, type: 'maintenance' }, ['ends_at'], undefined],
    [
      'a maintenance ending before it starts',
      {
        ...NEW,
        type: 'maintenance',
        starts_at: '2026-11-22T10:00:00Z',
        ends_at: '2026-11-22T09:00:00Z',
      },
      ['ends_at'],
      undefined,
    ],
    ['a wrong type', { ...NEW, components: 'Public - API' }, ['components'], undefined],
  ])('rejects %s with 400, naming the field', async (_name, body, paths, message) => {
    const problem = await expectProblem(
      await t.request('/api/v1/incidents', { method: 'POST', auth: AUTH.writer, json: body }),
      400,
      'validation_failed',
      paths,
    );
    if (message) expect(problem.error.details![0]!.message).toBe(message);
    expect(t.replicas.stores[0]!.list('incident')).toEqual([]);
  });

  it('rejects bad JSON (400), the wrong content type (415) and big bodies (413)', async () => {
    await expectProblem(
      await t.request('/api/v1/incidents', {
        method: 'POST',
        auth: AUTH.writer,
        body: '{"title":',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'bad_request',
    );
    await expectProblem(
      await t.request('/api/v1/incidents', {
        method: 'POST',
        auth: AUTH.writer,
        body: JSON.stringify(NEW),
        headers: { 'Content-Type': 'text/plain' },
      }),
      415,
      'unsupported_media_type',
    );
    await expectProblem(
      await t.request('/api/v1/incidents', {
        method: 'POST',
        auth: AUTH.writer,
        body: JSON.stringify(NEW),
      }),
      415,
      'unsupported_media_type',
    );
    const big = JSON.stringify({ ...NEW, content: 'x'.repeat(300 * 1024) });
    await expectProblem(
      await t.request('/api/v1/incidents', {
        method: 'POST',
        auth: AUTH.writer,
        body: big,
        headers: { 'Content-Type': 'application/json' },
      }),
      413,
      'payload_too_large',
    );
  });

  it('validates patches, updates and queries', async () => {
    const created = await create();
    await expectProblem(
      await t.request(`/api/v1/incidents/${created.id}`, {
        method: 'PATCH',
        auth: AUTH.writer,
        json: {},
      }),
      400,
      'validation_failed',
    );
    await expectProblem(
      await t.request(`/api/v1/incidents/${created.id}`, {
        method: 'PATCH',
        auth: AUTH.writer,
        json: { ends_at: 5 },
      }),
      400,
      'validation_failed',
      ['ends_at'],
    );
    await expectProblem(
      await t.request(`/api/v1/incidents/${created.id}/updates`, {
        method: 'POST',
        auth: AUTH.writer,
        json: {},
      }),
      400,
      'validation_failed',
      ['content'],
    );
    await expectProblem(
      await t.request(`/api/v1/incidents/${created.id}/updates/${created.updates[0]!.id}`, {
        method: 'DELETE',
        auth: AUTH.writer,
      }),
      400,
      'validation_failed',
      ['updates'],
    );
    await expectProblem(
      await t.request('/api/v1/incidents?limit=0', { auth: AUTH.reader }),
      400,
      'validation_failed',
      ['limit'],
    );
    await expectProblem(
      await t.request('/api/v1/incidents?sort=x', { auth: AUTH.reader }),
      400,
      'validation_failed',
      ['sort'],
    );
  });

  it('answers unknown ids with 404', async () => {
    const created = await create();
    const unknown: [string, string, object?][] = [
      ['GET', '/api/v1/incidents/nope'],
      ['PATCH', '/api/v1/incidents/nope', { state: 'resolved' }],
      ['DELETE', '/api/v1/incidents/nope'],
      ['POST', '/api/v1/incidents/nope/updates', { content: 'x' }],
      ['POST', '/api/v1/incidents/nope/resolve', {}],
      ['PATCH', `/api/v1/incidents/${created.id}/updates/nope`, { content: 'x' }],
      ['DELETE', `/api/v1/incidents/${created.id}/updates/nope`],
    ];
    for (const [method, path, json] of unknown)
      await expectProblem(
        await t.request(path, { method, auth: AUTH.writer, ...(json ? { json } : {}) }),
        404,
        'not_found',
      );
  });
});

describe('components', () => {
  it('shows statuses with their sources, and sets and clears manual states', async () => {
    await create({ ...NEW, component_status: 'partial_outage' });
    const put = await t.request(
      `/api/v1/components/${encodeURIComponent('Public - Website')}/override`,
      { method: 'PUT', auth: AUTH.writer, json: { status: 'degraded_performance', note: 'CDN' } },
    );
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({
      id: 'Public - Website',
      status: 'degraded_performance',
      override: { status: 'degraded_performance', note: 'CDN', updated_by: 'deployer' },
    });
    const components = (await (
      await t.request('/api/v1/components', { auth: AUTH.reader })
    ).json()) as { id: string; status: string; sources: { kind: string }[] }[];
    expect(components.map((c) => [c.id, c.status, c.sources.map((s) => s.kind)])).toEqual([
      ['Public - API', 'partial_outage', ['incident']],
      ['Public - Website', 'degraded_performance', ['override']],
      ['Internal - Database', 'operational', []],
      ['Standalone', 'operational', []],
    ]);
    expect(await (await t.request('/api/v1/status', { auth: AUTH.reader })).json()).toMatchObject({
      indicator: 'major',
      description: 'Partial System Outage',
    });
    const cleared = await t.request(
      `/api/v1/components/${encodeURIComponent('Public - Website')}/override`,
      { method: 'DELETE', auth: AUTH.writer },
    );
    expect(cleared.status).toBe(204);
    await expectProblem(
      await t.request(`/api/v1/components/${encodeURIComponent('Public - Website')}/override`, {
        method: 'DELETE',
        auth: AUTH.writer,
      }),
      404,
      'not_found',
    );
  });

  it('rejects unknown components and statuses', async () => {
    await expectProblem(
      await t.request('/api/v1/components/nope/override', {
        method: 'PUT',
        auth: AUTH.writer,
        json: { status: 'major_outage' },
      }),
      400,
      'validation_failed',
      ['component'],
    );
    await expectProblem(
      await t.request('/api/v1/components/Standalone/override', {
        method: 'PUT',
        auth: AUTH.writer,
        json: { status: 'broken' },
      }),
      400,
      'validation_failed',
      ['status'],
    );
  });
});

describe('subscribers and audit', () => {
  it('adds (201, then 200 for a duplicate), lists and removes subscribers', async () => {
    const add = () =>
      t.request('/api/v1/subscribers', {
        method: 'POST',
        auth: AUTH.root,
        json: { email: 'ops@example.com' },
      });
    expect((await add()).status).toBe(201);
    const again = await add();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({
      id: 'ops@example.com',
      email: 'ops@example.com',
      created: false,
    });
    expect(await (await t.request('/api/v1/subscribers', { auth: AUTH.root })).json()).toEqual([
      {
        id: 'ops@example.com',
        kind: 'email',
        email: 'ops@example.com',
        state: 'confirmed',
        components: [],
        groups: [],
        created_at: expect.any(String),
        confirmed_at: expect.any(String),
      },
    ]);
    await expectProblem(
      await t.request('/api/v1/subscribers', {
        method: 'POST',
        auth: AUTH.root,
        json: { email: 'nope' },
      }),
      400,
      'validation_failed',
      ['email'],
    );
    expect(
      (
        await t.request('/api/v1/subscribers/ops%40example.com', {
          method: 'DELETE',
          auth: AUTH.root,
        })
      ).status,
    ).toBe(204);
    await expectProblem(
      await t.request('/api/v1/subscribers/ops%40example.com', {
        method: 'DELETE',
        auth: AUTH.root,
      }),
      404,
      'not_found',
    );
  });

  it('pages the audit log newest first', async () => {
    for (let i = 0; i < 5; i++) {
      await create();
      t.clock.now += 1000;
    }
    const first = (await (
      await t.request('/api/v1/audit?limit=3', { auth: AUTH.root })
    ).json()) as { entries: { at: string; action: string }[]; next: string | null };
    expect(first.entries).toHaveLength(3);
    expect(first.entries.every((e) => e.action === 'incident.create')).toBe(true);
    const second = (await (
      await t.request(`/api/v1/audit?limit=3&before=${first.next}`, { auth: AUTH.root })
    ).json()) as typeof first;
    expect(second.entries).toHaveLength(2);
    expect(second.next).toBeNull();
    const times = [...first.entries, ...second.entries].map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
