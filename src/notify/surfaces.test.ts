/**
 * The outbox through the app's surfaces: statusetat's `/v1` (notify, no_notify, a plugin's 412)
 * and the admin UI (the Notify button, "save silently", the Outbox screen and "retry now").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import type { NotificationService } from '../domain/notify-hooks.ts';
import { silentLogger } from '../logger.ts';
import {
  startReplicas,
  TEST_NOW,
  testConfig,
  type Replicas,
} from '../../test/support/domain-fixtures.ts';
import { outboxInstance, type OutboxInstance } from '../../test/support/outbox-harness.ts';
import { adminPost, signIn } from '../../test/support/status-fixture.ts';
import { testChannel, type TestChannel } from '../../test/support/test-channel.ts';

const ORIGIN = 'http://status.test';
const AUTH = `Basic ${btoa('admin:s3cret-password')}`;

let replicas: Replicas | undefined;
afterEach(async () => {
  await replicas?.stop();
  replicas = undefined;
});

async function start(channel: TestChannel) {
  replicas = await startReplicas(1);
  const clock = { now: TEST_NOW };
  const store = replicas.stores[0]!;
  const outbox: OutboxInstance = outboxInstance(store, [channel], clock);
  const service: NotificationService = {
    hooks: outbox.ctx.notifications!,
    canMail: false,
    channels: [{ name: channel.name, type: channel.type }],
    mail: () => [],
    kick: () => undefined,
  };
  const { app } = buildApp({
    config: testConfig(),
    store,
    logger: silentLogger,
    startedAt: new Date(TEST_NOW),
    version: 'test',
    now: () => clock.now,
    notifications: service,
  });
  const v1 = (method: string, path: string, json?: unknown) =>
    app.request(`${ORIGIN}${path}`, {
      method,
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
  return { app, outbox, clock, v1 };
}

const opening = {
  components: ['Public - API'],
  component_state: 4,
  messages: [{ title: 'API down', content: 'Requests fail.' }],
};

describe('statusetat API', () => {
  it('PUT /v1/incidents/:id/notify enqueues the incident as it is, triggered by a user', async () => {
    const { v1, outbox } = await start(testChannel('chat'));
    const { guid } = (await (await v1('POST', '/v1/incidents', opening)).json()) as {
      guid: string;
    };
    const notified = await v1('PUT', `/v1/incidents/${guid}/notify`);
    expect(notified.status).toBe(200);
    const manual = outbox.entries().find((e) => e.id.startsWith(`${guid}.m.`));
    expect(manual?.message).toMatchObject({
      notification: { event: 'manual', triggeredByUser: true },
    });
    expect((await v1('PUT', '/v1/incidents/unknown/notify')).status).toBe(404);
  });

  it('no_notify stores the change and enqueues nothing', async () => {
    const { v1, outbox } = await start(testChannel('chat'));
    const { guid } = (await (await v1('POST', '/v1/incidents', opening)).json()) as {
      guid: string;
    };
    const silent = await v1('PUT', `/v1/incidents/${guid}`, { state: 2, no_notify: true });
    expect(silent.status).toBe(200);
    expect(((await silent.json()) as { state: number }).state).toBe(2);
    expect(outbox.entries()).toHaveLength(1);
    await v1('PUT', `/v1/incidents/${guid}`, { state: 0, no_notify: false });
    expect(outbox.entries()).toHaveLength(2);
  });

  it("a plugin's pre-check refusal answers 412 naming it, and nothing is written", async () => {
    const plugin = testChannel('plugin-1', {
      preCheck: () => Promise.reject(new Error('change freeze until Monday')),
    });
    const { v1, outbox } = await start(plugin);
    const refused = await v1('POST', '/v1/incidents', opening);
    expect(refused.status).toBe(412);
    expect(await refused.text()).toContain('plugin-1: change freeze until Monday');
    expect(((await (await v1('GET', '/v1/incidents')).json()) as unknown[]).length).toBe(0);
    expect(outbox.entries()).toHaveLength(0);
  });
});

describe('native API', () => {
  it('deliver_notifications: false stores each change and enqueues nothing; true (the default) enqueues', async () => {
    const { v1, outbox } = await start(testChannel('chat'));
    const quiet = { deliver_notifications: false };
    const created = await v1('POST', '/api/v1/incidents', {
      title: 'API down',
      components: ['Public - API'],
      ...quiet,
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const steps = [
      ['PATCH', `/api/v1/incidents/${id}`, { state: 'monitoring', ...quiet }],
      ['POST', `/api/v1/incidents/${id}/updates`, { content: 'Watching.', ...quiet }],
      ['POST', `/api/v1/incidents/${id}/resolve`, quiet],
    ] as const;
    for (const [method, path, json] of steps) {
      const answer = await v1(method, path, json);
      expect(answer.status, `${method} ${path}`).toBeLessThan(300);
    }
    const stored = (await (await v1('GET', `/api/v1/incidents/${id}`)).json()) as {
      state: string;
      updates: { title: string; content: string }[];
    };
    expect(stored.state).toBe('resolved');
    expect(stored.updates.map((u) => u.content)).toContain('Watching.');
    expect(stored.updates.map((u) => u.title)).toContain('Resolved');
    expect(outbox.entries()).toHaveLength(0);
    // The flag alone is not a change.
    expect((await v1('PATCH', `/api/v1/incidents/${id}`, quiet)).status).toBe(400);
    await v1('POST', `/api/v1/incidents/${id}/updates`, { content: 'One more thing.' });
    expect(outbox.entries()).toHaveLength(1);
  });
});

describe('admin UI', () => {
  it('the Notify button and "save silently" on an incident', async () => {
    const { app, v1, outbox } = await start(testChannel('chat'));
    const { guid } = (await (await v1('POST', '/v1/incidents', opening)).json()) as {
      guid: string;
    };
    const session = await signIn(app, ORIGIN, { username: 'admin', password: 's3cret-password' });
    const detail = await app.request(`${ORIGIN}/admin/incidents/${guid}`, {
      headers: { Cookie: session.jar.header() },
    });
    expect(await detail.text()).toContain(`action="/admin/incidents/${guid}/notify"`);
    const notified = await adminPost(
      app,
      `/admin/incidents/${guid}/notify`,
      session,
      {},
      { origin: ORIGIN },
    );
    expect(notified.status).toBe(303);
    expect(notified.headers.get('location')).toBe(`/admin/incidents/${guid}?done=notified`);
    expect(outbox.entries()).toHaveLength(2);

    const editor = await app.request(`${ORIGIN}/admin/incidents/${guid}/edit`, {
      headers: { Cookie: session.jar.header() },
    });
    expect(await editor.text()).toContain('name="silent"');
    const saved = await adminPost(app, `/admin/incidents/${guid}/edit`, session, {
      title: 'API down (edited)',
      message: 'Requests fail.',
      components: 'Public - API',
      impact: '4',
      state: '0',
      start: '',
      silent: 'yes',
      intent: 'save',
    });
    expect(saved.status).toBe(303);
    const stored = (await (await v1('GET', `/v1/incidents/${guid}`)).json()) as {
      messages: { title: string }[];
    };
    expect(stored.messages.map((m) => m.title)).toContain('API down (edited)');
    expect(outbox.entries()).toHaveLength(2);
  });

  it('the Outbox screen shows pending and failed entries with the last error, and retries now', async () => {
    const chat = testChannel('chat');
    const { app, v1, outbox, clock } = await start(chat);
    await v1('POST', '/v1/incidents', opening);
    chat.behaviour = 'permanent';
    await outbox.dispatcher.runOnce();
    const session = await signIn(app, ORIGIN, { username: 'admin', password: 's3cret-password' });
    const screen = await app.request(`${ORIGIN}/admin/outbox?state=failed`, {
      headers: { Cookie: session.jar.header() },
    });
    expect(screen.status).toBe(200);
    const html = await screen.text();
    expect(html).toContain('Failed (1)');
    expect(html).toContain('[notifier:chat] HTTP 404');
    expect(html).toContain('Retry now');
    const [entry] = outbox.entries();
    clock.now += 60_000;
    const retried = await adminPost(
      app,
      '/admin/outbox/retry',
      session,
      { id: entry!.id },
      { origin: ORIGIN },
    );
    expect(retried.headers.get('location')).toBe('/admin/outbox?done=retried');
    expect(outbox.entries()[0]).toMatchObject({
      state: 'pending',
      nextAttemptAt: new Date(clock.now).toISOString(),
    });
    chat.behaviour = 'ok';
    await outbox.dispatcher.runOnce();
    expect(chat.sent).toHaveLength(1);
    // A sent entry offers no retry, and a retry of it changes nothing.
    const again = await adminPost(
      app,
      '/admin/outbox/retry',
      session,
      { id: entry!.id },
      { origin: ORIGIN },
    );
    expect(again.headers.get('location')).toBe('/admin/outbox?done=not_retried');
  });
});
