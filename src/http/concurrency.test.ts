/**
 * Two app instances (separate replicators over the same storage targets) changing the same
 * incident at the same moment through the APIs: no update is lost, and every instance, every
 * API and every target ends on the same state.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryDriver } from '../../storage-drivers/memory.ts';
import { AUTH, startTestApp, type TestApp } from '../../test/support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ instances: 2 });
});
afterEach(() => t.stop());

const json = async (response: Response) => {
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
};

describe('two instances updating one incident concurrently', () => {
  it('keep every message posted through /v1 and the native API, and agree everywhere', async () => {
    const created = await json(
      await t.request('/v1/incidents', {
        method: 'POST',
        auth: AUTH.admin,
        json: { components: ['Public - API'], component_state: 3, messages: [{ title: 'Opened' }] },
      }),
    );
    const guid = created.guid as string;
    await t.replicas.exchange();

    await Promise.all([
      t.request(
        `/v1/incidents/${guid}/messages`,
        { method: 'POST', auth: AUTH.admin, json: { title: 'From instance 0' } },
        0,
      ),
      t.request(
        `/api/v1/incidents/${guid}/updates`,
        {
          method: 'POST',
          auth: AUTH.writer,
          json: { title: 'From instance 1', state: 'monitoring' },
        },
        1,
      ),
      t.request(
        `/v1/incidents/${guid}`,
        { method: 'PUT', auth: AUTH.admin, json: { component_state: 4 } },
        0,
      ),
      t.request(
        `/v1/incidents/${guid}`,
        {
          method: 'PUT',
          auth: AUTH.admin,
          json: { components: ['Public - API', 'Public - Website'] },
        },
        1,
      ),
    ]);
    await t.replicas.exchange();

    const views = await Promise.all(
      [0, 1].map(async (i) => json(await t.request(`/v1/incidents/${guid}`, {}, i))),
    );
    expect(views[0]).toEqual(views[1]);
    const titles = (views[0]!.messages as { title: string }[]).map((m) => m.title).sort();
    expect(titles).toEqual(['From instance 0', 'From instance 1', 'Opened']);

    // Each field is its own record: the impact set on one instance and the components on the other both stay.
    expect(views[0]).toMatchObject({
      component_state: 4,
      components: ['Public - API', 'Public - Website'],
    });
    const summaries = await Promise.all(
      [0, 1].map(async (i) => json(await t.request('/api/v2/incidents/unresolved.json', {}, i))),
    );
    expect(summaries[0]!.incidents).toEqual(summaries[1]!.incidents);

    for (const target of t.replicas.targets) {
      const driver = createMemoryDriver(new URL(`memory://${target}`));
      const stored = (await driver.list('incident_update')).items.filter((r) =>
        r.id.startsWith(guid),
      ).length;
      expect(stored, target).toBe(3);
      expect((await driver.get('incident', guid))!.rev).toBe(
        t.replicas.stores[0]!.get('incident', guid)!.rev,
      );
      expect((await driver.get('incident', guid))!.rev).toBe(
        t.replicas.stores[1]!.get('incident', guid)!.rev,
      );
    }
  });

  it('serve the same Statuspage ETag from both instances once they hold the same data', async () => {
    await t.request('/v1/incidents', {
      method: 'POST',
      auth: AUTH.admin,
      json: { components: ['Public - API'], messages: [{ title: 'x' }] },
    });
    await t.replicas.exchange();
    const [a, b] = await Promise.all([0, 1].map((i) => t.request('/api/v2/incidents.json', {}, i)));
    expect(a!.headers.get('etag')).toBe(b!.headers.get('etag'));
  });
});
