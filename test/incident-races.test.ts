/**
 * Two app instances on shared real targets (PostgreSQL and a folder) racing on the same
 * incidents: one deletes while the other, not having seen the delete, updates; one sets the state
 * while the other sets the components. Once polling has carried each instance's writes to the
 * other, a deleted incident stays deleted on both instances and in every target's records, and
 * both field changes are kept everywhere.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredRecord } from '../storage-drivers/types.ts';
import { createApp } from '../src/app.ts';
import { testConfig, TEST_NOW } from './support/domain-fixtures.ts';
import { KIND } from '../src/domain/records.ts';
import { assembleIncidents } from '../src/domain/read-model.ts';
import { silentLogger } from '../src/logger.ts';
import { createReplicator } from '../src/replication/replicator.ts';
import { readAll } from './support/replication-fixtures.ts';
import type { Replicator } from '../src/replication/types.ts';
import { AUTH } from './support/test-app.ts';
import {
  createReplicationLab,
  type LabTarget,
  type ReplicationLab,
} from './support/replication-lab.ts';

let lab: ReplicationLab;
const cleanups: Array<() => Promise<unknown>> = [];
beforeAll(async () => {
  lab = await createReplicationLab();
}, 60_000);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});
afterAll(() => lab?.close());

const PAIRS = 30;

interface Instance {
  store: Replicator;
  request(path: string, init?: { method?: string; json?: unknown }): Promise<Response>;
}

/** One app instance with its own drivers on the shared targets; polling is driven by the test. */
async function startInstance(targets: LabTarget[]): Promise<Instance> {
  const drivers = await Promise.all(targets.map((t) => lab.create(t)));
  const store = createReplicator({
    drivers,
    syncIntervalMs: 0,
    pollIntervalMs: 0,
    healthIntervalMs: 0,
  });
  cleanups.push(async () => {
    await store.stop();
    await Promise.all(drivers.map((d) => d.close()));
  });
  await store.start();
  const app = createApp({
    config: testConfig(),
    store,
    logger: silentLogger,
    startedAt: new Date(TEST_NOW),
    version: 'test',
    now: () => TEST_NOW,
  });
  return {
    store,
    request: async (path, init = {}) =>
      app.request(`http://localhost${path}`, {
        method: init.method ?? 'GET',
        headers: { Authorization: AUTH.writer, 'Content-Type': 'application/json' },
        ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
      }),
  };
}

/** What polling does every few seconds, twice, so each instance has read the other's writes. */
async function exchange(instances: Instance[]): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await Promise.all(instances.map((i) => i.store.settle()));
    await Promise.all(instances.map((i) => i.store.pollOnce()));
  }
}

async function createIncidents(instance: Instance, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await instance.request('/api/v1/incidents', {
      method: 'POST',
      json: {
        title: `Outage ${i}`,
        component_status: 'major_outage',
        components: ['Public - API'],
      },
    });
    expect(response.status).toBe(201);
    ids.push(((await response.json()) as { id: string }).id);
  }
  return ids;
}

/** The incidents a target's records make, read from the target itself rather than through an instance. */
async function targetIncidents(target: LabTarget) {
  const driver = await lab.open(target);
  cleanups.push(() => driver.close());
  const records = new Map<string, StoredRecord[]>();
  for (const kind of [KIND.incident, KIND.field, KIND.update])
    records.set(kind, await readAll(driver, kind));
  return assembleIncidents({ list: (kind) => (records.get(kind) ?? []).filter((r) => !r.deleted) });
}

describe('two instances on PostgreSQL and a folder', () => {
  it('never bring back a deleted incident and keep both of two concurrent field changes', async (context) => {
    if (!lab.available.includes('postgres') || !lab.available.includes('file'))
      return context.skip();
    const targets = lab.fresh(['postgres', 'file']);
    const [one, two] = [await startInstance(targets), await startInstance(targets)];
    const instances = [one, two];

    const deleted = await createIncidents(one, PAIRS);
    const edited = await createIncidents(one, PAIRS);
    await exchange(instances);

    const answers = await Promise.all([
      ...deleted.flatMap((id) => [
        one.request(`/api/v1/incidents/${id}`, { method: 'DELETE' }),
        two.request(`/api/v1/incidents/${id}`, { method: 'PATCH', json: { state: 'monitoring' } }),
      ]),
      ...edited.flatMap((id) => [
        one.request(`/api/v1/incidents/${id}`, { method: 'PATCH', json: { state: 'monitoring' } }),
        two.request(`/api/v1/incidents/${id}`, {
          method: 'PATCH',
          json: { components: ['Public - API', 'Public - Website'] },
        }),
      ]),
    ]);
    for (const [i, answer] of answers.entries())
      expect([200, 204], `request ${i}`).toContain(answer.status);
    await exchange(instances);

    const expected = edited
      .map((id) => ({ id, state: 'monitoring', components: ['Public - API', 'Public - Website'] }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const [n, instance] of instances.entries()) {
      const list = (await (await instance.request('/api/v1/incidents?limit=100')).json()) as {
        incidents: { id: string; state: string; components: string[] }[];
      };
      const shown = list.incidents
        .map(({ id, state, components }) => ({ id, state, components }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      expect({ instance: n, incidents: shown }).toEqual({ instance: n, incidents: expected });
      for (const id of deleted)
        expect(
          (await instance.request(`/api/v1/incidents/${id}`)).status,
          `${id} on instance ${n}`,
        ).toBe(404);
    }
    for (const target of targets) {
      const incidents = (await targetIncidents(target)).map((i) => ({
        id: i.guid,
        state: i.state,
        components: i.components,
      }));
      // statusetat's state 2 is "monitoring".
      expect({
        target: target.driver,
        incidents: incidents.sort((a, b) => (a.id < b.id ? -1 : 1)),
      }).toEqual({
        target: target.driver,
        incidents: expected.map(({ id, components }) => ({ id, state: 2, components })),
      });
    }
  }, 120_000);
});
