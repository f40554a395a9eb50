/**
 * A short, stable, synchronous hash for names the engine derives (target keys, long hint ids).
 * Not for security: it only has to keep distinct inputs apart, and must run on workerd too,
 * where node:crypto is not available and Web Crypto is asynchronous.
 */
function fnv1a(text: string, seed: number, prime: number): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), prime);
  return hash >>> 0;
}

/** 16 hex characters (two independent 32-bit hashes). */
export function shortHash(text: string): string {
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return hex(fnv1a(text, 0x811c9dc5, 0x01000193)) + hex(fnv1a(text, 0x5bd1e995, 0x01000193 ^ 0x2545f491));
}
