/**
 * The feeds, read back with parsers that share nothing with the libraries that wrote them:
 * fast-xml-parser for RSS and Atom, ical.js for the calendar.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMessage, createIncident } from '../../domain/incidents.ts';
import { TEST_NOW } from '../../../test/support/domain-fixtures.ts';
import { formatInstant } from '../../domain/time.ts';
import type { Incident } from '../../domain/types.ts';
import {
  ACTOR,
  createFixtureApp,
  fixtureConfig,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';

const BASE = 'http://status.example.test';
const at = (ms: number) => formatInstant(ms, 'UTC');
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

describe('feeds', () => {
  let f: FixtureApp;
  let resolved: Incident;
  let open: Incident;
  let upcoming: Incident;
  let cancelled: Incident;
  const now = TEST_NOW;

  beforeAll(async () => {
    f = await createFixtureApp(fixtureConfig({ components: 4, groups: 2 }));
    const [c0, c1] = f.domain.settings.components.map((c) => c.id) as [string, string];
    resolved = await createIncident(f.domain, ACTOR, {
      components: [c0],
      component_state: 4,
      created_at: at(now - 5 * 3_600_000),
      messages: [
        {
          title: 'Login failures & <timeouts>',
          content: 'We are **investigating**.\n\n<script>alert(1)</script>',
        },
      ],
    });
    await addMessage(f.domain, ACTOR, resolved.guid, {
      title: '',
      content: 'Resolved by rolling back.',
      state: 1,
    });
    open = await createIncident(f.domain, ACTOR, {
      components: [c1],
      component_state: 3,
      messages: [{ title: 'Slow API', content: 'Looking.' }],
    });
    upcoming = await createIncident(f.domain, ACTOR, {
      is_scheduled: true,
      state: 3,
      components: [c0, c1],
      created_at: at(now + 86_400_000),
      scheduled_end: at(now + 86_400_000 + 2 * 3_600_000),
      messages: [
        { title: 'Database upgrade; with, special\\chars', content: 'Expect short interruptions.' },
      ],
    });
    cancelled = await createIncident(f.domain, ACTOR, {
      is_scheduled: true,
      state: 4,
      components: [c0],
      created_at: at(now + 3 * 86_400_000),
      scheduled_end: at(now + 3 * 86_400_000 + 3_600_000),
      messages: [{ title: 'Cancelled window', content: '' }],
    });
  });
  afterAll(() => f.stop());

  it('serves valid RSS 2.0 whose items link to /incidents/:id under base_url, newest first', async () => {
    const res = await f.app.request('http://status.test/rss.xml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/rss\+xml/);
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parser.parse(xml);
    expect(doc.rss['@version']).toBe('2.0');
    const channel = doc.rss.channel;
    expect(channel.title).toBe('Acme Cloud status');
    expect(channel.link).toBe(`${BASE}/`);
    const items = asArray(channel.item) as Array<Record<string, unknown>>;
    expect(items.length).toBe(4);
    const links = items.map((i) => i.link as string);
    expect(links).toContain(`${BASE}/incidents/${resolved.guid}`);
    expect(links).toContain(`${BASE}/incidents/${open.guid}`);
    const dates = items.map((i) => Date.parse(i.pubDate as string));
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
    const item = items.find((i) => i.link === `${BASE}/incidents/${resolved.guid}`)!;
    // Titles are HTML text (readers may take them as HTML): escaped once inside the XML.
    expect(item.title).toBe('Login failures &amp; &lt;timeouts&gt;');
    const content = String(item['content:encoded']);
    expect(content).toContain('<strong>investigating</strong>');
    expect(content).toContain('Resolved by rolling back.');
    expect(content).not.toMatch(/<script/i);
    expect(items.find((i) => i.link === `${BASE}/incidents/${upcoming.guid}`)!.title).toMatch(
      /^Maintenance: /,
    );
  });

  it('serves valid Atom with ids, links and authors', async () => {
    const res = await f.app.request('http://status.test/atom.xml');
    expect(res.headers.get('content-type')).toMatch(/application\/atom\+xml/);
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parser.parse(xml).feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe(`${BASE}/`);
    expect(feed.title['#text'] ?? feed.title).toBe('Acme Cloud status');
    expect(Number.isNaN(Date.parse(feed.updated))).toBe(false);
    expect(feed.author.name).toBe('Acme Cloud');
    const entries = asArray(feed.entry) as Array<{
      id: string;
      updated: string;
      link: unknown;
      content: string | { '#text'?: string };
    }>;
    expect(entries).toHaveLength(4);
    for (const entry of entries) {
      expect(entry.id).toMatch(new RegExp(`^${BASE}/incidents/`));
      const links = asArray(entry.link) as Array<Record<string, string>>;
      expect(links.some((l) => l['@href'] === entry.id)).toBe(true);
      expect(Number.isNaN(Date.parse(entry.updated))).toBe(false);
    }
    const content = entries.find((e) => e.id.endsWith(resolved.guid))!.content;
    expect(typeof content === 'string' ? content : (content['#text'] ?? '')).not.toMatch(
      /<script/i,
    );
  });

  it('serves maintenance as VEVENTs in valid iCalendar', async () => {
    const res = await f.app.request('http://status.test/cal.ics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/calendar/);
    const text = await res.text();
    expect(text.split('\r\n').every((line) => new TextEncoder().encode(line).length <= 75)).toBe(
      true,
    );
    const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
    expect(calendar.name).toBe('vcalendar');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events).toHaveLength(2);
    const planned = events.find((e) => e.uid.startsWith(upcoming.guid))!;
    expect(planned.summary).toBe('Database upgrade; with, special\\chars');
    expect(planned.startDate.toJSDate().getTime()).toBe(
      Math.floor((now + 86_400_000) / 1000) * 1000,
    );
    expect(planned.endDate.toJSDate().getTime() - planned.startDate.toJSDate().getTime()).toBe(
      2 * 3_600_000,
    );
    expect(planned.location).toContain('Frontend');
    expect(planned.component.getFirstPropertyValue('url')).toBe(
      `${BASE}/incidents/${upcoming.guid}`,
    );
    expect(planned.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
    const gone = events.find((e) => e.uid.startsWith(cancelled.guid))!;
    expect(gone.component.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('is served from memory until the data changes', async () => {
    const a = await f.app.request('http://status.test/rss.xml');
    const b = await f.app.request('http://status.test/rss.xml');
    expect(a.headers.get('etag')).toBe(b.headers.get('etag'));
    await addMessage(f.domain, ACTOR, open.guid, {
      title: '',
      content: 'New update for the feed.',
    });
    const c = await f.app.request('http://status.test/rss.xml');
    expect(c.headers.get('etag')).not.toBe(a.headers.get('etag'));
    expect(await c.text()).toContain('New update for the feed.');
  });
});
