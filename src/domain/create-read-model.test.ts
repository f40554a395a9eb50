/** The app's one read model: the view, the audit log's revs and the health_day minutes, read from the store through it. */
import { afterEach, describe, expect, it } from 'vitest';
import { auditMutation } from './audit.ts';
import { createIncident } from './incidents.ts';
import { createReadModel, domainSettings } from './read-model.ts';
import { KIND } from './records.ts';
import {
  ADMIN,
  startReplicas,
  testConfig,
  testContext,
  type Replicas,
} from '../../test/support/domain-fixtures.ts';

let replicas: Replicas | undefined;
afterEach(() => replicas?.stop());

/** One instance's store and the read model an app would build over it. */
async function appReadModel() {
  replicas = await startReplicas(1);
  const store = replicas.stores[0]!;
  return { store, read: createReadModel(store, domainSettings(testConfig())) };
}

describe('createReadModel', () => {
  it('answers the same view until a write, then one that shows the write', async () => {
    const { store, read } = await appReadModel();
    const before = read.view();
    expect(read.view()).toBe(before);
    expect(before.settings).toBe(read.settings);
    await createIncident(testContext(store), ADMIN, {
      components: ['Public - API'],
      messages: [{ title: 'Checkout errors', content: '' }],
    });
    expect(read.view()).not.toBe(before);
    expect(read.view().incidents.map((i) => i.messages.map((m) => m.title))).toEqual([
      ['Checkout errors'],
    ]);
  });

  it("lists the audit log's revs, tombstones left out", async () => {
    const { store, read } = await appReadModel();
    expect(read.auditRevs()).toEqual([]);
    const ctx = testContext(store);
    const [kept, dropped] = await store.write([
      auditMutation(ctx, ADMIN, {
        action: 'incident.create',
        target: { kind: 'incident', id: 'a' },
        summary: 'created',
      }),
      auditMutation(ctx, ADMIN, {
        action: 'incident.delete',
        target: { kind: 'incident', id: 'b' },
        summary: 'deleted',
      }),
    ]);
    await store.write([{ kind: KIND.audit, id: dropped!.id, deleted: true }]);
    expect(read.auditRevs()).toEqual([kept!.rev]);
  });

  it('reads the minutes cluster health recorded per component and day', async () => {
    const { store, read } = await appReadModel();
    expect(read.healthDays()('Public - API', '2026-11-20')).toBeUndefined();
    await store.write([
      {
        kind: KIND.healthDay,
        id: 'Public - API/2026-11-20',
        body: {
          component: 'Public - API',
          date: '2026-11-20',
          major: 30,
          partial: 0,
          degraded: 5,
          maintenance: 0,
        },
      },
    ]);
    expect(read.healthDays()('Public - API', '2026-11-20')).toEqual({
      major: 30,
      partial: 0,
      degraded: 5,
      maintenance: 0,
    });
    expect(read.healthDays()('Public - Website', '2026-11-20')).toBeUndefined();
  });
});
