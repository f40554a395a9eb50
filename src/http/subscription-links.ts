/**
 * The signed links of a subscription, HMAC-SHA256 with cookie_key (every instance with the same
 * key accepts them). Each signature covers the subscriber id and the subscription's nonce, so
 * every link of an address stops working when it unsubscribes, even if it subscribes again:
 * - confirm: also covers its expiry, and is refused after it;
 * - unsubscribe (RFC 8058: a GET shows a page, a POST unsubscribes) and manage: long-lived.
 */
import type { Config } from '../config/parse.ts';
import type { SubscriberLinks } from '../domain/subscribers.ts';
import type { Subscriber } from '../domain/types.ts';
import { hmacSha256 } from './hmac-sync.ts';
import { base64url, constantTimeEqual } from './signing.ts';

export const LINK_PATHS = {
  confirm: '/subscription/confirm',
  unsubscribe: '/subscription/unsubscribe',
  manage: '/subscription/manage',
} as const;

type Purpose = 'unsubscribe' | 'manage';

export interface SubscriptionLinks extends SubscriberLinks {
  /** The confirmation link of a pending subscriber (it expires with the sign-up). */
  confirm(subscriber: Subscriber): string;
  /** Whether a confirmation link's query is this subscriber's (undefined: none by that id) and still in time. */
  checkConfirm(
    subscriber: Subscriber | undefined,
    query: { expires?: string; token?: string },
    now: number,
  ): 'ok' | 'expired' | 'invalid';
  /** Whether `token` is this subscriber's unsubscribe or manage token. */
  check(purpose: Purpose, subscriber: Subscriber | undefined, token: string | undefined): boolean;
  /** The path and query of a link, for forms that post back to it. */
  path(purpose: Purpose, subscriber: Subscriber): string;
}

const sign = (secret: string, message: string) =>
  base64url(hmacSha256(secret, message).buffer as ArrayBuffer);

export function subscriptionLinks(
  config: Pick<Config, 'cookie_key' | 'base_info'>,
): SubscriptionLinks {
  const secret = config.cookie_key;
  const absolute = (path: string) => {
    try {
      return new URL(path, config.base_info.base_url).href;
    } catch {
      return path;
    }
  };
  const token = (purpose: string, s: Subscriber, extra = '') =>
    sign(secret, `${purpose}:${s.id}:${s.nonce}${extra}`);
  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const path = (purpose: Purpose, s: Subscriber) =>
    `${LINK_PATHS[purpose]}?${query({ id: s.id, token: token(purpose, s) })}`;
  const expiresOf = (s: Subscriber) => String(Date.parse(s.expires_at ?? ''));
  return {
    confirm: (s) =>
      absolute(
        `${LINK_PATHS.confirm}?${query({ id: s.id, expires: expiresOf(s), token: token('confirm', s, `:${expiresOf(s)}`) })}`,
      ),
    unsubscribe: (s) => absolute(path('unsubscribe', s)),
    manage: (s) => absolute(path('manage', s)),
    path,
    checkConfirm(s, q, now) {
      if (!q.token || !q.expires || !/^\d{1,15}$/.test(q.expires)) return 'invalid';
      // Decided by the link alone, so the answer tells nothing about which addresses are subscribed.
      if (Number(q.expires) <= now) return 'expired';
      if (!s || !constantTimeEqual(token('confirm', s, `:${q.expires}`), q.token)) return 'invalid';
      return 'ok';
    },
    check: (purpose, s, t) =>
      s !== undefined && t !== undefined && constantTimeEqual(token(purpose, s), t),
  };
}
