/**
 * A short, stable, synchronous hash for names the engine derives (target keys, long hint ids).
 * Not for security: it only has to keep distinct inputs apart, and must run on workerd too,
 * where node:crypto is not available and Web Crypto is asynchronous. Hint ids are stored, so the
 * value must never change.
 */
import { fnv1a, hex32 } from '../../storage-drivers/hash.ts';

/** 16 hex characters (two independent 32-bit hashes). */
export function shortHash(text: string): string {
  return hex32(fnv1a(text)) + hex32(fnv1a(text, 0x5bd1e995, 0x01000193 ^ 0x2545f491));
}
