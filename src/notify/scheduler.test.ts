import { afterEach, describe, expect, it } from 'vitest';
import { createIncident, updateIncident } from '../domain/incidents.ts';
import { ADMIN, startReplicas, type Replicas } from '../../test/support/domain-fixtures.ts';
import { outboxInstance } from '../../test/support/outbox-harness.ts';
import { testChannel } from '../../test/support/test-channel.ts';

let replicas: Replicas | undefined;
afterEach(async () => {
  await replicas?.stop();
  replicas = undefined;
});

const events = (instance: ReturnType<typeof outboxInstance>) =>
  instance
    .entries()
    .map((e) => (e.message.type === 'notification' ? e.message.notification : undefined))
    .filter((n) => n !== undefined)
    .sort((x, y) => (x.occurredAt < y.occurredAt ? -1 : 1))
    .map((n) => [n.event, n.occurredAt, n.incident.stateText]);

/**
 * Europe/Paris leaves summer time on 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:30
 * happens twice. The maintenance starts at the second one (01:30 UTC), and a scheduler that
 * compared wall-clock times would start it an hour early, at the first.
 */
describe('maintenance by the clock across a DST change', () => {
  it('starts and completes once each, at the right instants, with two instances watching', async () => {
    replicas = await startReplicas(2);
    const clock = { now: Date.parse('2026-10-24T12:00:00Z') };
    const a = outboxInstance(replicas.stores[0]!, [testChannel('chat')], clock, 'a');
    const b = outboxInstance(replicas.stores[1]!, [testChannel('chat')], clock, 'b');
    const maintenance = await createIncident(a.ctx, ADMIN, {
      components: ['Public - API'],
      messages: [{ title: 'Database upgrade', content: 'Read-only for an hour.' }],
      is_scheduled: true,
      state: 3,
      created_at: '2026-10-25T02:30:00+01:00',
      scheduled_end: '2026-10-25T03:30:00+01:00',
    });
    const passes = async () => {
      await replicas!.exchange();
      await Promise.all([a.scheduler.runOnce(), b.scheduler.runOnce()]);
      await replicas!.exchange();
      await Promise.all([a.scheduler.runOnce(), b.scheduler.runOnce()]);
    };
    // The first 02:30 (summer time): not yet.
    clock.now = Date.parse('2026-10-25T02:30:00+02:00');
    await passes();
    expect(events(a)).toEqual([['maintenance.scheduled', '2026-10-24T12:00:00.000Z', 'Idle']]);
    clock.now = Date.parse('2026-10-25T01:30:00Z');
    await passes();
    clock.now += 10 * 60_000;
    await passes();
    clock.now = Date.parse('2026-10-25T02:30:00Z');
    await passes();
    clock.now += 3_600_000;
    await passes();
    const expected = [
      ['maintenance.scheduled', '2026-10-24T12:00:00.000Z', 'Idle'],
      ['maintenance.started', '2026-10-25T01:30:00.000Z', 'Unresolved'],
      ['maintenance.completed', '2026-10-25T02:30:00.000Z', 'Resolved'],
    ];
    expect(events(a)).toEqual(expected);
    expect(events(b)).toEqual(expected);
    expect(a.entries().map((e) => e.id)).toEqual([
      `${maintenance.guid}.completed.${Date.parse('2026-10-25T02:30:00Z')}~chat~-`,
      `${maintenance.guid}.created~chat~-`,
      `${maintenance.guid}.started.${Date.parse('2026-10-25T01:30:00Z')}~chat~-`,
    ]);
  });

  it('starts at 03:30 summer time on the spring-forward night (01:30 UTC)', async () => {
    replicas = await startReplicas(1);
    const clock = { now: Date.parse('2026-03-28T12:00:00Z') };
    const a = outboxInstance(replicas.stores[0]!, [testChannel('chat')], clock);
    await createIncident(a.ctx, ADMIN, {
      components: ['Public - API'],
      messages: [{ title: 'Upgrade', content: '...' }],
      is_scheduled: true,
      created_at: '2026-03-29T03:30:00+02:00',
      scheduled_end: '2026-03-29T05:00:00+02:00',
    });
    clock.now = Date.parse('2026-03-29T01:29:59Z');
    await a.scheduler.runOnce();
    expect(events(a)).toHaveLength(1);
    clock.now = Date.parse('2026-03-29T01:30:00Z');
    await a.scheduler.runOnce();
    expect(events(a).at(-1)).toEqual([
      'maintenance.started',
      '2026-03-29T01:30:00.000Z',
      'Unresolved',
    ]);
  });

  it("an overrun maintenance still unresolved is announced as an incident (statusetat's rule)", async () => {
    replicas = await startReplicas(1);
    const clock = { now: Date.parse('2026-11-20T08:00:00Z') };
    const a = outboxInstance(replicas.stores[0]!, [testChannel('chat')], clock);
    await createIncident(a.ctx, ADMIN, {
      components: ['Public - API'],
      messages: [{ title: 'Upgrade', content: '...' }],
      is_scheduled: true,
      state: 0,
      created_at: '2026-11-20T09:00:00Z',
      scheduled_end: '2026-11-20T10:00:00Z',
    });
    clock.now = Date.parse('2026-11-20T10:00:01Z');
    await a.scheduler.runOnce();
    expect(events(a).map((e) => e[0])).toEqual(['maintenance.scheduled', 'incident.created']);
  });

  it('announces nothing by the clock for a maintenance resolved by hand, or one older than the catch-up window', async () => {
    replicas = await startReplicas(1);
    const clock = { now: Date.parse('2026-11-01T08:00:00Z') };
    const a = outboxInstance(replicas.stores[0]!, [testChannel('chat')], clock);
    const done = await createIncident(a.ctx, ADMIN, {
      components: ['Public - API'],
      messages: [{ title: 'Early', content: '...' }],
      is_scheduled: true,
      created_at: '2026-11-01T09:00:00Z',
      scheduled_end: '2026-11-01T10:00:00Z',
    });
    await updateIncident(a.ctx, ADMIN, done.guid, { state: 1 });
    await createIncident(a.ctx, ADMIN, {
      components: ['Public - API'],
      messages: [{ title: 'Long ago', content: '...' }],
      is_scheduled: true,
      created_at: '2026-11-01T09:00:00Z',
      scheduled_end: '2026-11-01T10:00:00Z',
    });
    const enqueued = a.entries().length;
    clock.now = Date.parse('2026-11-02T09:00:00Z');
    expect(await a.scheduler.runOnce()).toBe(0);
    expect(a.entries()).toHaveLength(enqueued);
  });
});
