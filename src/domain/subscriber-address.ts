/**
 * Subscriber addresses, validated and normalised so that one mailbox or one endpoint is one
 * record whatever its spelling: the record id is derived from the normalised form, so a second
 * sign-up (from the same or another instance) lands on the same record instead of a duplicate.
 */
import { fnv1a64 } from '../../storage-drivers/hash.ts';
import { textProblem } from './validation.ts';
import type { SubscriberKind } from './types.ts';

const ADDR_SPEC = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/;
const WITH_DISPLAY_NAME = /^[^<>]*<([^<>]+)>$/;
/** Record ids hold at most 200 characters; longer addresses get a hashed id. */
const MAX_ID = 200;
export const MAX_WEBHOOK_URL = 2000;

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

/**
 * A webhook URL normalised by WHATWG URL parsing (scheme and host in lower case, default port
 * and fragment dropped, path and query kept as sent: receivers route on them), or the reason it
 * is refused. Only http and https, no user:password part (a token belongs in the path or query),
 * and a host name or a public IP literal; names are resolved and checked when subscribing.
 */
export function normaliseWebhookUrl(text: string): { url: string } | { problem: string } {
  if (textProblem(text)) return { problem: 'contains a control character' };
  const trimmed = text.trim();
  if (trimmed.length > MAX_WEBHOOK_URL)
    return { problem: `is longer than ${MAX_WEBHOOK_URL} characters` };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { problem: 'is not a URL (e.g. https://hooks.example.com/status)' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { problem: `uses ${url.protocol.slice(0, -1)}: only http and https are allowed` };
  if (url.username || url.password)
    return { problem: 'holds a user name or password: put a token in the path or query instead' };
  if (!url.hostname) return { problem: 'has no host' };
  url.hash = '';
  return { url: url.href };
}

const encoder = new TextEncoder();

/** The record id of a normalised address (see Subscriber.id). */
export function subscriberId(kind: SubscriberKind, address: string): string {
  if (kind === 'webhook') return `webhook~${fnv1a64(encoder.encode(address)).toString(16)}`;
  const id = address.toLowerCase();
  return id.length <= MAX_ID ? id : `email~${fnv1a64(encoder.encode(id)).toString(16)}`;
}
