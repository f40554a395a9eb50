/**
 * Email subscribers (record kind `subscriber`). The id is the lower-cased address, so the same
 * person subscribing twice (or from two instances at once) is one record, and a duplicate is a
 * success rather than statusetat's SQL primary-key error.
 */
import type { Json } from '../../storage-drivers/types.ts';
import { auditMutation } from './audit.ts';
import { nowText, type DomainContext } from './context.ts';
import { invalid, notFound } from './errors.ts';
import { decodeSubscriber, KIND } from './records.ts';
import { textProblem } from './validation.ts';
import type { Actor, Subscriber } from './types.ts';

const ADDR_SPEC = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/;
const WITH_DISPLAY_NAME = /^[^<>]*<([^<>]+)>$/;

/**
 * `a@b.c` or `Name <a@b.c>` (statusetat accepts both) normalised: trimmed, NFC, the domain in lower
 * case; null when it is not an address, holds a control character or is not well-formed Unicode.
 * `address` is the bare address, `display` the form kept for the subscriber list.
 */
export function normaliseEmail(text: string): { address: string; display: string } | null {
  if (textProblem(text)) return null;
  const trimmed = text.trim().normalize('NFC');
  if (trimmed.length === 0 || trimmed.length > 254) return null;
  const named = WITH_DISPLAY_NAME.exec(trimmed);
  const bare = named?.[1]?.trim() ?? trimmed;
  if (!ADDR_SPEC.test(bare)) return null;
  const at = bare.lastIndexOf('@');
  const address = bare.slice(0, at) + bare.slice(at).toLowerCase();
  return { address, display: named ? trimmed.replace(named[1]!, address) : address };
}

/** The bare, normalised address, or null (see normaliseEmail). */
export function emailAddress(text: string): string | null {
  return normaliseEmail(text)?.address ?? null;
}

const subscriberId = (address: string) => address.toLowerCase();

export function listSubscribers(ctx: Pick<DomainContext, 'store'>): Subscriber[] {
  return ctx.store
    .list(KIND.subscriber)
    .flatMap((r) => decodeSubscriber(r) ?? [])
    .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
}

/** Returns false when the address was already subscribed (nothing is written then). */
export async function subscribe(ctx: DomainContext, actor: Actor, email: string): Promise<boolean> {
  const normal = normaliseEmail(email);
  if (!normal)
    throw invalid([{ path: 'email', message: `${JSON.stringify(email)} is not an email address` }]);
  const id = subscriberId(normal.address);
  if (ctx.store.get(KIND.subscriber, id)) return false;
  const body: Subscriber = { email: normal.display, created_at: nowText(ctx) };
  await ctx.store.write([
    { kind: KIND.subscriber, id, body: body as unknown as Json },
    auditMutation(ctx, actor, {
      action: 'subscriber.add',
      target: { kind: KIND.subscriber, id },
      summary: 'subscribed',
    }),
  ]);
  return true;
}

/** Throws not_found when the address is not subscribed; callers that must not reveal that catch it. */
export async function unsubscribe(ctx: DomainContext, actor: Actor, email: string): Promise<void> {
  const address = emailAddress(email);
  if (!address)
    throw invalid([{ path: 'email', message: `${JSON.stringify(email)} is not an email address` }]);
  const id = subscriberId(address);
  if (!ctx.store.get(KIND.subscriber, id)) throw notFound('subscriber', email);
  await ctx.store.write([
    { kind: KIND.subscriber, id, deleted: true },
    auditMutation(ctx, actor, {
      action: 'subscriber.remove',
      target: { kind: KIND.subscriber, id },
      summary: 'unsubscribed',
    }),
  ]);
}
