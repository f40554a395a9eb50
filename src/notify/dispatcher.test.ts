import { afterEach, describe, expect, it } from 'vitest';
import { addMessage, createIncident, updateIncident } from '../domain/incidents.ts';
import {
  ADMIN,
  startReplicas,
  TEST_NOW,
  type Replicas,
} from '../../test/support/domain-fixtures.ts';
import { LEASE_MS, outboxInstance } from '../../test/support/outbox-harness.ts';
import { testChannel } from '../../test/support/test-channel.ts';
import { OUTBOX_KIND } from './records.ts';

let replicas: Replicas | undefined;
afterEach(async () => {
  await replicas?.stop();
  replicas = undefined;
});

const opening = { title: 'API down', content: 'Requests fail.' };

async function oneIncident(ctx: Parameters<typeof createIncident>[0]) {
  return createIncident(ctx, ADMIN, {
    components: ['Public - API'],
    messages: [opening],
    state: 0,
    component_state: 4,
  });
}

describe('outbox delivery', () => {
  it('sends each enqueued message once, with its outbox id as idempotency key, and marks it sent', async () => {
    replicas = await startReplicas(1);
    const clock = { now: TEST_NOW };
    const chat = testChannel('chat');
    const a = outboxInstance(replicas.stores[0]!, [chat], clock);
    const incident = await oneIncident(a.ctx);
    expect(a.entries().map((e) => [e.id, e.state])).toEqual([
      [`${incident.guid}.created~chat~-`, 'pending'],
    ]);
    await a.dispatcher.runOnce();
    await a.dispatcher.runOnce();
    expect(chat.sent).toEqual([
      {
        notificationId: `${incident.guid}.created`,
        event: 'incident.created',
        idempotencyKey: `${incident.guid}.created~chat~-`,
      },
    ]);
    expect(a.entries()[0]).toMatchObject({ state: 'sent', attempts: 1, response: 'HTTP 200' });
  });

  it('retries a receiver that is down with doubling, jittered delays, and delivers once it is back', async () => {
    replicas = await startReplicas(1);
    const clock = { now: TEST_NOW };
    const chat = testChannel('chat');
    const a = outboxInstance(replicas.stores[0]!, [chat], clock);
    await oneIncident(a.ctx);
    chat.behaviour = 'retryable';
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      await a.dispatcher.runOnce();
      const entry = a.entries()[0]!;
      waits.push(Date.parse(entry.nextAttemptAt) - clock.now);
      // Not due yet: nothing is attempted.
      await a.dispatcher.runOnce();
      clock.now = Date.parse(entry.nextAttemptAt);
    }
    // random() = 0.5 in the harness: three quarters of 10 s, 20 s, 40 s, 80 s.
    expect(waits).toEqual([7_500, 15_000, 30_000, 60_000]);
    expect(chat.attempts).toBe(4);
    expect(a.entries()[0]).toMatchObject({
      state: 'pending',
      attempts: 4,
      lastError: expect.stringContaining('HTTP 503'),
    });
    chat.behaviour = 'ok';
    await a.dispatcher.runOnce();
    expect(chat.sent).toHaveLength(1);
    expect(a.entries()[0]).toMatchObject({ state: 'sent', attempts: 5 });
  });

  it('stops at once on an answer that will never succeed (4xx) and keeps the error', async () => {
    replicas = await startReplicas(1);
    const clock = { now: TEST_NOW };
    const chat = testChannel('chat');
    const a = outboxInstance(replicas.stores[0]!, [chat], clock);
    await oneIncident(a.ctx);
    chat.behaviour = 'permanent';
    await a.dispatcher.runOnce();
    clock.now += 86_400_000;
    await a.dispatcher.runOnce();
    expect(chat.attempts).toBe(1);
    expect(a.entries()[0]).toMatchObject({
      state: 'failed',
      attempts: 1,
      lastError: '[notifier:chat] HTTP 404',
    });
  });

  it('gives up a retryable failure after the retry window (24 h by default)', async () => {
    replicas = await startReplicas(1);
    const clock = { now: TEST_NOW };
    const chat = testChannel('chat');
    const a = outboxInstance(replicas.stores[0]!, [chat], clock);
    await oneIncident(a.ctx);
    chat.behaviour = 'retryable';
    for (let i = 0; i < 40 && a.entries()[0]!.state === 'pending'; i++) {
      await a.dispatcher.runOnce();
      clock.now = Math.max(clock.now, Date.parse(a.entries()[0]!.nextAttemptAt));
    }
    const entry = a.entries()[0]!;
    expect(entry.state).toBe('failed');
    expect(entry.lastError).toMatch(/^gave up after \d+ attempts: /);
    // Every attempt but the last was inside the window, and none was more than an hour apart (retry_max).
    expect(clock.now - TEST_NOW).toBeLessThanOrEqual(86_400_000);
    expect(clock.now - TEST_NOW).toBeGreaterThan(86_400_000 - 3_600_000);
  });

  it('a slow receiver holds only its own channel: the other channel delivers meanwhile', async () => {
    replicas = await startReplicas(1);
    const clock = { now: TEST_NOW };
    const slow = testChannel('slow', { timeoutMs: 60_000 });
    const fast = testChannel('fast');
    slow.behaviour = 'hang';
    const a = outboxInstance(replicas.stores[0]!, [slow, fast], clock);
    await oneIncident(a.ctx);
    const pass = a.dispatcher.runOnce();
    await expect.poll(() => fast.sent.length).toBe(1);
    expect(slow.sent).toHaveLength(0);
    await a.dispatcher.stop();
    await pass;
  });

  it('takes over a claim whose lease expired (its instance died mid-send), and sends the message once', async () => {
    replicas = await startReplicas(2);
    const clock = { now: TEST_NOW };
    const chatA = testChannel('chat', { timeoutMs: 10 * LEASE_MS });
    const chatB = testChannel('chat');
    const a = outboxInstance(replicas.stores[0]!, [chatA], clock, 'a');
    const b = outboxInstance(replicas.stores[1]!, [chatB], clock, 'b');
    const incident = await oneIncident(a.ctx);
    chatA.behaviour = 'hang';
    const stalled = a.dispatcher.runOnce();
    await expect.poll(() => chatA.attempts).toBe(1);
    await replicas.exchange();
    // B sees A's claim while the lease holds, and leaves the entry alone.
    await b.dispatcher.runOnce();
    expect(chatB.attempts).toBe(0);
    clock.now += LEASE_MS + 1;
    await b.dispatcher.runOnce();
    expect(chatB.sent.map((s) => s.idempotencyKey)).toEqual([`${incident.guid}.created~chat~-`]);
    expect(
      replicas.stores[1]!.get(OUTBOX_KIND.claim, `${incident.guid}.created~chat~-/1`)?.body,
    ).toMatchObject({ instance: 'b' });
    await replicas.exchange();
    // A wakes up failing: it does not overwrite what B recorded.
    await a.dispatcher.stop();
    await stalled;
    await replicas.exchange();
    for (const store of replicas.stores)
      expect(outboxInstance(store, [], clock).entries()[0]).toMatchObject({
        state: 'sent',
        generation: 2,
      });
    expect(chatA.sent).toHaveLength(0);
  });

  it('two instances racing for every entry send each message once', async () => {
    replicas = await startReplicas(2);
    const clock = { now: TEST_NOW };
    const chatA = testChannel('chat');
    const chatB = testChannel('chat');
    const a = outboxInstance(replicas.stores[0]!, [chatA], clock, 'a');
    const b = outboxInstance(replicas.stores[1]!, [chatB], clock, 'b');
    const incident = await oneIncident(a.ctx);
    for (let i = 0; i < 5; i++)
      await addMessage(a.ctx, ADMIN, incident.guid, { title: `update ${i}`, content: '...' });
    await replicas.exchange();
    await Promise.all([a.dispatcher.runOnce(), b.dispatcher.runOnce()]);
    await replicas.exchange();
    await Promise.all([a.dispatcher.runOnce(), b.dispatcher.runOnce()]);
    const keys = [...chatA.sent, ...chatB.sent].map((s) => s.idempotencyKey).sort();
    expect(keys).toHaveLength(6);
    expect(new Set(keys).size).toBe(6);
  });

  it('resumes pending deliveries after a restart: the state is in the records', async () => {
    replicas = await startReplicas(2);
    const clock = { now: TEST_NOW };
    const before = testChannel('chat');
    before.behaviour = 'retryable';
    const first = outboxInstance(replicas.stores[0]!, [before], clock, 'first');
    await oneIncident(first.ctx);
    await first.dispatcher.runOnce();
    await first.dispatcher.stop();
    await replicas.exchange();
    const after = testChannel('chat');
    const restarted = outboxInstance(replicas.stores[1]!, [after], clock, 'restarted');
    await restarted.dispatcher.runOnce();
    expect(after.attempts).toBe(0);
    clock.now = Date.parse(restarted.entries()[0]!.nextAttemptAt);
    await restarted.dispatcher.runOnce();
    expect(after.sent).toHaveLength(1);
    expect(restarted.entries()[0]).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('prunes settled entries past retention, never pending ones', async () => {
    replicas = await startReplicas(1);
    const clock = { now: TEST_NOW };
    const chat = testChannel('chat');
    const a = outboxInstance(replicas.stores[0]!, [chat], clock);
    const sent = await oneIncident(a.ctx);
    await a.dispatcher.runOnce();
    chat.behaviour = 'retryable';
    await updateIncident(a.ctx, ADMIN, sent.guid, { state: 2 });
    clock.now += 8 * 86_400_000;
    await a.dispatcher.prune();
    expect(a.entries().map((e) => e.state)).toEqual(['pending']);
  });

  it("hands a plugin the confirmed email subscribers' addresses (statusetat's NotifyRequest.subscribers)", async () => {
    replicas = await startReplicas(1);
    const clock = { now: TEST_NOW };
    const plugin = testChannel('plugin-1');
    plugin.type = 'plugin';
    const store = replicas.stores[0]!;
    await store.write([
      {
        kind: 'subscriber',
        id: 'a@example.test',
        body: { email: 'a@example.test', created_at: '2026-01-01T00:00:00Z' },
      },
    ]);
    const a = outboxInstance(store, [plugin], clock, 'a', undefined, {
      subscribersOf: () => ['a@example.test'],
    });
    await oneIncident(a.ctx);
    await a.dispatcher.runOnce();
    expect(plugin.sent[0]?.subscribers).toEqual(['a@example.test']);
  });
});
