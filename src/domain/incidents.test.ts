import { afterEach, describe, expect, it, vi } from 'vitest';
import { listAudit } from './audit.ts';
import { clearComponentOverride, setComponentOverride } from './components.ts';
import { DomainError } from './errors.ts';
import {
  addMessage,
  createIncident,
  deleteIncident,
  deleteMessage,
  resolveIncident,
  updateIncident,
  updateMessage,
  type IncidentInput,
} from './incidents.ts';
import { KIND } from './records.ts';
import { findIncident, incidentTitle } from './status.ts';
import { listSubscribers, subscribe, unsubscribe } from './subscribers.ts';
import {
  ADMIN,
  startReplicas,
  testContext,
  type Replicas,
} from '../../test/support/domain-fixtures.ts';
import { domainView } from './read-model.ts';
import { createMemoryDriver } from '../../storage-drivers/memory.ts';

let replicas: Replicas | undefined;
afterEach(async () => {
  await replicas?.stop();
  replicas = undefined;
});

async function single() {
  replicas = await startReplicas(1);
  return testContext(replicas.stores[0]!);
}

const input = (fields: Partial<IncidentInput> = {}): IncidentInput => ({
  components: ['Public - API'],
  component_state: 3,
  messages: [{ title: 'API errors', content: 'We are looking into it.' }],
  ...fields,
});

async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('createIncident', () => {
  it('fills guid, origin, times and message fields, ignoring client incident guids', async () => {
    const ctx = await single();
    const created = await createIncident(
      ctx,
      ADMIN,
      input({ messages: [{ guid: 'm1', title: 'T', content: 'C' }] }),
    );
    expect(created.guid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.origin).toBe('https://status.example.test');
    expect(created.updated_at).toBe(created.created_at);
    expect(created.created_at).toMatch(/\+01:00$/); // page zone Europe/Paris in November
    expect(created.messages).toEqual([
      {
        guid: 'm1',
        incident_guid: created.guid,
        created_at: created.created_at,
        title: 'T',
        content: 'C',
        incident_state: 0,
        component_state: 3,
      },
    ]);
    expect(findIncident(domainView(ctx.store, ctx.settings), created.guid)).toEqual(created);
  });

  it('keeps the offset of client times and forces maintenance component state', async () => {
    const ctx = await single();
    const m = await createIncident(
      ctx,
      ADMIN,
      input({
        is_scheduled: true,
        created_at: '2030-01-01T10:00:00+05:00',
        scheduled_end: '2030-01-01T12:00:00+05:00',
        component_state: 4,
      }),
    );
    expect(m.created_at).toBe('2030-01-01T10:00:00+05:00');
    expect(m.component_state).toBe(1);
  });

  it('keeps messages sent together in the order sent (newest first); the last is the main one', async () => {
    const ctx = await single();
    const created = await createIncident(
      ctx,
      ADMIN,
      input({
        messages: [
          { title: 'Update', content: '' },
          { title: 'Opening', content: '' },
        ],
      }),
    );
    expect(created.messages.map((m) => m.title)).toEqual(['Update', 'Opening']);
    expect(incidentTitle(created)).toBe('Opening');
  });

  it.each([
    ['no components', { components: [] }, 'components'],
    ['an unknown component', { components: ['Public - API', 'x - y'] }, 'components[1]'],
    ['no message', { messages: [] }, 'messages'],
    ['a maintenance without end', { is_scheduled: true }, 'scheduled_end'],
    [
      'a maintenance ending before it starts',
      {
        is_scheduled: true,
        created_at: '2030-01-02T00:00:00Z',
        scheduled_end: '2030-01-01T00:00:00Z',
      },
      'scheduled_end',
    ],
    ['a malformed time', { created_at: '2030-01-01' }, 'created_at'],
    [
      'duplicate message guids',
      {
        messages: [
          { guid: 'a', title: '', content: '' },
          { guid: 'a', title: '', content: '' },
        ],
      },
      'messages[1].guid',
    ],
    ['a bad state', { state: 9 as never }, 'state'],
  ])('rejects %s, naming the field, and writes nothing', async (_name, fields, path) => {
    const ctx = await single();
    const write = vi.spyOn(ctx.store, 'write');
    const error = await domainError(createIncident(ctx, ADMIN, input(fields)));
    expect(error.code).toBe('invalid');
    expect(error.details.map((d) => d.path)).toContain(path);
    expect(write).not.toHaveBeenCalled();
  });

  it('reports an unknown component in the documented shape', async () => {
    const ctx = await single();
    const error = await domainError(createIncident(ctx, ADMIN, input({ components: ['x - y'] })));
    expect(error.details).toEqual([
      { path: 'components[0]', message: 'unknown component "x - y"' },
    ]);
  });
});

describe('changing an incident', () => {
  it('makes one write per change, carrying its audit entry', async () => {
    const ctx = await single();
    const write = vi.spyOn(ctx.store, 'write');
    const created = await createIncident(ctx, ADMIN, input());
    await addMessage(ctx, { type: 'token', name: 'deployer' }, created.guid, {
      title: 'Fix deployed',
      content: '',
      state: 2,
    });
    expect(write).toHaveBeenCalledTimes(2);
    for (const call of write.mock.calls)
      expect(call[0].filter((m) => m.kind === KIND.audit)).toHaveLength(1);
    const audit = listAudit(ctx.store).entries;
    expect(audit.map((a) => [a.action, a.actor.name])).toEqual([
      ['message.add', 'deployer'],
      ['incident.create', 'admin'],
    ]);
  });

  it('updates only the given fields, can unschedule and clear the end, and bumps updated_at', async () => {
    let now = Date.UTC(2030, 0, 1);
    replicas = await startReplicas(1);
    const ctx = testContext(replicas.stores[0]!, undefined, () => now);
    const m = await createIncident(
      ctx,
      ADMIN,
      input({ is_scheduled: true, scheduled_end: '2030-01-02T00:00:00Z' }),
    );
    now += 60_000;
    const changed = await updateIncident(ctx, ADMIN, m.guid, { is_scheduled: false, state: 2 });
    expect(changed).toMatchObject({
      is_scheduled: false,
      scheduled_end: '0001-01-01T00:00:00Z',
      state: 2,
      components: ['Public - API'],
      component_state: 1,
    });
    expect(changed.updated_at).toBe('2030-01-01T01:01:00.000+01:00');
    const cleared = await updateIncident(ctx, ADMIN, m.guid, { scheduled_end: null });
    expect(cleared.scheduled_end).toBe('0001-01-01T00:00:00Z');
  });

  it('replaces messages, but never with none', async () => {
    const ctx = await single();
    const created = await createIncident(
      ctx,
      ADMIN,
      input({
        messages: [
          { guid: 'a', title: 'A', content: '' },
          { guid: 'b', title: 'B', content: '' },
        ],
      }),
    );
    const replaced = await updateIncident(ctx, ADMIN, created.guid, {
      messages: [{ guid: 'c', title: 'C', content: '' }],
    });
    expect(replaced.messages.map((m) => m.guid)).toEqual(['c']);
    expect(ctx.store.get(KIND.update, `${created.guid}/a`)).toBeUndefined();
    const error = await domainError(updateIncident(ctx, ADMIN, created.guid, { messages: [] }));
    expect(error.details[0]!.path).toBe('messages');
    expect(findIncident(domainView(ctx.store, ctx.settings), created.guid)!.messages).toHaveLength(
      1,
    );
  });

  it('edits, adds and deletes messages, refusing to delete the last', async () => {
    const ctx = await single();
    const created = await createIncident(
      ctx,
      ADMIN,
      input({ messages: [{ guid: 'a', title: 'A', content: '' }] }),
    );
    const added = await addMessage(ctx, ADMIN, created.guid, { title: 'B', content: 'more' });
    expect(added.messages.map((m) => m.title)).toEqual(['B', 'A']);
    const edited = await updateMessage(ctx, ADMIN, created.guid, 'a', {
      title: 'A2',
      content: 'x',
    });
    expect(edited.messages[1]).toMatchObject({ guid: 'a', title: 'A2', content: 'x' });
    await deleteMessage(ctx, ADMIN, created.guid, 'a');
    const last = await domainError(
      deleteMessage(ctx, ADMIN, created.guid, added.messages[0]!.guid),
    );
    expect(last.code).toBe('invalid');
    expect((await domainError(deleteMessage(ctx, ADMIN, created.guid, 'nope'))).code).toBe(
      'not_found',
    );
    expect(
      (
        await domainError(
          updateMessage(ctx, ADMIN, created.guid, 'nope', { title: '', content: '' }),
        )
      ).code,
    ).toBe('not_found');
  });

  it('answers not_found for unknown incidents', async () => {
    const ctx = await single();
    for (const call of [
      updateIncident(ctx, ADMIN, 'nope', {}),
      addMessage(ctx, ADMIN, 'nope', { title: '', content: '' }),
      deleteIncident(ctx, ADMIN, 'nope'),
      resolveIncident(ctx, ADMIN, 'nope'),
    ]) {
      expect((await domainError(call)).code).toBe('not_found');
    }
  });

  it('resolves with a closing update, and deletes with tombstones', async () => {
    const ctx = await single();
    const created = await createIncident(ctx, ADMIN, input());
    const resolved = await resolveIncident(ctx, ADMIN, created.guid, {
      title: 'Resolved',
      content: 'All good',
    });
    expect(resolved.state).toBe(1);
    expect(resolved.messages[0]).toMatchObject({ title: 'Resolved', incident_state: 1 });
    await deleteIncident(ctx, ADMIN, created.guid);
    expect(findIncident(domainView(ctx.store, ctx.settings), created.guid)).toBeUndefined();
    expect(ctx.store.list(KIND.update).filter((r) => r.id.startsWith(created.guid))).toEqual([]);
  });
});

describe('two app instances changing the same incident at once', () => {
  it('keep both updates and converge on the same state in every instance and every target', async () => {
    replicas = await startReplicas(2, 2);
    const [a, b] = replicas.stores.map((s) => testContext(s));
    const created = await createIncident(a!, ADMIN, input());
    await replicas.exchange();

    // Neither instance has seen the other's write when it makes its own.
    await Promise.all([
      addMessage(a!, ADMIN, created.guid, { title: 'From A', content: '', state: 2 }),
      addMessage(b!, ADMIN, created.guid, { title: 'From B', content: '', state: 3 }),
      updateIncident(b!, ADMIN, created.guid, { components: ['Public - API', 'Public - Website'] }),
    ]);
    await replicas.exchange();

    const seenByA = findIncident(domainView(a!.store, a!.settings), created.guid)!;
    const seenByB = findIncident(domainView(b!.store, b!.settings), created.guid)!;
    expect(seenByA).toEqual(seenByB);
    expect(seenByA.messages.map((m) => m.title).sort()).toEqual(['API errors', 'From A', 'From B']);

    // Every target holds the same records the instances show.
    for (const target of replicas.targets) {
      const driver = createMemoryDriver(new URL(`memory://${target}`));
      const stored = (await driver.list(KIND.update)).items.filter((r) =>
        r.id.startsWith(created.guid),
      );
      expect(stored.map((r) => r.id).sort()).toEqual(
        seenByA.messages.map((m) => `${created.guid}/${m.guid}`).sort(),
      );
      expect((await driver.get(KIND.incident, created.guid))!.rev).toBe(
        a!.store.get(KIND.incident, created.guid)!.rev,
      );
    }
  });

  it('ignore an update posted to an incident another instance deleted', async () => {
    replicas = await startReplicas(2, 1);
    const [a, b] = replicas.stores.map((s) => testContext(s));
    const created = await createIncident(a!, ADMIN, input());
    await replicas.exchange();
    await Promise.all([
      deleteIncident(a!, ADMIN, created.guid),
      addMessage(b!, ADMIN, created.guid, { title: 'late', content: '' }),
    ]);
    await replicas.exchange();
    for (const ctx of [a!, b!])
      expect(findIncident(domainView(ctx.store, ctx.settings), created.guid)).toBeUndefined();
  });
});

describe('subscribers and component overrides', () => {
  it('deduplicates subscribers case-insensitively and keeps display-name forms', async () => {
    const ctx = await single();
    expect(await subscribe(ctx, { type: 'public', name: 'visitor' }, 'Bob <bob@x.io>')).toBe(true);
    expect(await subscribe(ctx, { type: 'public', name: 'visitor' }, 'BOB@x.io')).toBe(false);
    expect(listSubscribers(ctx).map((s) => s.display)).toEqual(['Bob <bob@x.io>']);
    await expect(subscribe(ctx, ADMIN, 'not an address')).rejects.toMatchObject({
      code: 'invalid',
    });
    await unsubscribe(ctx, ADMIN, 'bob@x.io');
    expect(listSubscribers(ctx)).toEqual([]);
    await expect(unsubscribe(ctx, ADMIN, 'bob@x.io')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('sets and clears a manual component state on known components only', async () => {
    const ctx = await single();
    await setComponentOverride(ctx, ADMIN, 'Public - Website', { state: 2, note: 'CDN slow' });
    expect(domainView(ctx.store, ctx.settings).overrides.get('Public - Website')).toMatchObject({
      state: 2,
      note: 'CDN slow',
      updated_by: 'admin',
    });
    await expect(setComponentOverride(ctx, ADMIN, 'x - y', { state: 2 })).rejects.toMatchObject({
      details: [{ path: 'component' }],
    });
    await clearComponentOverride(ctx, ADMIN, 'Public - Website');
    expect(domainView(ctx.store, ctx.settings).overrides.size).toBe(0);
    await expect(clearComponentOverride(ctx, ADMIN, 'Public - Website')).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
