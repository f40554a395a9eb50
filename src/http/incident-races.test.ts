/**
 * One instance, requests on the same incident racing each other through the HTTP APIs: a delete
 * is never undone by an update running beside it, and two updates of different fields both stay.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH, startTestApp, type TestApp } from '../../test/support/test-app.ts';

interface IncidentResource {
  id: string;
  state: string;
  components: string[];
}

let t: TestApp;
beforeEach(async () => {
  // Targets answer writes a little late, as PostgreSQL or a folder do, so requests really overlap.
  t = await startTestApp({ writeDelayMs: 5 });
});
afterEach(() => t.stop());

const PAIRS = 30;

async function createIncidents(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await t.request('/api/v1/incidents', {
      method: 'POST',
      auth: AUTH.writer,
      json: {
        title: `Outage ${i}`,
        content: 'Looking',
        component_status: 'major_outage',
        components: ['Public - API'],
      },
    });
    expect(response.status).toBe(201);
    ids.push(((await response.json()) as IncidentResource).id);
  }
  return ids;
}

describe('concurrent requests on one incident, one instance', () => {
  it('a DELETE racing a PATCH never brings the incident back', async () => {
    const ids = await createIncidents(PAIRS);
    const answers = await Promise.all(
      ids.flatMap((id) => [
        t.request(`/api/v1/incidents/${id}`, { method: 'DELETE', auth: AUTH.writer }),
        t.request(`/api/v1/incidents/${id}`, {
          method: 'PATCH',
          auth: AUTH.writer,
          json: { state: 'monitoring' },
        }),
      ]),
    );
    for (const [i, answer] of answers.entries())
      expect([200, 204, 404], `request ${i}`).toContain(answer.status);

    const list = (await (
      await t.request('/api/v1/incidents?limit=100', { auth: AUTH.reader })
    ).json()) as { incidents: IncidentResource[] };
    expect(list.incidents.map((i) => i.id)).toEqual([]);
    for (const id of ids)
      expect((await t.request(`/api/v1/incidents/${id}`, { auth: AUTH.reader })).status, id).toBe(
        404,
      );
    const summary = (await (await t.request('/api/v2/summary.json')).json()) as {
      status: { indicator: string };
      incidents: unknown[];
    };
    expect(summary).toMatchObject({ status: { indicator: 'none' }, incidents: [] });
  });

  it('a PATCH of the state and one of the components, sent together, both stay', async () => {
    const ids = await createIncidents(PAIRS);
    const answers = await Promise.all(
      ids.flatMap((id) => [
        t.request(`/api/v1/incidents/${id}`, {
          method: 'PATCH',
          auth: AUTH.writer,
          json: { state: 'monitoring' },
        }),
        t.request(`/api/v1/incidents/${id}`, {
          method: 'PATCH',
          auth: AUTH.writer,
          json: { components: ['Public - API', 'Public - Website'] },
        }),
      ]),
    );
    for (const answer of answers) expect(answer.status).toBe(200);

    for (const id of ids) {
      const incident = (await (
        await t.request(`/api/v1/incidents/${id}`, { auth: AUTH.reader })
      ).json()) as IncidentResource;
      expect({ id, state: incident.state, components: incident.components }).toEqual({
        id,
        state: 'monitoring',
        components: ['Public - API', 'Public - Website'],
      });
    }
  });

  it("a PATCH of an update's title and one of its content, sent together, both stay", async () => {
    const ids = await createIncidents(PAIRS);
    const updates = await Promise.all(
      ids.map(
        async (id) =>
          (
            (await (await t.request(`/api/v1/incidents/${id}`, { auth: AUTH.reader })).json()) as {
              updates: { id: string }[];
            }
          ).updates[0]!.id,
      ),
    );
    const answers = await Promise.all(
      ids.flatMap((id, i) => [
        t.request(`/api/v1/incidents/${id}/updates/${updates[i]}`, {
          method: 'PATCH',
          auth: AUTH.writer,
          json: { title: 'Checkout errors' },
        }),
        t.request(`/api/v1/incidents/${id}/updates/${updates[i]}`, {
          method: 'PATCH',
          auth: AUTH.writer,
          json: { content: 'Payments fail' },
        }),
      ]),
    );
    for (const answer of answers) expect(answer.status).toBe(200);
    for (const id of ids) {
      const incident = (await (
        await t.request(`/api/v1/incidents/${id}`, { auth: AUTH.reader })
      ).json()) as { updates: { title: string; content: string }[] };
      expect({ id, update: incident.updates[0] }).toMatchObject({
        id,
        update: { title: 'Checkout errors', content: 'Payments fail' },
      });
    }
  });

  it('a /v1 PUT of the state beside one of the components keeps both, and the later answer shows both', async () => {
    const [id] = await createIncidents(1);
    const answers = await Promise.all([
      t.request(`/v1/incidents/${id}`, { method: 'PUT', auth: AUTH.admin, json: { state: 2 } }),
      t.request(`/v1/incidents/${id}`, {
        method: 'PUT',
        auth: AUTH.admin,
        json: { components: ['Public - Website'] },
      }),
    ]);
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as {
      state: number;
      components: string[];
    }[];
    const both = { state: 2, components: ['Public - Website'] };
    // The second request ran on the first one's result, so its answer already holds both changes.
    expect(
      bodies.filter(
        (b) => b.state === both.state && b.components.join() === both.components.join(),
      ),
    ).toHaveLength(1);
    expect(await (await t.request(`/v1/incidents/${id}`)).json()).toMatchObject(both);
  });
});
