/**
 * The shared contract every HTTP channel passes against a recording receiver on 127.0.0.1.
 * Not a test file itself: channels.contract.test.ts calls `describeChannel(...)` per channel.
 * It pins, per event, the exact requests a channel makes (snapshots), and the failure behaviour
 * the outbox relies on: bad params refused with the key, 4xx final, 5xx / 429 / timeouts
 * retryable, an endless answer cut, and no secret in any error message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS, testEnvironment } from '../test/support/notification-fixtures.ts';
import {
  startRecordingReceiver,
  type Answer,
  type RecordedRequest,
  type RecordingReceiver,
} from '../test/support/recording-receiver.ts';
import {
  NotifierError,
  type DeliveryContext,
  type NotifierDefinition,
  type Recipient,
} from './types.ts';

export interface ChannelCase {
  definition: NotifierDefinition;
  /** Params that send to the receiver; `secret` is a token the params carry (in the URL or a key). */
  params: (receiverUrl: string, secret: string) => Record<string, unknown>;
  /** Params that must be refused, and the key the refusal names. */
  bad: { params: Record<string, unknown>; key: string }[];
  /** For per-recipient channels: who receives. */
  recipient?: (receiverUrl: string, secret: string) => Recipient;
  /** How the receiver answers when the test wants success (grafana's lookup wants a list). */
  ok?: (request: RecordedRequest) => Answer;
}

const SECRET = 's3cr3t-T0KEN-abcdef123456';

function context(recipient?: Recipient, signal = new AbortController().signal): DeliveryContext {
  return { idempotencyKey: 'msg-key-1', signal, ...(recipient ? { recipient } : {}) };
}

function created(
  caseOf: ChannelCase,
  receiver: RecordingReceiver,
  extra: Record<string, unknown> = {},
) {
  const parsed = caseOf.definition.parse({ ...caseOf.params(receiver.url, SECRET), ...extra });
  if (!parsed.ok) throw new Error(`params refused: ${JSON.stringify(parsed.problems)}`);
  return caseOf.definition.create(
    parsed.params,
    testEnvironment(),
    `${caseOf.definition.type}-test`,
  );
}

async function failure(promise: Promise<unknown>): Promise<NotifierError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(NotifierError);
  return error as NotifierError;
}

export function describeChannel(caseOf: ChannelCase): void {
  const type = caseOf.definition.type;
  describe(`channel ${type}`, () => {
    let receiver: RecordingReceiver;
    const recipient = () => caseOf.recipient?.(receiver.url, SECRET);
    const ok = caseOf.ok ?? (() => ({ status: 200, body: 'ok' }));

    beforeAll(async () => {
      receiver = await startRecordingReceiver();
    });
    afterAll(() => receiver.close());

    it('sends the exact requests for each event (or skips it, by its rule)', async () => {
      receiver.answer(ok);
      const notifier = created(caseOf, receiver);
      const sent: Record<string, unknown> = {};
      for (const [event, notification] of Object.entries(EVENTS)) {
        if (!notifier.wants(notification)) {
          sent[event] = 'skipped';
          continue;
        }
        receiver.requests.length = 0;
        const answer = await notifier.send(notification, context(recipient()));
        expect(answer.response).toMatch(/^HTTP 2\d\d$/);
        // The receiver's address changes per run; the path and query are what the channel chose.
        sent[event] = receiver.requests.map((request) => ({
          ...request,
          headers: { ...request.headers },
        }));
      }
      const text = JSON.stringify(sent, null, 2).replaceAll(SECRET, '<secret>');
      expect(JSON.parse(text)).toMatchSnapshot();
    });

    it('refuses bad params at start, naming the key', () => {
      for (const bad of caseOf.bad) {
        const parsed = caseOf.definition.parse(bad.params);
        expect(parsed.ok, JSON.stringify(bad.params)).toBe(false);
        if (!parsed.ok) expect(parsed.problems.map((problem) => problem.key)).toContain(bad.key);
      }
    });

    it('fails for good on 4xx and retryably on 429 and 5xx, without the secret in the message', async () => {
      const notifier = created(caseOf, receiver);
      const event = EVENTS['incident.created']!;
      for (const [status, retryable] of [
        [400, false],
        [404, false],
        [429, true],
        [500, true],
        [503, true],
      ] as const) {
        // The answer quotes the request's path, as some servers do: it must be cut out.
        receiver.answer((request) =>
          request.method === 'GET'
            ? ok(request)
            : { status, body: `bad request to ${request.path}` },
        );
        const error = await failure(notifier.send(event, context(recipient())));
        expect(error.retryable, `HTTP ${status}`).toBe(retryable);
        expect(error.status).toBe(status);
        expect(error.message).toContain(`HTTP ${status}`);
        expect(error.message).not.toContain(SECRET);
      }
    });

    it('gives up on a receiver that never answers, retryably', async () => {
      receiver.answer((request) => (request.method === 'GET' ? ok(request) : { hang: true }));
      const notifier = created(caseOf, receiver, { timeout: '300ms' });
      const started = Date.now();
      const error = await failure(notifier.send(EVENTS['incident.created']!, context(recipient())));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/no answer within 300 ms/);
      expect(error.message).not.toContain(SECRET);
    });

    it('cuts an endless error answer instead of reading it all', async () => {
      receiver.answer((request) =>
        request.method === 'GET' ? ok(request) : { status: 502, bodyBytes: 20 * 1024 * 1024 },
      );
      const notifier = created(caseOf, receiver);
      const error = await failure(notifier.send(EVENTS['incident.created']!, context(recipient())));
      expect(error.retryable).toBe(true);
      expect(error.message.length).toBeLessThan(400);
    });

    it('reports an unreachable receiver as retryable, without the secret', async () => {
      const closed = await startRecordingReceiver();
      await closed.close();
      const parsed = caseOf.definition.parse(caseOf.params(closed.url, SECRET));
      if (!parsed.ok) throw new Error('params refused');
      const notifier = caseOf.definition.create(parsed.params, testEnvironment(), `${type}-closed`);
      const error = await failure(
        notifier.send(EVENTS['incident.created']!, context(caseOf.recipient?.(closed.url, SECRET))),
      );
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/network error: ECONNREFUSED/);
      expect(error.message).not.toContain(SECRET);
    });
  });
}
