/**
 * What a change adds to its own `store.write` so its messages are never lost: one pending
 * `outbox` record per (message, channel, recipient), and a `notify_event` marker for the message.
 * Pure: it reads nothing but its arguments, so it can run inside any domain write.
 */
import type { DirectMail, Notification, Recipient } from '../../notifiers/types.ts';
import type { Mutation } from '../replication/types.ts';
import { matchesFilter, type Channel } from './channels.ts';
import { eventMarker, outboxId, outboxMutation, type OutboxEntry } from './records.ts';

const pending = (
  message: OutboxEntry['message'],
  channel: string,
  now: string,
  recipient?: Recipient,
): OutboxEntry => ({
  message,
  channel,
  ...(recipient ? { recipient } : {}),
  createdAt: now,
  state: 'pending',
  attempts: 0,
  nextAttemptAt: now,
  generation: 0,
});

/**
 * A direct mail (a subscriber's confirmation) through the first channel that can mail; [] when
 * none can, so the caller can say that no mail will come.
 */
export function mailMutations(
  channels: readonly Channel[],
  input: { id: string; to: Recipient; mail: DirectMail; now: string },
): Mutation[] {
  const channel = channels.find((c) => typeof c.notifier.sendMail === 'function');
  if (!channel) return [];
  const id = outboxId(input.id, channel.name, input.to);
  return [
    outboxMutation(
      id,
      pending({ type: 'mail', mail: input.mail }, channel.name, input.now, input.to),
    ),
  ];
}

/** The channels that take this notification: `for` matches the components and `wants()` says yes. */
export function channelsFor(channels: readonly Channel[], notification: Notification): Channel[] {
  return channels.filter(
    (c) =>
      matchesFilter(c.filter, notification.incident.components) && c.notifier.wants(notification),
  );
}

/**
 * The outbox records of one notification: one per chat channel, one per recipient of a
 * per-recipient channel (`recipients(channel)` gives them), plus the event's marker.
 */
export function notificationMutations(
  channels: readonly Channel[],
  notification: Notification,
  recipients: (channel: Channel) => readonly Recipient[],
  now: string,
): Mutation[] {
  const message = { type: 'notification', notification } as const;
  const mutations: Mutation[] = [];
  for (const channel of channelsFor(channels, notification)) {
    if (!channel.notifier.perRecipient) {
      mutations.push(
        outboxMutation(
          outboxId(notification.id, channel.name),
          pending(message, channel.name, now),
        ),
      );
      continue;
    }
    const seen = new Set<string>();
    for (const recipient of recipients(channel)) {
      const id = outboxId(notification.id, channel.name, recipient);
      if (seen.has(id)) continue;
      seen.add(id);
      mutations.push(outboxMutation(id, pending(message, channel.name, now, recipient)));
    }
  }
  return [...mutations, eventMarker(notification.id, now, mutations.length)];
}
