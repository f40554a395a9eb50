import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMessage, createIncident } from '../../domain/incidents.ts';
import { formatInstant } from '../../domain/time.ts';
import { STYLE } from '../site/assets/index.ts';
import {
  ACTOR,
  CookieJar,
  createFixtureApp,
  fixtureConfig,
  seedHistory,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';

const at = (ms: number) => formatInstant(ms, 'UTC');

describe('public pages', () => {
  let f: FixtureApp;
  const get = (path: string, headers: Record<string, string> = {}) =>
    f.app.request(`http://status.test${path}`, { headers });

  beforeAll(async () => {
    f = await createFixtureApp(
      fixtureConfig({
        components: 6,
        groups: 2,
        timeZone: 'Europe/Paris',
        extraYaml: `theme:\n  pre_status: "Hello **visitors**"\n  post_timeline: "See also the [archive](https://example.com/archive)."\n  persistent_display_name: known issues\n  footer: "Footer text"\n`,
      }),
    );
    await seedHistory(f.domain, { incidents: 40, open: 2, days: 90, now: f.clock.now });
  });
  afterAll(() => f.stop());

  it('renders the status page with banner, components, bars, incidents, maintenance and known issues', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const body = await res.text();
    expect(body).toMatch(/^<!DOCTYPE html><html lang="en"/);
    expect(body).toContain('<main id="main"');
    expect(body).toContain('Hello <strong>visitors</strong>');
    expect(body).toContain('Active incidents');
    expect(body).toContain('Database upgrade');
    expect(body).toContain('Known issues');
    expect(body).toContain('Exports larger than 2 GB may time out');
    expect(body).toContain('Past incidents');
    expect(body).toContain('archive');
    // 6 components × 90 bars, and the published formula.
    expect(body.match(/<div class="bars">/g)).toHaveLength(6);
    expect(body).toContain('0.3 × partial outage minutes');
    expect(body).toMatch(/\d+\.\d\d % uptime/);
    expect(body).toContain(`href="${STYLE.path}"`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('says all systems are operational without open incidents', async () => {
    const clean = await createFixtureApp(fixtureConfig({ components: 2, groups: 1 }));
    try {
      const body = await (await clean.app.request('http://status.test/')).text();
      expect(body).toContain('All Systems Operational');
      expect(body).not.toContain('Active incidents');
      expect(body).toContain('No incidents reported.');
    } finally {
      await clean.stop();
    }
  });

  it('labels the percentage with the days that have data, and shows an empty page as no data', async () => {
    const fresh = await createFixtureApp(fixtureConfig({ components: 1, groups: 1 }));
    try {
      const page = async () => (await fresh.app.request('http://status.test/')).text();
      const empty = await page();
      expect(empty).toContain('No data yet');
      expect(empty).not.toMatch(/% uptime/);
      expect(
        /<div class="bars">(.*?)<\/div>/.exec(empty)![1]!.match(/<i class="un"><\/i>/g),
      ).toHaveLength(90);
      // Five minutes of partial outage on a page that started an hour ago: 1 − 0.3 × 5 ÷ 60.
      const start = fresh.clock.now;
      const component = fresh.domain.settings.components[0]!.id;
      const outage = await createIncident(fresh.domain, ACTOR, {
        components: [component],
        component_state: 3,
        messages: [{ title: 'Slow', content: '' }],
      });
      fresh.clock.now = start + 5 * 60_000;
      await addMessage(fresh.domain, ACTOR, outage.guid, { title: 'Fixed', content: '', state: 1 });
      fresh.clock.now = start + 60 * 60_000;
      const body = await page();
      expect(body).toContain('97.50 % uptime over today');
      expect(body).toContain('No data for the 89 days before.');
      expect(body).not.toContain('over the last 90 days');
    } finally {
      await fresh.stop();
    }
  });

  it('merges health_day records (written by cluster health) into the daily bars', async () => {
    const clean = await createFixtureApp(fixtureConfig({ components: 2, groups: 1 }));
    try {
      const component = clean.domain.settings.components[0]!.id;
      const date = new Date(clean.clock.now - 86_400_000).toISOString().slice(0, 10);
      await clean.store.write([
        {
          kind: 'health_day',
          id: `${component}/${date}`,
          body: { component, date, major: 90, partial: 0, degraded: 0, maintenance: 0 },
        },
      ]);
      const body = await (await clean.app.request('http://status.test/')).text();
      // The bar links to the day's page with a short label; the minutes are on that page.
      const label = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'UTC',
        day: 'numeric',
        month: 'short',
      }).format(Date.parse(`${date}T12:00:00Z`));
      expect(body).toContain(
        `<a href="/history?day=${date}" aria-label="${label}: major outage" class="u4"></a>`,
      );
      expect(body).not.toContain('1 h 30 min major outage');
      expect(body).toMatch(/93\.75 % uptime/);
      const day = await clean.app.request(`http://status.test/history?day=${date}`);
      expect(day.status).toBe(200);
      const detail = await day.text();
      expect(detail).toContain('1 h 30 min major outage');
      expect(detail).toContain('93.75 %');
      expect(detail).toContain('One other component: no data for this day.');
      expect(detail).toContain('No incidents on this day.');
    } finally {
      await clean.stop();
    }
  });

  it('serves the stylesheet under a content hash with a long cache and 304s', async () => {
    const res = await get(STYLE.path);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('content-type')).toMatch(/text\/css/);
    expect((await get(STYLE.path, { 'If-None-Match': STYLE.etag })).status).toBe(304);
  });

  it('serves pages from the cache until the store changes, with ETag revalidation', async () => {
    const a = await get('/');
    const b = await get('/');
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
    expect((await get('/', { 'If-None-Match': a.headers.get('etag')! })).status).toBe(304);
    await createIncident(f.domain, ACTOR, {
      components: [f.domain.settings.components[0]!.id],
      component_state: 4,
      messages: [{ title: 'Cache buster', content: '' }],
    });
    const c = await get('/');
    expect(c.headers.get('etag')).not.toBe(a.headers.get('etag'));
    expect(await c.text()).toContain('Cache buster');
  });

  it('gzips a cached page once, in the background, and serves the small bytes after that', async () => {
    const plain = await get('/history?type=incidents');
    const bytes = new Uint8Array(await plain.arrayBuffer());
    const first = await get('/history?type=incidents', { 'Accept-Encoding': 'gzip, br' });
    expect(first.headers.get('content-encoding')).toBeNull();
    let second = first;
    for (let i = 0; i < 100 && !second.headers.get('content-encoding'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      second = await get('/history?type=incidents', { 'Accept-Encoding': 'gzip, br' });
    }
    expect(second.headers.get('content-encoding')).toBe('gzip');
    expect(second.headers.get('vary')).toContain('Accept-Encoding');
    expect(second.headers.get('etag')).not.toBe(plain.headers.get('etag'));
    const zipped = new Uint8Array(await second.arrayBuffer());
    expect(zipped.length).toBeLessThan(bytes.length / 3);
    expect(new Uint8Array(gunzipSync(zipped))).toEqual(bytes);
    expect(
      (
        await get('/history?type=incidents', {
          'Accept-Encoding': 'gzip',
          'If-None-Match': second.headers.get('etag')!,
        })
      ).status,
    ).toBe(304);
  });

  it('shows times in the zone from the query, remembers it in a signed cookie, and needs no redirect', async () => {
    const res = await get('/?timezone=America/New_York');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('data-tz="America/New_York"');
    expect(body).toMatch(/ E[DS]T</);
    const jar = new CookieJar().update(res);
    expect(jar.get('staunch_tz')).toMatch(/^America%2FNew_York\./);
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    // The cookie alone now chooses the zone, on any page, with other query parameters present.
    const next = await get('/history?month=2026-01&type=incidents', { Cookie: jar.header() });
    expect(await next.text()).toContain('data-tz="America/New_York" data-tz-chosen="1"');
    expect(next.headers.get('set-cookie')).toBeNull();
  });

  it('falls back with a notice on an unknown zone, never a 500, and stores nothing', async () => {
    const res = await get('/?timezone=Mars/Olympus_Mons');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('Unknown time zone.');
    expect(body).toContain('data-tz="Europe/Paris"');
    expect(res.headers.get('set-cookie')).toBeNull();
    for (const weird of ['../../etc/passwd', '%00', 'x'.repeat(500), '<script>']) {
      const r = await get(`/?timezone=${encodeURIComponent(weird)}`);
      expect(r.status).toBe(200);
      expect(await r.text()).not.toContain('<script>');
    }
  });

  it('ignores a forged zone cookie', async () => {
    const body = await (
      await get('/', {
        Cookie: 'staunch_tz=Asia%2FTokyo.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D',
      })
    ).text();
    expect(body).toContain('data-tz="Europe/Paris" data-tz-chosen="0"');
  });

  it('sets the zone from the picker and returns to a same-site path only', async () => {
    const res = await get(
      `/timezone?timezone=Asia/Tokyo&return=${encodeURIComponent('/history?month=2026-01&type=all')}`,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/history?month=2026-01&type=all');
    expect(res.headers.get('set-cookie')).toContain('staunch_tz=Asia%2FTokyo.');
    for (const evil of [
      '//evil.example',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      const r = await get(`/timezone?timezone=UTC&return=${encodeURIComponent(evil)}`);
      expect(r.headers.get('location')).toBe('/');
    }
    const picker = await get('/timezone?return=/history');
    expect(picker.status).toBe(200);
    expect(await picker.text()).toContain('<option value="Europe/Paris" selected="">');
  });

  it('paginates the history by month and filters by component and type', async () => {
    const current = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
    }).format(f.clock.now);
    const page = await (await get('/history')).text();
    expect(page).toContain('Incident history');
    expect(page).toContain('rel="prev"');
    expect(page).not.toContain('rel="next"');
    const [y, m] = current.split('-').map(Number) as [number, number];
    const previous = `${m === 1 ? y - 1 : y}-${String(m === 1 ? 12 : m - 1).padStart(2, '0')}`;
    expect(page).toContain(`href="/history?month=${previous}"`);
    const older = await (await get(`/history?month=${previous}`)).text();
    expect(older).toContain('rel="next"');
    const component = f.domain.settings.components[1]!;
    const filtered = await (
      await get(
        `/history?month=${current}&component=${encodeURIComponent(component.id)}&type=incidents`,
      )
    ).text();
    expect(filtered).toContain(`<option value="${component.id}" selected="">`);
    expect(filtered).not.toContain('Database upgrade'); // maintenance is filtered out
    // Nonsense parameters fall back instead of failing.
    expect((await get('/history?month=9999-99&component=nope&type=bogus')).status).toBe(200);
  });

  it("links each day with something to say to that day's page: its components' minutes and its incidents", async () => {
    const front = await (await get('/')).text();
    const links = [
      ...front.matchAll(/<a href="\/history\?day=([\d-]+)" aria-label="([^"]+)" class="u(\d)">/g),
    ];
    expect(links.length).toBeGreaterThan(0);
    // Every bar link has a short label (date, worst state, incident count) and a day the page knows.
    for (const [, , label, worst] of links)
      expect(label).toMatch(
        new RegExp(
          `^\\d{1,2} \\w{3,4}: ${['no downtime', 'maintenance', 'degraded performance', 'partial outage', 'major outage'][Number(worst)]}(, \\d+ incidents?)?$`,
        ),
      );
    const [, date, label] = links.find((l) => /incident/.test(l[2]!))!;
    const count = Number(/(\d+) incidents?$/.exec(label!)![1]);
    const res = await get(`/history?day=${date}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<th scope="row">');
    expect(page).toMatch(/\d+\.\d\d %/);
    expect(page).toContain(`href="/history?month=${date!.slice(0, 7)}#day-${date}"`);
    expect(page).toContain('rel="prev"');
    // At least the incidents the bar counted for one component are listed.
    expect(page.match(/<li id="incident-/g)?.length ?? 0).toBeGreaterThanOrEqual(count);
    // Today has no day after it; the day before does.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
      f.clock.now,
    );
    const todayPage = await (await get(`/history?day=${today}`)).text();
    expect(todayPage).not.toContain('rel="next"');
    // Older than the bars: no minutes are kept, which the page says, and its incidents still show.
    const old = new Date(f.clock.now - 120 * 86_400_000).toISOString().slice(0, 10);
    const oldPage = await get(`/history?day=${old}`);
    expect(oldPage.status).toBe(200);
    const oldText = await oldPage.text();
    expect(oldText).toContain('Minutes per component are shown for the last 90 days');
    expect(oldText).not.toContain('<table');
    // Not a day, or one that has not come: a 400 that says how a day is written, echoing nothing.
    for (const bad of ['2026-02-30', 'yesterday', '1999-12-31', '9999-01-01', '', '<script>']) {
      const answer = await get(`/history?day=${encodeURIComponent(bad)}`);
      expect(answer.status, bad).toBe(400);
      const text = await answer.text();
      expect(text).toContain('YYYY-MM-DD');
      expect(text).not.toContain('<script>');
    }
  });

  it('shows an incident on its own page and a real 404 page for unknown ids', async () => {
    const incident = await createIncident(f.domain, ACTOR, {
      components: [f.domain.settings.components[0]!.id],
      component_state: 3,
      created_at: at(f.clock.now - 3_600_000),
      messages: [{ title: 'Slow checkout', content: 'Looking into it.' }],
    });
    await addMessage(f.domain, ACTOR, incident.guid, {
      title: '',
      content: 'Fixed by a restart.',
      state: 1,
    });
    const res = await get(`/incidents/${incident.guid}`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('<h1><span class="md">Slow checkout</span></h1>');
    expect(body).toContain('Fixed by a restart.');
    expect(body).toContain('Resolved');
    expect(body).toMatch(/lasted (59|60) min|lasted 1 h/);
    const missing = await get('/incidents/does-not-exist');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/text\/html/);
    expect(await missing.text()).toContain('Not found');
  });

  it('serves badges with escaped text', async () => {
    const overall = await get('/badge.svg');
    expect(overall.status).toBe(200);
    expect(overall.headers.get('content-type')).toMatch(/image\/svg\+xml/);
    const component = f.domain.settings.components[0]!;
    const one = await get(
      `/badge/${encodeURIComponent(component.id)}.svg?label=${encodeURIComponent('<b>&"x"')}`,
    );
    expect(one.status).toBe(200);
    const svg = await one.text();
    expect(svg).toContain('&lt;b&gt;&amp;&quot;x&quot;');
    expect(svg).not.toContain('<b>');
    expect((await get('/badge/nope.svg')).status).toBe(404);
  });

  it('says honestly that a page without a mailing channel cannot take sign-ups', async () => {
    const headers = {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: 'http://status.test',
    };
    for (const body of ['email=ops%40example.com', 'email=not-an-address']) {
      const answer = await f.app.request('http://status.test/subscribe', {
        method: 'POST',
        headers,
        body,
      });
      expect(answer.status).toBe(409);
      expect(await answer.text()).toContain('This site does not send email');
    }
    const crossSite = await f.app.request('http://status.test/subscribe', {
      method: 'POST',
      headers: { ...headers, Origin: 'https://evil.example' },
      body: 'email=x%40example.com',
    });
    expect(crossSite.status).toBe(403);
  });
});

describe('when every storage target is down', () => {
  it('keeps serving the last known state with a notice saying since when', async () => {
    const f = await createFixtureApp(fixtureConfig({ components: 4, groups: 2 }));
    try {
      await createIncident(f.domain, ACTOR, {
        components: [f.domain.settings.components[0]!.id],
        component_state: 4,
        messages: [{ title: 'Known before the outage', content: 'Still shown.' }],
      });
      const before = await (await f.app.request('http://status.test/')).text();
      expect(before).not.toContain('Storage unreachable');

      for (const driver of f.drivers) driver.setMode('fail');
      await f.store.checkHealth();
      expect(f.store.targets().every((t) => t.state === 'down')).toBe(true);

      for (const path of ['/', '/history', '/rss.xml', '/atom.xml', '/cal.ics', '/badge.svg']) {
        expect((await f.app.request(`http://status.test${path}`)).status).toBe(200);
      }
      const during = await (await f.app.request('http://status.test/')).text();
      expect(during).toContain('Storage unreachable since');
      expect(during).toContain('showing the last known state'.replace('showing', 'Showing'));
      expect(during).toContain('Known before the outage');
      expect(during).toContain('Major Service Outage');

      for (const driver of f.drivers) driver.setMode('ok');
      await f.store.checkHealth();
      const after = await (await f.app.request('http://status.test/')).text();
      expect(after).not.toContain('Storage unreachable');
    } finally {
      await f.stop();
    }
  });
});
