import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { viewOf } from '../../domain/context.ts';
import { createIncident } from '../../domain/incidents.ts';
import { subscribe } from '../../domain/subscribers.ts';
import { readClock } from '../../../test/support/domain-fixtures.ts';
import { instant } from '../../domain/time.ts';
import { createApp } from '../../app.ts';
import { silentLogger } from '../../logger.ts';
import { createReplicator } from '../../replication/replicator.ts';
import { createMemoryDriver } from '../../../storage-drivers/memory.ts';
import {
  ACTOR,
  ADMIN,
  adminPost,
  CookieJar,
  createFixtureApp,
  fixtureConfig,
  signIn,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';

const ORIGIN = 'http://status.test';
const form = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe('admin UI', () => {
  let f: FixtureApp;
  beforeEach(async () => {
    f = await createFixtureApp(
      fixtureConfig({ components: 4, groups: 2, timeZone: 'Europe/Paris' }),
    );
  });
  afterEach(() => f.stop());

  const get = (path: string, jar?: CookieJar) =>
    f.app.request(`${ORIGIN}${path}`, jar ? { headers: { Cookie: jar.header() } } : {});
  const components = () => f.domain.settings.components.map((c) => c.id);

  it('sends visitors without a session to the sign-in page, keeping where they were going', async () => {
    const res = await get('/admin/maintenance?page=2');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(
      `/admin/login?next=${encodeURIComponent('/admin/maintenance?page=2')}`,
    );
    expect((await get('/admin')).status).toBe(303);
  });

  it('signs in with a signed, HttpOnly, SameSite=Lax session cookie, and out again', async () => {
    const { jar, response } = await signIn(f.app);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('staunch_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/admin/);
    expect(cookie).not.toMatch(/Secure/);
    const list = await get('/admin/', jar);
    expect(list.status).toBe(200);
    expect(await list.text()).toContain('Sign out admin');

    const old = new CookieJar();
    old.set('staunch_session', jar.get('staunch_session')!);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await get('/admin/', jar)).text())![1]!;
    const out = await adminPost(f.app, '/admin/logout', { jar, csrf }, {});
    expect(out.status).toBe(303);
    // The old cookie no longer works: the session was revoked, not only forgotten by the browser.
    expect((await get('/admin/', old)).status).toBe(303);
  });

  it('ends a session on every instance sharing the storage when it signs out on one', async () => {
    const { jar } = await signIn(f.app);
    const other = createReplicator({
      drivers: f.drivers.map((d) => createMemoryDriver(new URL(d.location))),
      pollIntervalMs: 0,
      syncIntervalMs: 0,
      healthIntervalMs: 0,
      now: readClock(f.clock),
    });
    await other.start();
    try {
      const otherApp = createApp({
        config: f.config,
        store: other,
        logger: silentLogger,
        startedAt: new Date(f.clock.now),
        version: 'test',
        now: readClock(f.clock),
      });
      const onOther = () =>
        otherApp.request(`${ORIGIN}/admin/`, { headers: { Cookie: jar.header() } });
      expect((await onOther()).status).toBe(200);
      const copied = new CookieJar();
      copied.set('staunch_session', jar.get('staunch_session')!);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(
        await (await get('/admin/', jar)).text(),
      )![1]!;
      expect((await adminPost(f.app, '/admin/logout', { jar, csrf }, {})).status).toBe(303);
      await other.pollOnce();
      expect(
        (await otherApp.request(`${ORIGIN}/admin/`, { headers: { Cookie: copied.header() } }))
          .status,
      ).toBe(303);
    } finally {
      await other.stop();
    }
  });

  it('marks the session cookie Secure behind https', async () => {
    const jar = new CookieJar();
    const page = await f.app.request('https://status.test/admin/login');
    jar.update(page);
    expect(page.headers.get('set-cookie')).toMatch(/Secure/);
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const res = await f.app.request('https://status.test/admin/login', {
      method: 'POST',
      headers: { ...form, Origin: 'https://status.test', Cookie: jar.header() },
      body: new URLSearchParams({
        _csrf: token,
        username: ADMIN.username,
        password: ADMIN.password,
      }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().find((c) => c.startsWith('staunch_session='))).toMatch(
      /Secure/,
    );
  });

  it('refuses a wrong password, a missing login token and a cross-site sign-in', async () => {
    const wrong = await signIn(f.app, ORIGIN, { username: ADMIN.username, password: 'nope' });
    expect(wrong.response.status).toBe(401);
    expect(await wrong.response.text()).toContain('Wrong username or password.');
    const noToken = await f.app.request(`${ORIGIN}/admin/login`, {
      method: 'POST',
      headers: { ...form, Origin: ORIGIN },
      body: `username=${ADMIN.username}&password=${encodeURIComponent(ADMIN.password)}`,
    });
    expect(noToken.status).toBe(403);
    const crossSite = await signIn(f.app, ORIGIN, ADMIN).then(() =>
      f.app.request(`${ORIGIN}/admin/login`, {
        method: 'POST',
        headers: { ...form, Origin: 'https://evil.example' },
        body: 'username=admin&password=x',
      }),
    );
    expect(crossSite.status).toBe(403);
  });

  it('rate-limits failed sign-ins, even when the right password comes next', async () => {
    for (let i = 0; i < 5; i++)
      expect(
        (await signIn(f.app, ORIGIN, { username: ADMIN.username, password: `guess-${i}` })).response
          .status,
      ).toBe(401);
    const blocked = await signIn(f.app, ORIGIN, ADMIN);
    expect(blocked.response.status).toBe(429);
    expect(Number(blocked.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await blocked.response.text()).toContain('Too many failed sign-in attempts');
  });

  it('rejects form posts without the session CSRF token, with a wrong one, or from another site', async () => {
    const session = await signIn(f.app);
    const fields = {
      mode: 'incident',
      title: 'CSRF probe',
      message: '',
      components: [components()[0]!],
      impact: '4',
      state: '0',
      start: '',
      intent: 'save',
    };
    expect(
      (await adminPost(f.app, '/admin/incidents/new', session, fields, { csrf: null })).status,
    ).toBe(403);
    expect(
      (await adminPost(f.app, '/admin/incidents/new', session, fields, { csrf: 'forged-token' }))
        .status,
    ).toBe(403);
    expect(
      (
        await adminPost(f.app, '/admin/incidents/new', session, fields, {
          origin: 'https://evil.example',
        })
      ).status,
    ).toBe(403);
    expect(f.domain.store.list('incident')).toHaveLength(0);
    const ok = await adminPost(f.app, '/admin/incidents/new', session, fields);
    expect(ok.status).toBe(303);
    expect(f.domain.store.list('incident')).toHaveLength(1);
  });

  it('keeps everything typed when validation fails, with the error next to the field', async () => {
    const session = await signIn(f.app);
    const res = await adminPost(f.app, '/admin/incidents/new', session, {
      mode: 'incident',
      title: 'Checkout <slow>',
      message: 'Line one\n\nLine **two**',
      impact: '3',
      state: '2',
      start: '',
      intent: 'save',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('value="Checkout &lt;slow&gt;"');
    expect(html).toContain('Line one\n\nLine **two**</textarea>');
    expect(html).toContain('Choose at least one component.');
    expect(html).toContain('<input type="radio" name="impact" value="3" checked=""');
    expect(html).toContain('<option value="2" selected="">Monitoring</option>');
    expect(f.domain.store.list('incident')).toHaveLength(0);
  });

  it('previews Markdown on the server without saving', async () => {
    const session = await signIn(f.app);
    const res = await adminPost(f.app, '/admin/incidents/new', session, {
      mode: 'incident',
      title: 'A *title*',
      message: 'Some **bold** and <script>alert(1)</script>',
      components: [components()[0]!],
      impact: '4',
      state: '0',
      intent: 'preview',
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Preview');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('A <em>title</em>');
    expect(html).not.toContain('<script>alert(1)');
    expect(f.domain.store.list('incident')).toHaveLength(0);
  });

  it('creates, updates, resolves and deletes an incident, with the user in the audit log', async () => {
    const session = await signIn(f.app);
    const created = await adminPost(f.app, '/admin/incidents/new', session, {
      mode: 'incident',
      title: 'Payments failing',
      message: 'Investigating.',
      components: [components()[1]!],
      impact: '4',
      state: '0',
      intent: 'save',
    });
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/admin\/incidents\/[0-9a-f-]{36}\?done=created$/);
    const guid = location.split('/')[3]!.split('?')[0]!;
    expect(await (await get(location, session.jar)).text()).toContain('Published.');
    expect(await (await get('/')).text()).toContain('Payments failing');

    const posted = await adminPost(f.app, `/admin/incidents/${guid}/updates`, session, {
      title: '',
      message: 'Found the cause.',
      state: '3',
      impact: '3',
      intent: 'save',
    });
    expect(posted.status).toBe(303);
    // Read through the domain's read model: a change is stored as field records over the incident record.
    let incident = viewOf(f.domain).byGuid.get(guid)!;
    expect(incident).toMatchObject({ state: 3, component_state: 3 });

    const emptyUpdate = await adminPost(f.app, `/admin/incidents/${guid}/updates`, session, {
      title: 'Kept title',
      message: '   ',
      state: '',
      impact: '',
      intent: 'save',
    });
    expect(emptyUpdate.status).toBe(400);
    expect(await emptyUpdate.text()).toContain('value="Kept title"');

    const edited = await adminPost(f.app, `/admin/incidents/${guid}/edit`, session, {
      title: 'Payments failing in EU',
      message: 'Investigating.',
      components: [components()[1]!, components()[2]!],
      impact: '3',
      state: '3',
      start: '',
      intent: 'save',
    });
    expect(edited.status).toBe(303);
    expect(await (await get(`/incidents/${guid}`)).text()).toContain('Payments failing in EU');

    expect(
      (
        await adminPost(f.app, `/admin/incidents/${guid}/resolve`, session, {
          message: 'All good.',
        })
      ).status,
    ).toBe(303);
    incident = viewOf(f.domain).byGuid.get(guid)!;
    expect(incident.state).toBe(1);
    expect(await (await get('/')).text()).toContain('All Systems Operational');

    const audit = f.domain.store
      .list('audit')
      .map((r) => r.body as { actor: { name: string }; action: string });
    expect(audit.filter((a) => a.actor.name === ADMIN.username).map((a) => a.action)).toEqual(
      expect.arrayContaining(['incident.create', 'message.add', 'incident.update']),
    );

    expect((await adminPost(f.app, `/admin/incidents/${guid}/delete`, session, {})).status).toBe(
      400,
    );
    expect(
      (await adminPost(f.app, `/admin/incidents/${guid}/delete`, session, { confirm: 'yes' }))
        .status,
    ).toBe(303);
    expect(f.domain.store.get('incident', guid)).toBeUndefined();
    expect((await get(`/incidents/${guid}`)).status).toBe(404);
  });

  it('schedules maintenance with start and end read in the admin’s time zone', async () => {
    const session = await signIn(f.app);
    // No zone chosen: the site default, Europe/Paris (UTC+1 in January).
    const res = await adminPost(f.app, '/admin/incidents/new', session, {
      mode: 'maintenance',
      title: 'Upgrade',
      message: 'Planned.',
      components: [components()[0]!],
      state: '3',
      start: '2031-01-15T22:00',
      end: '2031-01-16T01:30',
      intent: 'save',
    });
    expect(res.status).toBe(303);
    const record = f.domain.store.list('incident')[0]!.body as {
      created_at: string;
      scheduled_end: string;
      is_scheduled: boolean;
      component_state: number;
    };
    expect(record.is_scheduled).toBe(true);
    expect(record.component_state).toBe(1);
    expect(instant(record.created_at)).toBe(Date.UTC(2031, 0, 15, 21, 0));
    expect(instant(record.scheduled_end)).toBe(Date.UTC(2031, 0, 16, 0, 30));
    const bad = await adminPost(f.app, '/admin/incidents/new', session, {
      mode: 'maintenance',
      title: 'Backwards',
      message: '',
      components: [components()[0]!],
      state: '3',
      start: '2031-01-15T22:00',
      end: '2031-01-15T21:00',
      intent: 'save',
    });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('The end must be after the start.');
    expect(html).toContain('value="2031-01-15T21:00"');
    const list = await (await get('/admin/maintenance', session.jar)).text();
    expect(list).toContain('Upgrade');
    expect(list).toContain('15 Jan 2031, 22:00 CET');
  });

  it('lists and filters incidents, known issues and subscribers, and shows every storage target', async () => {
    await createIncident(f.domain, ACTOR, {
      components: [components()[0]!],
      component_state: 4,
      messages: [{ title: 'Open one', content: '' }],
    });
    await createIncident(f.domain, ACTOR, {
      components: [components()[1]!],
      component_state: 2,
      state: 1,
      messages: [{ title: 'Closed one', content: '' }],
    });
    await createIncident(f.domain, ACTOR, {
      components: [components()[1]!],
      persistent: true,
      messages: [{ title: 'Known quirk', content: '' }],
    });
    await subscribe(f.domain, { type: 'public', name: 'test' }, 'reader@example.com');
    const session = await signIn(f.app);
    const open = await (await get('/admin/?status=open', session.jar)).text();
    expect(open).toContain('Open one');
    expect(open).not.toContain('Closed one');
    expect(open).not.toContain('Known quirk');
    const byComponent = await (
      await get(`/admin/?component=${encodeURIComponent(components()[1]!)}`, session.jar)
    ).text();
    expect(byComponent).toContain('Closed one');
    expect(byComponent).not.toContain('Open one');
    expect(await (await get('/admin/?q=closed', session.jar)).text()).not.toContain('Open one');
    expect(await (await get('/admin/known-issues', session.jar)).text()).toContain('Known quirk');
    expect(await (await get('/admin/subscribers', session.jar)).text()).toContain(
      'reader@example.com',
    );

    f.drivers[1]!.setMode('fail');
    await f.store.checkHealth();
    const storage = await (await get('/admin/storage', session.jar)).text();
    for (const t of f.store.targets()) expect(storage).toContain(t.location);
    expect(storage).toContain('1 of 2 targets up');
    expect(storage).toContain('>Down<');
    expect(storage).toContain('Queued hints');
  });

  it('shows, sets and clears manual component states with plain forms, and uptime counts them', async () => {
    const session = await signIn(f.app);
    const [first] = components();
    const page = await (await get('/admin/components', session.jar)).text();
    expect(page.match(/action="\/admin\/components\/override"/g)).toHaveLength(components().length);
    expect(page).not.toContain('action="/admin/components/clear"');
    // CSRF as every other form.
    expect(
      (
        await adminPost(
          f.app,
          '/admin/components/override',
          session,
          { component: first!, state: '4' },
          { csrf: 'forged' },
        )
      ).status,
    ).toBe(403);
    const bad = await adminPost(f.app, '/admin/components/override', session, {
      component: first!,
      state: '9',
      note: 'kept',
    });
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain('Choose a status.');
    expect(badPage).toContain('value="kept"');
    expect(
      (
        await adminPost(f.app, '/admin/components/override', session, {
          component: 'Nope - nothing',
          state: '4',
        })
      ).status,
    ).toBe(400);

    const start = f.clock.now;
    const set = await adminPost(f.app, '/admin/components/override', session, {
      component: first!,
      state: '4',
      note: 'Load balancer down',
    });
    expect(set.status).toBe(303);
    expect(set.headers.get('location')).toBe('/admin/components?done=override_set');
    const shown = await (await get(set.headers.get('location')!, session.jar)).text();
    expect(shown).toContain('Load balancer down');
    expect(shown).toContain('action="/admin/components/clear"');
    expect(shown).toContain('Manual status set.');
    f.clock.now = start + 60 * 60_000;
    expect(
      (
        await adminPost(f.app, '/admin/components/clear', session, { component: first! })
      ).headers.get('location'),
    ).toBe('/admin/components?done=override_cleared');
    expect(await (await get('/admin/components', session.jar)).text()).not.toContain(
      'Load balancer down',
    );
    // Cleared an hour later: an hour of major outage in the first component's bar, and in no
    // other (the bar links to the day's page, which has the minutes).
    f.clock.now = start + 2 * 60 * 60_000;
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(start);
    const status = await (await get('/')).text();
    expect(
      status.match(new RegExp(`href="/history\\?day=${day}" aria-label="[^"]*major outage`, 'g')),
    ).toHaveLength(1);
    const detail = await (await get(`/history?day=${day}`)).text();
    expect(detail.match(/1 h major outage/g)).toHaveLength(1);
    // Clearing again is harmless.
    expect(
      (await adminPost(f.app, '/admin/components/clear', session, { component: first! })).status,
    ).toBe(303);
  });

  it('keeps the statusetat admin addresses working', async () => {
    const session = await signIn(f.app);
    expect((await get('/admin/dashboard', session.jar)).headers.get('location')).toBe('/admin/');
    expect((await get('/admin/persistent_incident', session.jar)).headers.get('location')).toBe(
      '/admin/known-issues',
    );
    expect((await get('/admin/info', session.jar)).headers.get('location')).toBe('/admin/storage');
    expect((await get('/admin/incidents/nope', session.jar)).status).toBe(404);
  });
});
