/**
 * Signed unsubscribe links: `token` is HMAC-SHA256(cookie_key, the lower-cased address), so only
 * someone who was given the link (or an admin) can remove an address, and every instance with the
 * same cookie_key accepts it. statusetat's `GET /v1/unsubscribe?email=` removed anyone's address.
 */
import { constantTimeEqual, hmac } from './signing.ts';

const message = (address: string) => `unsubscribe:${address.toLowerCase()}`;

export function unsubscribeToken(secret: string, address: string): Promise<string> {
  return hmac(secret, message(address));
}

export async function unsubscribeTokenValid(
  secret: string,
  address: string,
  token: string | undefined,
): Promise<boolean> {
  if (!token) return false;
  return constantTimeEqual(await unsubscribeToken(secret, address), token);
}

/** The link to give a subscriber: on the site's base URL, or a path when none is configured. */
export async function unsubscribeUrl(
  baseUrl: string,
  secret: string,
  address: string,
): Promise<string> {
  const path = `/v1/unsubscribe?${new URLSearchParams({ email: address, token: await unsubscribeToken(secret, address) }).toString()}`;
  try {
    return new URL(path, baseUrl).href;
  } catch {
    return path;
  }
}
