/**
 * The one bounded cache for memoised values kept at module level (formatters per zone, rendered
 * labels, Markdown, verified cookies). One rule everywhere: least recently used goes first, and a
 * hit counts as a use, so a hot entry is never dropped for a burst of one-off keys, and memory
 * stays at `capacity` entries whatever visitors send.
 *
 * Only for values that can be computed again: an entry may disappear at any time. A cache keyed
 * by an object stays a WeakMap, which lives exactly as long as the object.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`an LRU cache needs a capacity of at least 1, not ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // A Map iterates in insertion order: moving the hit to the end keeps the oldest use first.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The cached value, or `make()`'s, kept for next time. */
  getOrSet(key: K, make: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
