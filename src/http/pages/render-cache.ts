/**
 * Rendered pages and feeds kept in memory, keyed by everything their bytes depend on: the
 * store's version (any write changes it), the visitor's zone, the minute (for "5 minutes ago"
 * and today's bar) and the storage notice. Between two changes every request is a map lookup.
 */
import { fnv1a } from '../../views/assets/index.ts';

export interface Rendered {
  body: string;
  etag: string;
  status: number;
}

export class RenderCache {
  private readonly entries = new Map<string, Rendered>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 300) {}

  /** The cached rendering for `key`, or render it now. Rendering is synchronous, so concurrent requests never render twice. */
  get(key: string, render: () => { body: string; status?: number }): Rendered {
    const found = this.entries.get(key);
    if (found) {
      this.hits++;
      // Refresh its place so the most used entries stay.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    this.misses++;
    const { body, status = 200 } = render();
    const rendered: Rendered = { body, status, etag: `W/"${fnv1a(body)}${body.length.toString(36)}"` };
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, rendered);
    return rendered;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The minute bucket used in cache keys. */
export const minuteOf = (ms: number) => Math.floor(ms / 60_000);
