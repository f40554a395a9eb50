/**
 * The one bounded cache for memoised values kept at module level (formatters per zone, rendered
 * labels, Markdown, verified cookies). One rule everywhere: least recently used goes first, and a
 * hit counts as a use, so a hot entry is never dropped for a burst of one-off keys, and memory
 * stays at `capacity` entries whatever visitors send.
 *
 * Only for values that can be computed again: an entry may disappear at any time. A cache keyed
 * by an object stays a WeakMap, which lives exactly as long as the object.
 */
import { LRUCache } from 'lru-cache';

export class LruCache<K extends NonNullable<unknown>, V> {
  // lru-cache keeps the use order in typed arrays, so a hit does not touch the Map. Moving each
  // hit to the end of a Map (delete, then set) was most of a rebuild of the API documents.
  // Values are boxed because lru-cache refuses null ones.
  private readonly entries: LRUCache<K, { value: V }>;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`an LRU cache needs a capacity of at least 1, not ${capacity}`);
    this.entries = new LRUCache({ max: capacity });
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: K, value: V): void {
    this.entries.set(key, { value });
  }

  /** The cached value, or `make()`'s, kept for next time. */
  getOrSet(key: K, make: () => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit.value;
    const value = make();
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
