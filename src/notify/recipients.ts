/**
 * Who a per-recipient channel sends one notification to: the addresses the operator wrote in its
 * config, then the store's confirmed subscribers of that channel's kind whose scope covers the
 * incident. An address is one recipient however often it is listed.
 */
import type { Notification, Recipient } from '../../notifiers/types.ts';
import type { RecordStore } from '../replication/types.ts';
import { subscriberRecipients, type SubscriberLinks } from '../domain/subscribers.ts';
import type { Channel } from './channels.ts';

const bareAddress = (text: string) => (/<([^<>]+)>\s*$/.exec(text)?.[1] ?? text).trim();

export function storeRecipients(
  store: Pick<RecordStore, 'list'>,
  channel: Channel,
  notification: Notification,
  links?: SubscriberLinks,
): Recipient[] {
  const kind = channel.type === 'email' ? 'email' : channel.type === 'webhook' ? 'webhook' : null;
  const recipients = new Map<string, Recipient>();
  for (const address of channel.notifier.configuredRecipients ?? [])
    recipients.set(bareAddress(address).toLowerCase(), { address: bareAddress(address) });
  if (!kind) return [...recipients.values()];
  // Confirmed subscribers in scope, each with its signed unsubscribe and manage links.
  for (const recipient of subscriberRecipients(store, notification, kind, links)) {
    const key = recipient.address.toLowerCase();
    if (!recipients.has(key)) recipients.set(key, recipient);
  }
  return [...recipients.values()];
}
