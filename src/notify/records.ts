/**
 * The outbox's records. Every (message, channel, recipient) is one `outbox` record, written in
 * the same `store.write` as the change that caused it, so a change is never stored without its
 * messages. Delivery state lives in the same record; who may attempt a delivery is decided by
 * `outbox_claim` records (putIfAbsent, see ./dispatcher.ts). `notify_event` marks a message id
 * as enqueued, so an event seen by several instances (a maintenance starting by the clock) is
 * enqueued once.
 */
import type { DirectMail, Notification, Recipient } from '../../notifiers/types.ts';
import { fnv1a, hex32 } from '../../storage-drivers/hash.ts';
import type { Json, StoredRecord } from '../../storage-drivers/types.ts';
import type { Mutation } from '../replication/types.ts';

export const OUTBOX_KIND = {
  outbox: 'outbox',
  claim: 'outbox_claim',
  event: 'notify_event',
  eventClaim: 'notify_claim',
} as const;

export type OutboxMessage =
  { type: 'notification'; notification: Notification } | { type: 'mail'; mail: DirectMail };

export type OutboxState = 'pending' | 'sent' | 'failed';

export interface OutboxEntry {
  message: OutboxMessage;
  channel: string;
  recipient?: Recipient;
  /** ISO; retries stop `retry_for` after it (or after `retryFrom`). */
  createdAt: string;
  /** ISO; set by "retry now", which opens a new retry window. */
  retryFrom?: string;
  state: OutboxState;
  attempts: number;
  /** ISO; a pending entry is not attempted before it. */
  nextAttemptAt: string;
  lastError?: string;
  /** The next claim generation: each attempt claims `<id>/<generation>` (absent: 0). */
  generation?: number;
  /** ISO, once sent; what the receiver answered. */
  sentAt?: string;
  response?: string;
}

export interface OutboxRecord extends OutboxEntry {
  id: string;
}

/** A short, stable key per address: the id must not grow with (or reveal) the address. */
export const recipientKey = (address: string | undefined) =>
  address === undefined ? '-' : hex32(fnv1a(address.trim().toLowerCase()));

export const outboxId = (messageId: string, channel: string, recipient?: Recipient) =>
  `${messageId}~${channel}~${recipientKey(recipient?.address)}`;

export const messageIdOf = (id: string) => id.slice(0, id.indexOf('~'));

export function outboxMutation(id: string, entry: OutboxEntry): Mutation {
  return { kind: OUTBOX_KIND.outbox, id, body: entry as unknown as Json };
}

export function decodeOutbox(record: StoredRecord): OutboxRecord | undefined {
  const body = record.body as Partial<OutboxEntry> | null;
  if (!body || typeof body !== 'object' || typeof body.channel !== 'string') return undefined;
  if (!body.message || typeof body.state !== 'string' || typeof body.nextAttemptAt !== 'string')
    return undefined;
  return { ...(body as OutboxEntry), id: record.id };
}

export interface ClaimBody {
  instance: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  /** Taken after a successful send: the entry is delivered, whatever its record says yet. */
  settled?: 'sent';
}

export function decodeClaim(record: StoredRecord | undefined): ClaimBody | undefined {
  const body = record?.body as Partial<ClaimBody> | null | undefined;
  if (!body || typeof body.instance !== 'string' || typeof body.expiresAt !== 'number')
    return undefined;
  return body as ClaimBody;
}

export function eventMarker(messageId: string, at: string, enqueued: number): Mutation {
  return { kind: OUTBOX_KIND.event, id: messageId, body: { at, enqueued } };
}
