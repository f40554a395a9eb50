/**
 * HMAC-SHA256 signatures keyed by cookie_key and their constant-time check, shared by the admin
 * sessions and the signed unsubscribe links (every instance with the same key accepts them).
 */
import { LruCache } from '../domain/lru-cache.ts';

const encoder = new TextEncoder();
// One key per cookie_key in use; a handful at most (apps in tests, a key rotation).
const keys = new LruCache<string, Promise<CryptoKey>>(100);

function hmacKey(secret: string): Promise<CryptoKey> {
  return keys.getOrSet(secret, () =>
    crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    ),
  );
}

export function base64url(bytes: ArrayBuffer): string {
  let text = '';
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function hmac(secret: string, message: string): Promise<string> {
  return base64url(
    await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(message)),
  );
}

/** Compare two strings without an early exit on the first difference. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
