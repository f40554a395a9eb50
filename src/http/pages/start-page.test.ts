import { describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { createIncident } from '../../domain/incidents.ts';
import { silentLogger } from '../../logger.ts';
import { ADMIN, TEST_NOW, testConfig, testContext } from '../../../test/support/domain-fixtures.ts';
import {
  memoryTargets,
  replicatorsForEachTest,
} from '../../../test/support/replication-fixtures.ts';
import { startAnswers } from './start-page.tsx';

const replicators = replicatorsForEachTest();

describe('the front page kept for the next start', () => {
  it('shows the state with a notice naming the full time it is from, nothing relative, and may not be cached', async () => {
    const config = testConfig();
    const store = await replicators.start({ drivers: memoryTargets(1), now: () => TEST_NOW });
    await createIncident(testContext(store), ADMIN, {
      components: ['Public - API'],
      component_state: 4,
      messages: [{ title: 'API is down', content: 'Every request fails' }],
    });
    const { site } = buildApp({
      config,
      store,
      logger: silentLogger,
      startedAt: new Date(TEST_NOW),
      version: 'test',
      now: () => TEST_NOW,
    });
    const at = TEST_NOW + 60_000;
    const [front, ...others] = startAnswers(site, at);
    expect(others).toEqual([]);
    expect(front!.path).toBe('/');
    expect(front!.headers['Cache-Control']).toBe('no-store');
    expect(front!.headers['Content-Type']).toMatch(/^text\/html/);
    const year = new Date(at).getUTCFullYear();
    expect(front!.body).toMatch(
      new RegExp(`Showing the last known state, as of [^<]*${year}[^<]*\\.`),
    );
    expect(front!.body).toContain('This server is starting');
    expect(front!.body).not.toMatch(/last known state[^<]*ago/);
    expect(front!.body).toContain('API is down');
    expect(front!.body).not.toContain('All Systems Operational');
  });
});
