/**
 * Mutual exclusion for servers that ignore conditional writes (s3rver, older MinIO and Ceph), so
 * putIfAbsent stays atomic there. Real S3, R2 and current MinIO never come here: they honour
 * `If-None-Match: *`, which decides on the server.
 *
 * The protocol needs only strong read-after-write consistency for PUT and LIST (S3 has had it since
 * December 2020): a contender writes its own claim object, then lists the claims. It may enter only
 * when it sees no claim but its own. Two contenders cannot both see that: the one that listed
 * last wrote its claim before listing, after the other's claim was written, so it sees the other's
 * claim (claims stay until their holder leaves). When several see each other, all but the oldest
 * withdraw and retry after a random pause, and the oldest enters once alone.
 *
 * What it does not cover: a holder that stalls for longer than CLAIM_STALE_MS between its claim and
 * the end of its work can have its claim ignored, and a writer that does not claim (plain put) is not
 * held back. Both are documented limits of the fallback, not of the S3 path.
 */
import { StorageError } from './types.ts';
import type { S3Calls } from './s3-client.ts';
import { sleep } from './utils.ts';

/** Claims older than this belong to a crashed or frozen holder and are ignored. */
export const CLAIM_STALE_MS = 60_000;
const STAMP_WIDTH = 10;

const stampOf = (name: string) => parseInt(name.slice(0, STAMP_WIDTH), 36);

/** Run `work` while holding the only live claim under `prefix`; gives up after `timeoutMs`. */
export async function withClaim<T>(
  calls: S3Calls,
  prefix: string,
  timeoutMs: number,
  work: () => Promise<T>,
): Promise<T> {
  // Time first, so that claim names sort by age and the oldest contender is the one that stays.
  const mine = `${prefix}${Date.now().toString(36).padStart(STAMP_WIDTH, '0')}-${crypto.randomUUID()}`;
  const deadline = Date.now() + timeoutMs;
  let holding = false;
  try {
    for (let round = 0; ; round++) {
      if (!holding) {
        await calls.put(mine, '', {}, undefined);
        holding = true;
      }
      const rivals: string[] = [];
      for await (const { key } of calls.list(prefix)) {
        if (key === mine) continue;
        const stamp = stampOf(key.slice(prefix.length));
        if (Number.isFinite(stamp) && stamp < Date.now() - CLAIM_STALE_MS) {
          await calls.delete(key).catch(() => undefined);
          continue;
        }
        rivals.push(key);
      }
      if (rivals.length === 0) return await work();
      if (Date.now() > deadline)
        throw new StorageError(
          's3',
          'TIMEOUT',
          `could not claim ${prefix} within ${timeoutMs} ms (${rivals.length} other claims)`,
        );
      const oldest = rivals.every((rival) => rival > mine);
      if (!oldest) {
        await calls.delete(mine);
        holding = false;
      }
      // The oldest waits briefly for the others to withdraw; the others wait longer and at random.
      await sleep(oldest ? 5 + Math.random() * 10 : Math.random() * Math.min(400, 20 * 2 ** round));
    }
  } finally {
    if (holding) await calls.delete(mine).catch(() => undefined);
  }
}
