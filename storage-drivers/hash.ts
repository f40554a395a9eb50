/**
 * Small synchronous hashes over UTF-16 code units. Not for security: they only keep distinct
 * inputs apart, and must run on workerd too, where node:crypto is missing and Web Crypto is
 * asynchronous. Changing one changes every digest, so targets would stop comparing equal.
 */

/** 32-bit FNV-1a; the defaults are the standard offset basis and prime. */
export function fnv1a(text: string, seed = 0x811c9dc5, prime = 0x01000193): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), prime);
  return hash >>> 0;
}

/** A second 32-bit hash, independent of FNV-1a, so that a digest is two hashes wide. */
export function shiftedHash(text: string): number {
  let hash = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++)
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x5bd1e995) ^ (hash >>> 15);
  return hash >>> 0;
}

/**
 * fnv1a and shiftedHash of `${first}\u0000${second}` at once, in one pass over the two strings and
 * without building the joined one (a digest hashes every key it reads), added into `sums`.
 */
export function addPairHashes(sums: [number, number], first: string, second: string): void {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < first.length; i++) {
    const code = first.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995) ^ (b >>> 15);
  }
  // The U+0000 between them: x ^ 0 is x.
  a = Math.imul(a, 0x01000193);
  b = Math.imul(b, 0x5bd1e995) ^ (b >>> 15);
  for (let i = 0; i < second.length; i++) {
    const code = second.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995) ^ (b >>> 15);
  }
  sums[0] = (sums[0] + (a >>> 0)) >>> 0;
  sums[1] = (sums[1] + (b >>> 0)) >>> 0;
}

export const hex32 = (n: number): string => n.toString(16).padStart(8, '0');

const MASK_64 = (1n << 64n) - 1n;

/** 64-bit FNV-1a over bytes, for ids that must be wider than 32 bits (BigInt: slow, so not for hot paths). */
export function fnv1a64(bytes: Uint8Array): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & MASK_64;
  return hash;
}
