/**
 * The front page's past-incidents list is capped: on a busy week it lists the newest incidents
 * and leaves the older days to the history page, so its size follows what a visitor reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECENT_INCIDENTS_LIMIT } from '../site/page-model.ts';
import {
  createFixtureApp,
  fixtureConfig,
  seedHistory,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';

const pastSection = (html: string) => html.slice(html.indexOf('id="past-title"'));
const listed = (html: string) => [...pastSection(html).matchAll(/<li id="incident-([^"]+)"/g)];
const days = (html: string) => [...pastSection(html).matchAll(/<li class="day" id="day-([^"]+)"/g)];

describe('past incidents on the front page', () => {
  let busy: FixtureApp;
  let quiet: FixtureApp;
  const options = { open: 0, maintenance: false, knownIssues: 0 } as const;

  beforeAll(async () => {
    busy = await createFixtureApp(fixtureConfig());
    // 60 incidents over the last 3 days: three times what the list holds.
    await seedHistory(busy.domain, { ...options, incidents: 60, days: 3, now: busy.clock.now });
    quiet = await createFixtureApp(fixtureConfig());
    await seedHistory(quiet.domain, { ...options, incidents: 5, days: 7, now: quiet.clock.now });
  });
  afterAll(async () => {
    await busy.stop();
    await quiet.stop();
  });

  it(`lists at most ${RECENT_INCIDENTS_LIMIT}, the newest, and links to the history`, async () => {
    const html = await (await busy.app.request('http://status.test/')).text();
    expect(listed(html)).toHaveLength(RECENT_INCIDENTS_LIMIT);
    expect(pastSection(html)).toContain('href="/history"');
    // Whole days from today back, and no day shown empty: the older days are left out instead.
    expect(days(html).length).toBeLessThan(7);
    expect(pastSection(html)).not.toContain('No incidents reported.');
    const history = await (await busy.app.request('http://status.test/history')).text();
    for (const [, guid] of listed(html)) expect(history).toContain(`incident-${guid}`);
  });

  it('shows all seven days on a quiet week, each with what it had', async () => {
    const html = await (await quiet.app.request('http://status.test/')).text();
    expect(listed(html).length).toBeLessThanOrEqual(5);
    expect(days(html)).toHaveLength(7);
  });
});
