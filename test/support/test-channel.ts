/**
 * A channel for the outbox's tests: records what it is asked to send, and fails or hangs on
 * demand, so delivery rules are tested without any real receiver.
 */
import {
  NotifierError,
  type DeliveryContext,
  type DirectMail,
  type Notification,
  type Notifier,
} from '../../notifiers/types.ts';
import type { Channel, ForFilter } from '../../src/notify/channels.ts';

export interface Sent {
  notificationId?: string;
  event?: string;
  mail?: DirectMail;
  idempotencyKey: string;
  recipient?: string;
  /** What a plugin is handed as statusetat's NotifyRequest.subscribers. */
  subscribers?: readonly string[];
}

export type Behaviour = 'ok' | 'retryable' | 'permanent' | 'hang';

export interface TestChannel extends Channel {
  sent: Sent[];
  /** What the next sends do (default ok). */
  behaviour: Behaviour;
  attempts: number;
}

export function testChannel(
  name: string,
  options: {
    filter?: Partial<ForFilter>;
    perRecipient?: boolean;
    configuredRecipients?: string[];
    wants?: (n: Notification) => boolean;
    preCheck?: (n: Notification) => Promise<void>;
    mails?: boolean;
    timeoutMs?: number;
    concurrency?: number;
  } = {},
): TestChannel {
  const channel: TestChannel = {
    name,
    type: options.perRecipient ? 'email' : 'test',
    index: 0,
    filter: { require_all: false, groups: [], names: [], ...options.filter },
    timeoutMs: options.timeoutMs ?? 1000,
    concurrency: options.concurrency ?? 4,
    sent: [],
    behaviour: 'ok',
    attempts: 0,
    notifier: undefined as unknown as Notifier,
  };
  const deliver = async (context: DeliveryContext, record: Omit<Sent, 'idempotencyKey'>) => {
    channel.attempts++;
    const behaviour = channel.behaviour;
    if (behaviour === 'hang')
      await new Promise((_, reject) =>
        context.signal.addEventListener('abort', () => reject(new Error('aborted')), {
          once: true,
        }),
      );
    if (behaviour === 'retryable') throw new NotifierError(name, true, 'HTTP 503', { status: 503 });
    if (behaviour === 'permanent')
      throw new NotifierError(name, false, 'HTTP 404', { status: 404 });
    channel.sent.push({
      ...record,
      idempotencyKey: context.idempotencyKey,
      ...(context.recipient ? { recipient: context.recipient.address } : {}),
      ...(context.subscribers ? { subscribers: context.subscribers } : {}),
    });
    return { response: 'HTTP 200' };
  };
  channel.notifier = {
    type: channel.type,
    name,
    perRecipient: options.perRecipient ?? false,
    ...(options.configuredRecipients ? { configuredRecipients: options.configuredRecipients } : {}),
    wants: options.wants ?? (() => true),
    send: (notification, context) =>
      deliver(context, { notificationId: notification.id, event: notification.event }),
    ...(options.mails ? { sendMail: (mail, context) => deliver(context, { mail }) } : {}),
    ...(options.preCheck ? { preCheck: options.preCheck } : {}),
  };
  return channel;
}
