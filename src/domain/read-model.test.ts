import { afterEach, describe, expect, it } from 'vitest';
import { createIncident } from './incidents.ts';
import {
  ADMIN,
  startReplicas,
  testConfig,
  testContext,
  type Replicas,
} from '../../test/support/domain-fixtures.ts';
import { domainSettings, domainView } from './read-model.ts';

let replicas: Replicas | undefined;
afterEach(() => replicas?.stop());

describe('domainView', () => {
  it('assembles once per store version, shared by every settings object', async () => {
    replicas = await startReplicas(1);
    const store = replicas.stores[0]!;
    const pages = domainSettings(testConfig());
    const api = domainSettings(testConfig());
    const first = domainView(store, pages);
    expect(domainView(store, pages)).toBe(first);
    expect(domainView(store, api).incidents).toBe(first.incidents);
    await createIncident(testContext(store), ADMIN, {
      components: ['Public - API'],
      messages: [{ title: 'x', content: '' }],
    });
    const after = domainView(store, api);
    expect(after.incidents).toHaveLength(1);
    expect(domainView(store, pages).incidents).toBe(after.incidents);
  });

  it('derives components and groups from the config in config order', () => {
    const settings = domainSettings(testConfig());
    expect(settings.components.map((c) => c.id)).toEqual([
      'Public - API',
      'Public - Website',
      'Internal - Database',
      'Standalone',
    ]);
    expect(settings.groups.map((g) => [g.name, g.components])).toEqual([
      ['Public', ['Public - API', 'Public - Website']],
      ['Internal', ['Internal - Database']],
    ]);
    expect(settings.baseUrl).toBe('https://status.example.test');
  });
});
