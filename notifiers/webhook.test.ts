import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS, FIXED_NOW, testEnvironment } from '../test/support/notification-fixtures.ts';
import {
  startRecordingReceiver,
  type RecordingReceiver,
} from '../test/support/recording-receiver.ts';
import { webhookDefinition } from './webhook.ts';

describe('webhook signature and idempotency', () => {
  let receiver: RecordingReceiver;
  beforeAll(async () => {
    receiver = await startRecordingReceiver();
  });
  afterAll(() => receiver.close());

  it('signs t.<body> with HMAC-SHA256 so a receiver can check it with any HMAC library', async () => {
    const secret = 'signing-secret-0123456789';
    const definition = webhookDefinition();
    const parsed = definition.parse({ endpoint: `${receiver.url}/in`, secret });
    if (!parsed.ok) throw new Error('refused');
    const notifier = definition.create(parsed.params, testEnvironment(), 'hook');
    await notifier.send(EVENTS['incident.resolved']!, {
      idempotencyKey: 'inc-1.resolved~hook~-',
      signal: new AbortController().signal,
    });
    const [request] = receiver.requests;
    const header = request!.headers['x-staunch-signature']!;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)!;
    expect(Number(t)).toBe(FIXED_NOW / 1000);
    const body = JSON.stringify(request!.body);
    expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
    expect(request!.headers['idempotency-key']).toBe('inc-1.resolved~hook~-');
    // A receiver holding another secret would refuse it.
    expect(v1).not.toBe(
      createHmac('sha256', 'another-secret-0000000').update(`${t}.${body}`).digest('hex'),
    );
  });

  it('sends no signature header without a secret, and every event (no skip rule)', async () => {
    const definition = webhookDefinition();
    const parsed = definition.parse({ endpoint: `${receiver.url}/in` });
    if (!parsed.ok) throw new Error('refused');
    const notifier = definition.create(parsed.params, testEnvironment(), 'hook');
    receiver.requests.length = 0;
    for (const event of Object.values(EVENTS)) {
      expect(notifier.wants(event)).toBe(true);
      await notifier.send(event, {
        idempotencyKey: event.id,
        signal: new AbortController().signal,
      });
    }
    expect(receiver.requests).toHaveLength(Object.keys(EVENTS).length);
    expect(receiver.requests.every((request) => !('x-staunch-signature' in request.headers))).toBe(
      true,
    );
    expect(
      receiver.requests.map(
        (request) => (request.body as { incident: { status: string } }).incident.status,
      ),
    ).toEqual([
      'investigating',
      'monitoring',
      'monitoring',
      'resolved',
      'scheduled',
      'in_progress',
      'completed',
    ]);
  });
});
