/**
 * A version of what the store holds that every instance holding the same records computes
 * alike: an order-independent sum of two 32-bit hashes of each record's (kind, id, rev).
 *
 * `store.version` cannot key a cache that several isolates share: it counts this view's own
 * changes, so two isolates at version 7 may hold different records. A rev names one write of
 * one record (its body and whether it is deleted), so equal sums mean the same records, to
 * within a 64-bit hash. Tombstones count like live records: a purged one only makes two
 * isolates disagree (a cache miss), never agree on different content.
 */
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { fnv1a, hex32, shiftedHash } from '../../storage-drivers/hash.ts';
import { keyOf } from '../../storage-drivers/utils.ts';
import type { RecordStore } from '../replication/types.ts';

export class ContentVersion {
  /** The rev counted for each (kind, id), so a newer one replaces it in the sums. */
  private readonly revs = new Map<string, string>();
  private sumA = 0;
  private sumB = 0;
  private text: string | undefined;

  /** Count records the view now holds (each newer than what it held for that kind and id). */
  observe(records: Iterable<StoredRecord>): void {
    for (const record of records) {
      const key = keyOf(record.kind, record.id);
      const held = this.revs.get(key);
      if (held === record.rev) continue;
      if (held !== undefined) this.add(key, held, -1);
      this.add(key, record.rev, 1);
      this.revs.set(key, record.rev);
      this.text = undefined;
    }
  }

  /** Short and URL-safe, for cache keys. */
  get value(): string {
    this.text ??= `${this.revs.size.toString(36)}-${hex32(this.sumA)}${hex32(this.sumB)}`;
    return this.text;
  }

  private add(key: string, rev: string, sign: 1 | -1): void {
    const text = `${key}\u0000${rev}`;
    this.sumA = (this.sumA + sign * fnv1a(text)) >>> 0;
    this.sumB = (this.sumB + sign * shiftedHash(text)) >>> 0;
  }
}

/**
 * Follow a store from now on. Subscribe before the store loads, so the load itself is counted:
 * the view announces every record it merges, and only those.
 */
export function trackContent(store: Pick<RecordStore, 'subscribe'>): ContentVersion {
  const version = new ContentVersion();
  store.subscribe((changed) => version.observe(changed));
  return version;
}
