/**
 * Components are shown and listed in the order of the config, whether or not they have a group:
 * a group takes the place of its first member, and ungrouped components stay where they are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFixtureApp,
  fixtureConfig,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';

const COMPONENTS = `
  - name: Frontend
    group: Website
  - name: Status API
  - name: Database
    group: Data
  - name: Mobile
    group: Website
  - name: Docs
  - name: Billing
`;

describe('component order', () => {
  let f: FixtureApp;
  const get = (path: string) => f.app.request(`http://status.test${path}`);

  beforeAll(async () => {
    f = await createFixtureApp(fixtureConfig({ componentsYaml: COMPONENTS }));
  });
  afterAll(() => f.stop());

  it('keeps the config order on the page, ungrouped components included', async () => {
    const body = await (await get('/')).text();
    const section = body.slice(body.indexOf('id="components-title"'));
    // Group headings and component names, in document order.
    const seen = [
      ...section.matchAll(
        /<h3 id="group-\d+">([^<]+?) <span|<div class="component-name">([^<]+)<\/div>/g,
      ),
    ].map((m) => (m[1] ? `[${m[1]}]` : m[2]));
    expect(seen).toEqual([
      '[Website]',
      'Frontend',
      'Mobile',
      'Status API',
      '[Data]',
      'Database',
      'Docs',
      'Billing',
    ]);
  });

  it('keeps the config order in /api/v2 and /v1/components', async () => {
    const v2 = (await (await get('/api/v2/components.json')).json()) as {
      components: { name: string; group: boolean }[];
    };
    expect(v2.components.map((c) => (c.group ? `[${c.name}]` : c.name))).toEqual([
      '[Website]',
      'Frontend',
      'Status API',
      '[Data]',
      'Database',
      'Mobile',
      'Docs',
      'Billing',
    ]);
    expect(await (await get('/v1/components')).json()).toEqual([
      'Website - Frontend',
      'Status API',
      'Data - Database',
      'Website - Mobile',
      'Docs',
      'Billing',
    ]);
  });
});
