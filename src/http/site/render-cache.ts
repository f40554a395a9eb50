/**
 * Rendered pages and feeds kept in memory, keyed by everything their bytes depend on: the
 * store's version (any write changes it), the visitor's zone, the minute (for "5 minutes ago"
 * and today's bar) and the storage notice. Between two changes every request is a map lookup
 * that sends bytes encoded once.
 *
 * Because the bytes are a function of the key, the ETag is derived from the key (plus a
 * per-process id, since store versions restart with the process) instead of hashing the body.
 */
import { contentHash } from './assets/index.ts';
import type { Compressible } from './compress.ts';

export interface Rendered extends Compressible {
  etag: string;
  status: number;
}

const encoder = new TextEncoder();
const BOOT = Math.floor(Math.random() * 36 ** 6).toString(36);

/** One least-recently-used table of renderings with a fixed size. */
class Lane {
  readonly entries = new Map<string, Rendered>();
  constructor(readonly capacity: number) {}

  take(key: string): Rendered | undefined {
    const found = this.entries.get(key);
    if (found) {
      // Most recently used last, so eviction (from the front) takes what nobody asked for lately.
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  put(key: string, rendered: Rendered): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, rendered);
  }
}

/**
 * Renderings of the site's own zone and of zones visitors chose (`?timezone=`, the cookie) live in
 * two lanes of fixed size: any number of visitor zones share theirs, so a request per zone can
 * neither grow memory nor evict the pages most visitors get.
 */
export class RenderCache {
  private readonly site: Lane;
  private readonly chosen: Lane;
  hits = 0;
  misses = 0;

  constructor(capacity = 300, chosenCapacity = 200) {
    this.site = new Lane(capacity);
    this.chosen = new Lane(chosenCapacity);
  }

  /**
   * The cached rendering for `key`, or render it now; `chosenZone` when the page is in a zone the
   * visitor picked. Rendering is synchronous, so concurrent requests never render twice.
   */
  get(key: string, render: () => { body: string; status?: number }, chosenZone = false): Rendered {
    const lane = chosenZone ? this.chosen : this.site;
    const found = lane.take(key);
    if (found) {
      this.hits++;
      return found;
    }
    this.misses++;
    const { body, status = 200 } = render();
    const rendered: Rendered = {
      body: encoder.encode(body),
      status,
      etag: `W/"${BOOT}-${contentHash(key)}"`,
    };
    lane.put(key, rendered);
    return rendered;
  }

  clear(): void {
    this.site.entries.clear();
    this.chosen.entries.clear();
  }

  get size(): number {
    return this.site.entries.size + this.chosen.entries.size;
  }

  /** Renderings held for visitor-chosen zones, within their fixed share. */
  get chosenSize(): number {
    return this.chosen.entries.size;
  }
}

/** The minute bucket used in cache keys. */
export const minuteOf = (ms: number) => Math.floor(ms / 60_000);
