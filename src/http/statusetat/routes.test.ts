import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH, startTestApp, type TestApp } from '../../../test/support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ now: Date.UTC(2026, 10, 21, 12) });
});
afterEach(() => t.stop());

const NEW_INCIDENT = {
  components: ['Public - API'],
  component_state: 3,
  messages: [{ guid: 'm1', title: 'API down', content: 'Looking' }],
};

async function create(body: object = NEW_INCIDENT) {
  const response = await t.request('/v1/incidents', {
    method: 'POST',
    auth: AUTH.admin,
    json: body,
  });
  expect(response.status).toBe(201);
  return (await response.json()) as {
    guid: string;
    messages: { guid: string }[];
    updated_at: string;
    scheduled_end: string;
    is_scheduled: boolean;
  };
}

async function expectV1Error(response: Response, status: number, detail?: RegExp) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  const text = await response.text();
  expect(text.endsWith('}\n')).toBe(true);
  const body = JSON.parse(text) as { description: string; detail: string; status: number };
  expect(Object.keys(body)).toEqual(['description', 'detail', 'status']);
  expect(body.status).toBe(status);
  if (detail) expect(body.detail).toMatch(detail);
}

const WRITE_ROUTES: [string, string][] = [
  ['POST', '/v1/incidents'],
  ['PUT', '/v1/incidents/x'],
  ['DELETE', '/v1/incidents/x'],
  ['PUT', '/v1/incidents/x/notify'],
  ['POST', '/v1/incidents/x/messages'],
  ['PUT', '/v1/incidents/x/messages/y'],
  ['DELETE', '/v1/incidents/x/messages/y'],
  ['GET', '/v1/subscribers'],
];

describe('authentication', () => {
  it.each(WRITE_ROUTES)('%s %s needs Basic auth (realm Restricted)', async (method, path) => {
    for (const auth of [undefined, AUTH.wrongPassword, AUTH.unknownToken, AUTH.reader]) {
      const response = await t.request(path, {
        method,
        ...(auth ? { auth } : {}),
        ...(method === 'GET' ? {} : { json: {} }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="Restricted"');
      expect(await response.text()).toBe('Unauthorized\n');
    }
  });

  it('accepts a write token as well as the admin user, and subscribers need admin', async () => {
    expect(
      (await t.request('/v1/incidents', { method: 'POST', auth: AUTH.writer, json: NEW_INCIDENT }))
        .status,
    ).toBe(201);
    expect(
      (
        await t.request('/v1/incidents', {
          method: 'POST',
          auth: AUTH.hashedWriter,
          json: NEW_INCIDENT,
        })
      ).status,
    ).toBe(201);
    expect((await t.request('/v1/subscribers', { auth: AUTH.writer })).status).toBe(401);
    expect((await t.request('/v1/subscribers', { auth: AUTH.root })).status).toBe(200);
  });
});

describe('reading', () => {
  it('lists components in config order and both flag tables (idle described as idle, cancelled listed)', async () => {
    expect(await (await t.request('/v1/components')).json()).toEqual([
      'Public - API',
      'Public - Website',
      'Internal - Database',
      'Standalone',
    ]);
    expect(await (await t.request('/v1/flags/incident_states')).json()).toEqual([
      { value: 1, description: 'resolved' },
      { value: 0, description: 'unresolved' },
      { value: 2, description: 'monitoring' },
      { value: 3, description: 'idle' },
      { value: 4, description: 'cancelled' },
    ]);
    expect(await (await t.request('/v1/flags/component_states')).json()).toEqual([
      { value: 0, description: 'Operational' },
      { value: 4, description: 'Major Outage' },
      { value: 1, description: 'Under Maintenance' },
      { value: 3, description: 'Partial Outage' },
      { value: 2, description: 'Degraded Performance' },
    ]);
  });

  it('serves one incident, its messages and one message; unknown ids are 404', async () => {
    const created = await create();
    const one = await t.request(`/v1/incidents/${created.guid}`);
    expect(one.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await one.json()).toEqual(created);
    expect(await (await t.request(`/v1/incidents/${created.guid}/messages`)).json()).toEqual(
      created.messages,
    );
    expect(await (await t.request(`/v1/incidents/${created.guid}/messages/m1`)).json()).toEqual(
      created.messages[0],
    );
    await expectV1Error(await t.request('/v1/incidents/nope'), 404);
    await expectV1Error(await t.request('/v1/incidents/nope/messages'), 404);
    await expectV1Error(
      await t.request(`/v1/incidents/${created.guid}/messages/nope`),
      404,
      /message not found/,
    );
  });

  it('lists by date window (default last 7 days, newest first), maintenances only with all_types', async () => {
    const at = (days: number) => new Date(t.clock.now + days * 86_400_000).toISOString();
    const recent = await create({ ...NEW_INCIDENT, created_at: at(-2) });
    const now = await create({ ...NEW_INCIDENT, created_at: at(0) });
    await create({ ...NEW_INCIDENT, created_at: at(-8) });
    const maintenance = await create({
      ...NEW_INCIDENT,
      is_scheduled: true,
      created_at: at(1),
      scheduled_end: at(1.1),
    });
    const guids = async (query: string) =>
      ((await (await t.request(`/v1/incidents${query}`)).json()) as { guid: string }[]).map(
        (i) => i.guid,
      );
    expect(await guids('')).toEqual([now.guid, recent.guid]);
    const window = `?from=${encodeURIComponent(at(-10))}&to=${encodeURIComponent(at(2))}`;
    expect(await guids(window)).toHaveLength(3);
    expect(await guids(`${window}&all_types=true`)).toEqual([
      maintenance.guid,
      now.guid,
      recent.guid,
      expect.any(String),
    ]);
  });

  it('answers a malformed date with 400, not 500', async () => {
    await expectV1Error(await t.request('/v1/incidents?from=2026-11-01'), 400, /^from:/);
    await expectV1Error(await t.request('/v1/incidents?to=yesterday'), 400, /^to:/);
  });

  it('lists persistent incidents apart', async () => {
    const known = await create({ ...NEW_INCIDENT, persistent: true });
    await create();
    expect(
      ((await (await t.request('/v1/persistent_incidents')).json()) as { guid: string }[]).map(
        (i) => i.guid,
      ),
    ).toEqual([known.guid]);
    expect(((await (await t.request('/v1/incidents')).json()) as unknown[]).length).toBe(1);
  });

  it("previews Markdown as sanitised HTML, with the pages' security headers", async () => {
    const response = await t.request('/v1/markdown/preview', {
      method: 'POST',
      body: '**hi** <script>x</script>',
      headers: { Origin: 'http://localhost' },
    });
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toBe(
      '<p><strong>hi</strong> &lt;script&gt;x&lt;/script&gt;</p>\n',
    );
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses a Markdown preview posted from another site (a cross-site form), unless the admin asks', async () => {
    const form = {
      method: 'POST',
      body: '# Your account is locked',
      headers: {
        'Content-Type': 'text/plain',
        Origin: 'https://evil.example',
        'Sec-Fetch-Site': 'cross-site',
      },
    };
    const crossSite = await t.request('/v1/markdown/preview', form);
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).not.toContain('<h1>');
    expect((await t.request('/v1/markdown/preview', { method: 'POST', body: '# x' })).status).toBe(
      403,
    );
    expect(
      (await t.request('/v1/markdown/preview', { method: 'POST', body: '# x', auth: AUTH.writer }))
        .status,
    ).toBe(403);
    const admin = await t.request('/v1/markdown/preview', {
      method: 'POST',
      body: '# x',
      auth: AUTH.admin,
    });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toBe('<h1>x</h1>\n');
  });
});

describe('creating', () => {
  it('fills guid, origin and times; ignores a client guid; keeps client message guids and offsets', async () => {
    const response = await t.request('/v1/incidents', {
      method: 'POST',
      auth: AUTH.admin,
      json: {
        ...NEW_INCIDENT,
        guid: 'client-guid',
        origin: 'x',
        created_at: '2026-11-20T10:00:00+05:00',
      },
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.guid).not.toBe('client-guid');
    expect(body).toMatchObject({
      origin: 'https://status.example.test',
      created_at: '2026-11-20T10:00:00+05:00',
      updated_at: '2026-11-20T10:00:00+05:00',
    });
    expect(body.messages).toEqual([
      {
        guid: 'm1',
        incident_guid: body.guid,
        created_at: '2026-11-21T13:00:00.000+01:00',
        title: 'API down',
        content: 'Looking',
      },
    ]);
  });

  it.each([
    ['no components', { ...NEW_INCIDENT, components: [] }, /components must be set/],
    [
      'an unknown component',
      { ...NEW_INCIDENT, components: ['x - y'] },
      /unknown component "x - y"/,
    ],
    ['a negative state', { ...NEW_INCIDENT, state: -1 }, /state/],
    ['a negative component state', { ...NEW_INCIDENT, component_state: -1 }, /component_state/],
    ['no messages', { ...NEW_INCIDENT, messages: [] }, /at least one message/],
    ['a maintenance without end', { ...NEW_INCIDENT, is_scheduled: true }, /scheduled end/],
    [
      'a maintenance ending before its start',
      {
        ...NEW_INCIDENT,
        is_scheduled: true,
        created_at: '2026-11-22T00:00:00Z',
        scheduled_end: '2026-11-21T00:00:00Z',
      },
      /scheduled_end/,
    ],
  ])('rejects %s with 412', async (_name, body, detail) => {
    await expectV1Error(
      await t.request('/v1/incidents', { method: 'POST', auth: AUTH.admin, json: body }),
      412,
      detail,
    );
    expect(t.replicas.stores[0]!.list('incident')).toEqual([]);
  });

  it.each([
    ['bad JSON', '{"components": ['],
    ['an empty body', ''],
    ['a wrong type', JSON.stringify({ ...NEW_INCIDENT, state: 'open' })],
    ['a malformed time', JSON.stringify({ ...NEW_INCIDENT, created_at: '2026-11-20' })],
    ['a JSON array', '[]'],
  ])('answers %s with 428 (statusetat: unreadable body)', async (_name, body) => {
    await expectV1Error(
      await t.request('/v1/incidents', { method: 'POST', auth: AUTH.admin, body }),
      428,
    );
  });

  it('refuses a body over 256 KiB with 413', async () => {
    const body = JSON.stringify({
      ...NEW_INCIDENT,
      messages: [{ title: 'x', content: 'y'.repeat(300 * 1024) }],
    });
    await expectV1Error(
      await t.request('/v1/incidents', { method: 'POST', auth: AUTH.admin, body }),
      413,
    );
  });
});

describe('updating', () => {
  it('changes only the given fields, bumps updated_at in the server zone and records the state change as a message', async () => {
    const created = await create();
    t.clock.now += 60_000;
    const response = await t.request(`/v1/incidents/${created.guid}`, {
      method: 'PUT',
      auth: AUTH.admin,
      json: { state: 2, no_notify: true },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { messages: unknown[] } & Record<string, unknown>;
    expect(body).toMatchObject({ state: 2, component_state: 3, components: ['Public - API'] });
    expect(body.messages.slice(1)).toEqual(created.messages);
    expect(body.messages[0]).toMatchObject({
      created_at: '2026-11-21T13:01:00.000+01:00',
      title: '',
      content: 'State changed to monitoring.',
    });
    expect(body.updated_at).toBe('2026-11-21T13:01:00.000+01:00');
  });

  it('can turn a maintenance back into an incident and clear its end (statusetat could not)', async () => {
    const m = await create({
      ...NEW_INCIDENT,
      is_scheduled: true,
      created_at: '2026-11-22T00:00:00Z',
      scheduled_end: '2026-11-22T02:00:00Z',
    });
    // A Go client sends the zero time for "unchanged".
    const kept = await (
      await t.request(`/v1/incidents/${m.guid}`, {
        method: 'PUT',
        auth: AUTH.admin,
        json: { scheduled_end: '0001-01-01T00:00:00Z' },
      })
    ).json();
    expect(kept).toMatchObject({ is_scheduled: true, scheduled_end: '2026-11-22T02:00:00Z' });
    const cleared = await (
      await t.request(`/v1/incidents/${m.guid}`, {
        method: 'PUT',
        auth: AUTH.admin,
        json: { is_scheduled: false },
      })
    ).json();
    expect(cleared).toMatchObject({ is_scheduled: false, scheduled_end: '0001-01-01T00:00:00Z' });
    const m2 = await create({
      ...NEW_INCIDENT,
      is_scheduled: true,
      created_at: '2026-11-22T00:00:00Z',
      scheduled_end: '2026-11-22T02:00:00Z',
    });
    await expectV1Error(
      await t.request(`/v1/incidents/${m2.guid}`, {
        method: 'PUT',
        auth: AUTH.admin,
        json: { scheduled_end: null },
      }),
      412,
      /scheduled end/,
    );
  });

  it('replaces messages, or edits one with partial_update_message, and never leaves none', async () => {
    const created = await create({
      ...NEW_INCIDENT,
      messages: [
        { guid: 'a', title: 'A', content: 'a' },
        { guid: 'b', title: 'B', content: 'b' },
      ],
    });
    const partial = (await (
      await t.request(`/v1/incidents/${created.guid}?partial_update_message`, {
        method: 'PUT',
        auth: AUTH.admin,
        json: { messages: [{ guid: 'b', title: 'B2', content: 'b2' }] },
      })
    ).json()) as { messages: { guid: string; title: string }[] };
    expect(partial.messages.map((m) => [m.guid, m.title])).toEqual([
      ['a', 'A'],
      ['b', 'B2'],
    ]);
    const replaced = (await (
      await t.request(`/v1/incidents/${created.guid}`, {
        method: 'PUT',
        auth: AUTH.admin,
        json: { messages: [{ title: 'C', content: '' }] },
      })
    ).json()) as {
      messages: { title: string }[];
    };
    expect(replaced.messages.map((m) => m.title)).toEqual(['C']);
    await expectV1Error(
      await t.request(`/v1/incidents/${created.guid}`, {
        method: 'PUT',
        auth: AUTH.admin,
        json: { messages: [] },
      }),
      412,
      /at least one message/,
    );
  });

  it('answers unknown ids with 404, invalid changes with 412 and bad bodies with 428', async () => {
    const created = await create();
    await expectV1Error(
      await t.request('/v1/incidents/nope', {
        method: 'PUT',
        auth: AUTH.admin,
        json: { state: 1 },
      }),
      404,
    );
    await expectV1Error(
      await t.request(`/v1/incidents/${created.guid}`, {
        method: 'PUT',
        auth: AUTH.admin,
        json: { components: ['x - y'] },
      }),
      412,
      /unknown component/,
    );
    await expectV1Error(
      await t.request(`/v1/incidents/${created.guid}`, {
        method: 'PUT',
        auth: AUTH.admin,
        json: { state: 7 },
      }),
      412,
      /state/,
    );
    await expectV1Error(
      await t.request(`/v1/incidents/${created.guid}`, {
        method: 'PUT',
        auth: AUTH.admin,
        body: 'nope',
      }),
      428,
    );
    await expectV1Error(
      await t.request(`/v1/incidents/${created.guid}`, {
        method: 'PUT',
        auth: AUTH.admin,
        json: { is_scheduled: 'yes' },
      }),
      428,
      /is_scheduled/,
    );
  });
});

describe('messages', () => {
  it('adds with a server guid (201), edits (200) and deletes (200), returning the full incident', async () => {
    const created = await create();
    const added = await t.request(`/v1/incidents/${created.guid}/messages`, {
      method: 'POST',
      auth: AUTH.admin,
      json: { guid: 'client', title: 'Update', content: 'Fixing' },
    });
    expect(added.status).toBe(201);
    const incident = (await added.json()) as {
      guid: string;
      messages: { guid: string; title: string }[];
    };
    expect(incident.messages).toHaveLength(2);
    const newGuid = incident.messages[0]!.guid;
    expect(newGuid).not.toBe('client');
    const edited = await t.request(`/v1/incidents/${created.guid}/messages/${newGuid}`, {
      method: 'PUT',
      auth: AUTH.admin,
      json: { title: 'Update 2', content: 'x' },
    });
    expect(edited.status).toBe(200);
    expect(((await edited.json()) as typeof incident).messages[0]!.title).toBe('Update 2');
    const deleted = await t.request(`/v1/incidents/${created.guid}/messages/${newGuid}`, {
      method: 'DELETE',
      auth: AUTH.admin,
    });
    expect(deleted.status).toBe(200);
    expect(((await deleted.json()) as typeof incident).messages.map((m) => m.guid)).toEqual(['m1']);
  });

  it('answers unknown incidents and messages with 404, the last message with 412, bad bodies with 428', async () => {
    const created = await create();
    await expectV1Error(
      await t.request('/v1/incidents/nope/messages', {
        method: 'POST',
        auth: AUTH.admin,
        json: { title: 'x' },
      }),
      404,
    );
    await expectV1Error(
      await t.request(`/v1/incidents/${created.guid}/messages/nope`, {
        method: 'PUT',
        auth: AUTH.admin,
        json: { title: 'x' },
      }),
      404,
    );
    await expectV1Error(
      await t.request(`/v1/incidents/${created.guid}/messages/nope`, {
        method: 'DELETE',
        auth: AUTH.admin,
      }),
      404,
    );
    await expectV1Error(
      await t.request('/v1/incidents/nope/messages/m1', { method: 'DELETE', auth: AUTH.admin }),
      404,
    );
    await expectV1Error(
      await t.request(`/v1/incidents/${created.guid}/messages/m1`, {
        method: 'DELETE',
        auth: AUTH.admin,
      }),
      412,
      /at least one message/,
    );
    await expectV1Error(
      await t.request(`/v1/incidents/${created.guid}/messages`, {
        method: 'POST',
        auth: AUTH.admin,
        body: '{',
      }),
      428,
    );
    await expectV1Error(
      await t.request(`/v1/incidents/${created.guid}/messages`, {
        method: 'POST',
        auth: AUTH.admin,
        json: { title: 1 },
      }),
      428,
      /title/,
    );
  });
});

describe('deleting and notifying', () => {
  it('deletes with 200 and an empty body; an unknown id is 404', async () => {
    const created = await create();
    const response = await t.request(`/v1/incidents/${created.guid}`, {
      method: 'DELETE',
      auth: AUTH.admin,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    await expectV1Error(await t.request(`/v1/incidents/${created.guid}`), 404);
    await expectV1Error(
      await t.request(`/v1/incidents/${created.guid}`, { method: 'DELETE', auth: AUTH.admin }),
      404,
    );
  });

  it('notifies with 200 and records it; an unknown id is 404', async () => {
    const created = await create();
    const response = await t.request(`/v1/incidents/${created.guid}/notify`, {
      method: 'PUT',
      auth: AUTH.admin,
    });
    expect(response.status).toBe(200);
    expect(
      t.replicas.stores[0]!.list('audit').some(
        (r) => (r.body as { action: string }).action === 'incident.notify',
      ),
    ).toBe(true);
    await expectV1Error(
      await t.request('/v1/incidents/nope/notify', { method: 'PUT', auth: AUTH.admin }),
      404,
    );
  });
});

describe('subscribers', () => {
  it.each(['GET', 'POST', 'PUT', 'PATCH'])(
    'subscribes with %s as an admin (201, empty, confirmed at once), deduplicated, and lists them',
    async (method) => {
      for (let i = 0; i < 2; i++) {
        const response = await t.request(
          `/v1/subscribe?email=${encodeURIComponent('Bob <bob@x.io>')}`,
          { method, auth: AUTH.admin },
        );
        expect(response.status).toBe(201);
        expect(await response.text()).toBe('');
      }
      expect(await (await t.request('/v1/subscribers', { auth: AUTH.admin })).json()).toEqual([
        'Bob <bob@x.io>',
      ]);
      expect(t.replicas.stores[0]!.list('subscriber')).toHaveLength(1);
    },
  );

  it('rejects a missing email with 428 and an invalid one with 400 (JSON)', async () => {
    await expectV1Error(await t.request('/v1/subscribe'), 428);
    await expectV1Error(await t.request('/v1/subscribe?email=nope'), 400);
  });

  it('refuses an anonymous sign-up with 409 where no channel can mail its confirmation', async () => {
    await expectV1Error(await t.request('/v1/subscribe?email=a@b.io'), 409);
    expect(t.replicas.stores[0]!.list('subscriber')).toEqual([]);
  });

  it('unsubscribes for an admin with a text answer, text errors, and does not reveal unknown addresses', async () => {
    await t.request('/v1/subscribe?email=a@b.io', { auth: AUTH.admin });
    for (const email of ['a@b.io', 'unknown@b.io']) {
      const response = await t.request(`/v1/unsubscribe?email=${email}`, {
        method: 'POST',
        auth: AUTH.admin,
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('you have successfully unsubscribed');
    }
    expect(await (await t.request('/v1/subscribers', { auth: AUTH.admin })).json()).toEqual([]);
    const missing = await t.request('/v1/unsubscribe');
    expect([missing.status, missing.headers.get('content-type'), await missing.text()]).toEqual([
      428,
      'text/plain; charset=utf-8',
      '428 Precondition Required: you must set an email',
    ]);
    const invalid = await t.request('/v1/unsubscribe?email=nope');
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toMatch(/^400 Bad Request: /);
  });
});

describe('CORS', () => {
  it('answers preflights on write routes (statusetat answered 405 without CORS headers)', async () => {
    for (const [method, path] of WRITE_ROUTES) {
      const response = await t.request(path, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://tools.example',
          'Access-Control-Request-Method': method,
          'Access-Control-Request-Headers': 'authorization, content-type',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-methods')).toContain(method);
      expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
        'authorization',
      );
    }
  });
});
