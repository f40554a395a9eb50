/** Zone names: the picker lists current IANA names, and old spellings are accepted and mapped. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CookieJar,
  createFixtureApp,
  fixtureConfig,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';
import { allZones, canonicalZone } from './zone.ts';

describe('zone names', () => {
  it('lists current IANA names, UTC first, and no renamed one', () => {
    const zones = allZones();
    expect(zones[0]).toBe('UTC');
    for (const name of [
      'Asia/Kolkata',
      'Europe/Kyiv',
      'Asia/Ho_Chi_Minh',
      'America/Nuuk',
      'America/Argentina/Buenos_Aires',
    ])
      expect(zones).toContain(name);
    for (const name of [
      'Asia/Calcutta',
      'Europe/Kiev',
      'Asia/Saigon',
      'America/Godthab',
      'America/Buenos_Aires',
    ])
      expect(zones).not.toContain(name);
    // Every listed name works with Intl, so a page can be rendered in it.
    for (const zone of zones)
      expect(() => new Intl.DateTimeFormat('en', { timeZone: zone })).not.toThrow();
  });

  it('accepts old and new spellings and answers with the current name', () => {
    expect(canonicalZone('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(canonicalZone('asia/kolkata')).toBe('Asia/Kolkata');
    expect(canonicalZone('Europe/Kiev')).toBe('Europe/Kyiv');
    expect(canonicalZone('US/Eastern')).toBe('America/New_York');
    expect(canonicalZone('utc')).toBe('UTC');
    expect(canonicalZone('Mars/Olympus_Mons')).toBeNull();
  });
});

describe('the zone cookie', () => {
  let f: FixtureApp;
  beforeAll(async () => {
    f = await createFixtureApp(fixtureConfig({ timeZone: 'America/New_York' }));
  });
  afterAll(() => f.stop());

  it('remembers an old spelling by its current name, for the whole site', async () => {
    const jar = new CookieJar();
    const chosen = await f.app.request(
      'http://status.test/timezone?timezone=Asia%2FCalcutta&return=%2Fhistory',
    );
    expect([chosen.status, chosen.headers.get('location')]).toEqual([303, '/history']);
    expect(chosen.headers.get('set-cookie')).toMatch(
      /^staunch_tz=Asia%2FKolkata\.[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    jar.update(chosen);
    const page = await (
      await f.app.request('http://status.test/', { headers: { cookie: jar.header() } })
    ).text();
    expect(page).toContain('data-tz="Asia/Kolkata" data-tz-chosen="1"');
  });
});
