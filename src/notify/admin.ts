/**
 * The outbox as the admin screen shows it, and its one action: "retry now". What is shown holds
 * no secret: channel names and types, and a recipient's address reduced to what identifies it
 * (an email address; a webhook URL's scheme and host only, since its path may hold a token).
 */
import type { RecordStore } from '../replication/types.ts';
import { decodeOutbox, OUTBOX_KIND, outboxMutation, type OutboxRecord } from './records.ts';

export interface OutboxRow {
  id: string;
  channel: string;
  recipient: string;
  event: string;
  incident?: string;
  title: string;
  state: OutboxRecord['state'];
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
  sentAt?: string;
  lastError?: string;
}

export function shownRecipient(address: string | undefined): string {
  if (address === undefined) return '';
  if (!/^https?:\/\//i.test(address)) return address;
  try {
    const url = new URL(address);
    return `${url.protocol}//${url.host}/…`;
  } catch {
    return 'a webhook URL';
  }
}

function rowOf(entry: OutboxRecord): OutboxRow {
  const { message } = entry;
  const notification = message.type === 'notification' ? message.notification : undefined;
  return {
    id: entry.id,
    channel: entry.channel,
    recipient: shownRecipient(entry.recipient?.address),
    event: notification?.event ?? 'mail',
    ...(notification ? { incident: notification.incident.guid } : {}),
    title: notification
      ? (notification.incident.messages[0]?.title ?? '')
      : message.type === 'mail'
        ? message.mail.subject
        : '',
    state: entry.state,
    attempts: entry.attempts,
    createdAt: entry.createdAt,
    nextAttemptAt: entry.nextAttemptAt,
    ...(entry.sentAt ? { sentAt: entry.sentAt } : {}),
    ...(entry.lastError ? { lastError: entry.lastError } : {}),
  };
}

/** Newest first, optionally one state only. */
export function outboxRows(
  store: Pick<RecordStore, 'list'>,
  state?: OutboxRecord['state'],
): OutboxRow[] {
  return store
    .list(OUTBOX_KIND.outbox)
    .flatMap((r) => decodeOutbox(r) ?? [])
    .filter((e) => state === undefined || e.state === state)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
    .map(rowOf);
}

export function outboxCounts(
  store: Pick<RecordStore, 'list'>,
): Record<OutboxRecord['state'], number> {
  const counts = { pending: 0, sent: 0, failed: 0 };
  for (const record of store.list(OUTBOX_KIND.outbox)) {
    const entry = decodeOutbox(record);
    if (entry) counts[entry.state]++;
  }
  return counts;
}

/**
 * "Retry now": a pending or failed entry becomes due at once, with a new retry window. A sent
 * one is left alone (false): sending it again is what the outbox exists to prevent.
 */
export async function retryNow(store: RecordStore, id: string, now: number): Promise<boolean> {
  const record = store.get(OUTBOX_KIND.outbox, id);
  const entry = record ? decodeOutbox(record) : undefined;
  if (!entry || entry.state === 'sent') return false;
  const at = new Date(now).toISOString();
  const { id: _id, ...body } = entry;
  await store.write([
    outboxMutation(id, { ...body, state: 'pending', nextAttemptAt: at, retryFrom: at }),
  ]);
  return true;
}
