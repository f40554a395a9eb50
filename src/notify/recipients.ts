/**
 * Who a per-recipient channel sends one notification to: the addresses the operator wrote in its
 * config, then the confirmed subscribers of that channel's kind whose scope covers the incident
 * (each with its own unsubscribe and manage links). An address is one recipient however often it
 * is listed.
 */
import type { Notification, Recipient } from '../../notifiers/types.ts';
import { subscriberRecipients, type SubscriberLinks } from '../domain/subscribers.ts';
import type { RecordStore } from '../replication/types.ts';
import type { Channel } from './channels.ts';

const bareAddress = (text: string) => (/<([^<>]+)>\s*$/.exec(text)?.[1] ?? text).trim();

export function storeRecipients(
  store: Pick<RecordStore, 'list'>,
  channel: Channel,
  notification: Notification,
  links?: SubscriberLinks,
): Recipient[] {
  const recipients = new Map<string, Recipient>();
  for (const address of channel.notifier.configuredRecipients ?? [])
    recipients.set(bareAddress(address).toLowerCase(), { address: bareAddress(address) });
  const kind = channel.type === 'email' ? 'email' : channel.type === 'webhook' ? 'webhook' : null;
  if (!kind) return [...recipients.values()];
  for (const recipient of subscriberRecipients(store, notification, kind, links)) {
    const key = recipient.address.toLowerCase();
    if (!recipients.has(key)) recipients.set(key, recipient);
  }
  return [...recipients.values()];
}
