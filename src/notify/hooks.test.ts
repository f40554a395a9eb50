import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../notifiers/types.ts';
import { DomainError } from '../domain/errors.ts';
import {
  addMessage,
  createIncident,
  deleteIncident,
  requestNotification,
  resolveIncident,
  updateIncident,
} from '../domain/incidents.ts';
import {
  ADMIN,
  startReplicas,
  TEST_NOW,
  type Replicas,
} from '../../test/support/domain-fixtures.ts';
import { outboxInstance } from '../../test/support/outbox-harness.ts';
import { testChannel } from '../../test/support/test-channel.ts';
import { matchesFilter } from './channels.ts';
import { OUTBOX_KIND } from './records.ts';

let replicas: Replicas | undefined;
afterEach(async () => {
  await replicas?.stop();
  replicas = undefined;
});

const api = { name: 'API', group: 'Public' };
const database = { name: 'Database', group: 'Internal' };
const standalone = { name: 'Standalone', group: '' };

describe("statusetat's for-filter", () => {
  const filter = (require_all: boolean, groups: string[], names: string[]) => ({
    require_all,
    groups,
    names,
  });
  it('matches everything without groups and names', () => {
    expect(matchesFilter(filter(false, [], []), [database])).toBe(true);
    expect(matchesFilter(filter(true, [], []), [])).toBe(true);
  });
  it('without require_all, one component matching one group or one name is enough', () => {
    expect(matchesFilter(filter(false, ['Public'], []), [database, api])).toBe(true);
    expect(matchesFilter(filter(false, ['Public'], ['Standalone']), [standalone])).toBe(true);
    expect(matchesFilter(filter(false, ['Public'], []), [database, standalone])).toBe(false);
  });
  it('with require_all, every component must match every group and every name', () => {
    expect(matchesFilter(filter(true, ['Public'], []), [api, database])).toBe(false);
    expect(matchesFilter(filter(true, ['Public'], ['API']), [api])).toBe(true);
    expect(matchesFilter(filter(true, ['Public'], ['Website']), [api])).toBe(false);
  });
});

async function setup(channels: ReturnType<typeof testChannel>[]) {
  replicas = await startReplicas(1);
  const clock = { now: TEST_NOW };
  return outboxInstance(replicas.stores[0]!, channels, clock);
}

const input = (components: string[]) => ({
  components,
  messages: [{ title: 'Slow', content: 'It is slow.' }],
  state: 0 as const,
  component_state: 2 as const,
});

describe('what each change enqueues', () => {
  it('enqueues only for the channels whose for-filter matches the components', async () => {
    const publicOnly = testChannel('public', { filter: { groups: ['Public'] } });
    const internalOnly = testChannel('internal', { filter: { groups: ['Internal'] } });
    const a = await setup([publicOnly, internalOnly]);
    const incident = await createIncident(a.ctx, ADMIN, input(['Public - API']));
    expect(a.entries().map((e) => e.channel)).toEqual(['public']);
    expect(a.entries()[0]!.message).toMatchObject({
      type: 'notification',
      notification: {
        id: `${incident.guid}.created`,
        event: 'incident.created',
        triggeredByUser: false,
        incident: {
          stateText: 'Unresolved',
          status: 'investigating',
          componentStateText: 'Degraded performance',
          components: [{ name: 'API', group: 'Public' }],
          url: `https://status.example.test/incidents/${incident.guid}`,
        },
      },
    });
  });

  it("keeps a channel's skip rule (statusetat: updates of a multi-message incident only on resolution)", async () => {
    const skipsUpdates = (n: Notification) =>
      n.incident.messages.length <= 1 || n.incident.state === 1 || n.triggeredByUser;
    const chat = testChannel('chat', { wants: skipsUpdates });
    const a = await setup([chat]);
    const incident = await createIncident(a.ctx, ADMIN, input(['Public - API']));
    await addMessage(a.ctx, ADMIN, incident.guid, { title: 'Still slow', content: '...' });
    await resolveIncident(a.ctx, ADMIN, incident.guid, { title: 'Fixed', content: 'Done.' });
    await requestNotification(a.ctx, ADMIN, incident.guid);
    const events = a
      .entries()
      .map((e) => (e.message.type === 'notification' ? e.message.notification.event : 'mail'));
    expect(events.sort()).toEqual(['incident.created', 'incident.resolved', 'manual']);
  });

  it('orders messages oldest first, as statusetat channels read main and last', async () => {
    const chat = testChannel('chat');
    const a = await setup([chat]);
    const incident = await createIncident(a.ctx, ADMIN, input(['Public - API']));
    await addMessage(a.ctx, ADMIN, incident.guid, { title: 'Second', content: '...' });
    const update = a.entries().find((e) => e.id.includes('.u.'))!;
    const shown = update.message.type === 'notification' ? update.message.notification : null;
    expect(shown?.incident.messages.map((m) => m.title)).toEqual(['Slow', 'Second']);
  });

  it('a silent change (no_notify, "edit silently") is stored and enqueues nothing', async () => {
    const chat = testChannel('chat');
    const a = await setup([chat]);
    const incident = await createIncident(a.ctx, ADMIN, input(['Public - API']));
    const before = a.entries().length;
    const changed = await updateIncident(
      a.ctx,
      ADMIN,
      incident.guid,
      { state: 2 },
      { silent: true },
    );
    expect(changed.state).toBe(2);
    expect(a.entries()).toHaveLength(before);
    await updateIncident(a.ctx, ADMIN, incident.guid, { state: 0 });
    expect(a.entries()).toHaveLength(before + 1);
  });

  it('a deletion is announced as Cancelled, triggered by a user', async () => {
    const chat = testChannel('chat');
    const a = await setup([chat]);
    const incident = await createIncident(a.ctx, ADMIN, input(['Public - API']));
    await deleteIncident(a.ctx, ADMIN, incident.guid);
    const deleted = a.entries().find((e) => e.id.startsWith(`${incident.guid}.deleted~`))!;
    expect(deleted.message).toMatchObject({
      notification: {
        event: 'deleted',
        triggeredByUser: true,
        incident: { stateText: 'Cancelled' },
      },
    });
  });

  it('one record per recipient for a per-recipient channel, configured and confirmed subscribers alike', async () => {
    const mail = testChannel('mail', {
      perRecipient: true,
      configuredRecipients: ['Ops <ops@example.test>'],
    });
    const a = await setup([mail]);
    await a.ctx.store.write([
      {
        kind: 'subscriber',
        id: 'old@example.test',
        body: { email: 'old@example.test', created_at: '2026-01-01T00:00:00Z' },
      },
      {
        kind: 'subscriber',
        id: 'ops@example.test',
        body: { email: 'ops@example.test', created_at: '2026-01-01T00:00:00Z' },
      },
      {
        kind: 'subscriber',
        id: 'pending@example.test',
        body: {
          kind: 'email',
          address: 'pending@example.test',
          state: 'pending',
          scope: { components: [], groups: [] },
        },
      },
      {
        kind: 'subscriber',
        id: 'db@example.test',
        body: {
          kind: 'email',
          address: 'db@example.test',
          state: 'confirmed',
          scope: { components: [], groups: ['Internal'] },
        },
      },
    ]);
    await createIncident(a.ctx, ADMIN, input(['Public - API']));
    expect(
      a
        .entries()
        .map((e) => e.recipient?.address)
        .sort(),
    ).toEqual(['old@example.test', 'ops@example.test']);
  });
});

describe('pre-checks (plugins)', () => {
  it('a refusal refuses the write, naming the channel, and nothing is written', async () => {
    const plugin = testChannel('plugin-1', {
      preCheck: (n) =>
        n.incident.components.some((c) => c.name === 'Database')
          ? Promise.reject(new Error('no change to the database during the freeze'))
          : Promise.resolve(),
    });
    const a = await setup([plugin]);
    const version = a.ctx.store.version;
    const refused = createIncident(a.ctx, ADMIN, input(['Internal - Database']));
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({
      code: 'refused',
      message: 'refused by the pre-check of plugin-1: no change to the database during the freeze',
    });
    expect(a.ctx.store.version).toBe(version);
    expect(a.ctx.store.list('incident')).toHaveLength(0);
    expect(a.ctx.store.list('audit')).toHaveLength(0);
    expect(a.ctx.store.list(OUTBOX_KIND.outbox)).toHaveLength(0);
    await createIncident(a.ctx, ADMIN, input(['Public - API']));
    expect(a.ctx.store.list('incident')).toHaveLength(1);
  });

  it('runs only the pre-checks whose for-filter matches, also before a silent change and a delete', async () => {
    let calls = 0;
    const plugin = testChannel('plugin-1', {
      filter: { names: ['API'] },
      preCheck: () => {
        calls++;
        return Promise.reject(new Error('frozen'));
      },
    });
    const a = await setup([plugin]);
    const other = await createIncident(a.ctx, ADMIN, input(['Internal - Database']));
    expect(calls).toBe(0);
    await expect(
      updateIncident(a.ctx, ADMIN, other.guid, { components: ['Public - API'] }, { silent: true }),
    ).rejects.toMatchObject({ code: 'refused' });
    await expect(deleteIncident(a.ctx, ADMIN, other.guid)).resolves.toBeUndefined();
    expect(calls).toBe(1);
  });
});
