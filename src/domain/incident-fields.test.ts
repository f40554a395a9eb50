import { afterEach, describe, expect, it } from 'vitest';
import {
  addMessage,
  createIncident,
  deleteIncident,
  deleteMessage,
  updateIncident,
  type IncidentInput,
} from './incidents.ts';
import { incidentMutation, KIND } from './records.ts';
import { findIncident } from './status.ts';
import {
  ADMIN,
  startReplicas,
  testContext,
  type Replicas,
} from '../../test/support/domain-fixtures.ts';
import { domainView } from './read-model.ts';

let replicas: Replicas | undefined;
afterEach(async () => {
  await replicas?.stop();
  replicas = undefined;
});

const input: IncidentInput = {
  components: ['Public - API'],
  component_state: 3,
  messages: [
    { title: 'API errors', content: '' },
    { title: 'Opened', content: '' },
  ],
};
const fieldIds = (ctx: ReturnType<typeof testContext>, guid: string) =>
  ctx.store
    .list(KIND.field)
    .filter((r) => r.id.startsWith(`${guid}/`))
    .map((r) => r.id.slice(guid.length + 1))
    .sort();

describe('incident field records', () => {
  it('a change writes the fields it changes and updated_at, never the incident record', async () => {
    replicas = await startReplicas(1);
    const ctx = testContext(replicas.stores[0]!);
    const created = await createIncident(ctx, ADMIN, input);
    const base = ctx.store.get(KIND.incident, created.guid)!;

    await updateIncident(ctx, ADMIN, created.guid, { state: 2, components: ['Public - API'] });
    expect(fieldIds(ctx, created.guid)).toEqual(['state', 'updated_at']);
    await addMessage(ctx, ADMIN, created.guid, {
      title: 'Better',
      content: '',
      component_state: 2,
    });
    await deleteMessage(ctx, ADMIN, created.guid, created.messages[0]!.guid);
    expect(fieldIds(ctx, created.guid)).toEqual(['component_state', 'state', 'updated_at']);
    expect(ctx.store.get(KIND.incident, created.guid)).toEqual(base);
    expect(findIncident(domainView(ctx.store, ctx.settings), created.guid)).toMatchObject({
      state: 2,
      component_state: 2,
      recorded_at: created.recorded_at,
    });
  });

  it('a delete tombstones the incident, its fields and its messages; an update after it is refused with not_found', async () => {
    replicas = await startReplicas(1);
    const ctx = testContext(replicas.stores[0]!);
    const created = await createIncident(ctx, ADMIN, input);
    await updateIncident(ctx, ADMIN, created.guid, { state: 2 });
    await deleteIncident(ctx, ADMIN, created.guid);
    expect(fieldIds(ctx, created.guid)).toEqual([]);
    expect(ctx.store.list(KIND.update).filter((r) => r.id.startsWith(created.guid))).toEqual([]);
    await expect(updateIncident(ctx, ADMIN, created.guid, { state: 0 })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('records of an incident another instance deleted are ignored; the delete stays', async () => {
    replicas = await startReplicas(2, 1);
    const [a, b] = replicas.stores.map((s) => testContext(s));
    const created = await createIncident(a!, ADMIN, input);
    await replicas.exchange();
    // b has not seen the delete: its change is acknowledged, and written after the tombstone.
    await deleteIncident(a!, ADMIN, created.guid);
    await updateIncident(b!, ADMIN, created.guid, { state: 2, components: ['Public - Website'] });
    await replicas.exchange();
    for (const ctx of [a!, b!]) {
      const view = domainView(ctx.store, ctx.settings);
      expect(findIncident(view, created.guid)).toBeUndefined();
      expect(view.incidents).toEqual([]);
    }
    expect(fieldIds(a!, created.guid)).toEqual(['components', 'state', 'updated_at']);
  });

  it('an incident record written after its field records (by a version before them) wins over them', async () => {
    replicas = await startReplicas(1);
    const ctx = testContext(replicas.stores[0]!);
    const created = await createIncident(ctx, ADMIN, input);
    await updateIncident(ctx, ADMIN, created.guid, { state: 2 });
    const { messages: _messages, ...document } = created;
    await ctx.store.write([incidentMutation({ ...document, state: 4 })]);
    expect(findIncident(domainView(ctx.store, ctx.settings), created.guid)!.state).toBe(4);
  });
});
