import type { KindDigest } from '../../storage-drivers/types.ts';

/** What a target that holds no record of a kind would report for it, had it a key to report under. */
export const EMPTY_DIGEST: KindDigest = { count: 0, maxRev: '', hash: '0'.repeat(16) };

export function sameDigest(a: KindDigest | undefined, b: KindDigest | undefined): boolean {
  const x = a ?? EMPTY_DIGEST;
  const y = b ?? EMPTY_DIGEST;
  return x.count === y.count && x.maxRev === y.maxRev && x.hash === y.hash;
}
