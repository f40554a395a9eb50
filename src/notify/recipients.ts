/**
 * Who a per-recipient channel sends one notification to: the addresses the operator wrote in its
 * config, then the store's confirmed subscribers of that channel's kind whose scope covers the
 * incident. An address is one recipient however often it is listed.
 */
import type { Notification, Recipient } from '../../notifiers/types.ts';
import type { RecordStore } from '../replication/types.ts';
import type { Channel } from './channels.ts';

interface LooseSubscriber {
  kind?: string;
  address?: string;
  email?: string;
  state?: string;
  scope?: { components?: string[]; groups?: string[] };
}

const bareAddress = (text: string) => (/<([^<>]+)>\s*$/.exec(text)?.[1] ?? text).trim();

/** Scope: both lists empty is everything; otherwise one of the incident's components must be listed or in a listed group. */
function inScope(scope: LooseSubscriber['scope'], notification: Notification): boolean {
  const components = scope?.components ?? [];
  const groups = scope?.groups ?? [];
  if (components.length === 0 && groups.length === 0) return true;
  return notification.incident.components.some(
    (c) =>
      components.includes(c.group ? `${c.group} - ${c.name}` : c.name) || groups.includes(c.group),
  );
}

export function storeRecipients(
  store: Pick<RecordStore, 'list'>,
  channel: Channel,
  notification: Notification,
): Recipient[] {
  const kind = channel.type === 'email' ? 'email' : channel.type === 'webhook' ? 'webhook' : null;
  const recipients = new Map<string, Recipient>();
  for (const address of channel.notifier.configuredRecipients ?? [])
    recipients.set(bareAddress(address).toLowerCase(), { address: bareAddress(address) });
  if (!kind) return [...recipients.values()];
  for (const record of store.list('subscriber')) {
    const body = record.body as LooseSubscriber | null;
    if (!body || typeof body !== 'object') continue;
    // Records from before double opt-in have neither kind nor state: statusetat's confirmed email subscribers.
    if ((body.kind ?? 'email') !== kind || (body.state ?? 'confirmed') !== 'confirmed') continue;
    const address = body.address ?? (body.email ? bareAddress(body.email) : undefined);
    if (!address || !inScope(body.scope, notification)) continue;
    const key = address.toLowerCase();
    if (!recipients.has(key))
      recipients.set(key, { address, ...(kind === 'webhook' ? { untrusted: true } : {}) });
  }
  return [...recipients.values()];
}
