/** `?timezone=` per request: the render cache stays within its bound and keeps the site zone's pages. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFixtureApp,
  fixtureConfig,
  siteFor,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';
import { allZones } from './zone.ts';

describe('render cache under many time zones', () => {
  let f: FixtureApp;
  beforeEach(async () => {
    f = await createFixtureApp(fixtureConfig({ timeZone: 'Europe/Paris' }));
  });
  afterEach(() => f.stop());

  it('does not grow past its bound, and the default page stays cached', async () => {
    const cache = siteFor({ config: f.config, store: f.store, logger: undefined as never }).cache;
    const zones = allZones()
      .filter((z) => z !== 'Europe/Paris')
      .slice(0, 400);
    expect(zones.length).toBe(400);

    expect((await f.app.request('http://status.test/')).status).toBe(200);
    const misses = cache.misses;
    for (const zone of zones)
      expect(
        (await f.app.request(`http://status.test/?timezone=${encodeURIComponent(zone)}`)).status,
      ).toBe(200);
    expect(cache.misses).toBe(misses + zones.length);
    expect(cache.chosenSize).toBeLessThanOrEqual(200);
    expect(cache.size).toBeLessThanOrEqual(201);

    const hits = cache.hits;
    const again = await f.app.request('http://status.test/');
    expect(await again.text()).toContain('Acme Cloud');
    expect(cache.hits).toBe(hits + 1);
    expect(cache.misses).toBe(misses + zones.length);
  });
});
