/** The synchronous HMAC-SHA256 gives Web Crypto's bytes, for keys and messages of every length class. */
import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256 } from './hmac-sync.ts';

const encoder = new TextEncoder();
const hex = (bytes: Uint8Array | ArrayBuffer) =>
  Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes).toString('hex');

async function webHmac(key: string, message: string): Promise<string> {
  const k = await crypto.subtle.importKey(
    'raw',
    encoder.encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return hex(await crypto.subtle.sign('HMAC', k, encoder.encode(message)));
}

describe('hmacSha256', () => {
  it('hashes the FIPS 180-2 test vectors', () => {
    expect(hex(sha256(encoder.encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256(new Uint8Array()))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('equals crypto.subtle for keys and messages around the block sizes, and Unicode', async () => {
    const lengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 200];
    for (const keyLength of lengths.slice(1))
      for (const messageLength of lengths) {
        const key = 'k€'.repeat(keyLength).slice(0, keyLength);
        const message = 'm✓x'.repeat(messageLength).slice(0, messageLength);
        expect(hex(hmacSha256(key, message)), `${keyLength}/${messageLength}`).toBe(
          await webHmac(key, message),
        );
      }
  });
});
