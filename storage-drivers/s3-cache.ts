/**
 * Record objects this driver wrote or read, keyed by object key and checked against the ETag a
 * listing reports (or the rev an index entry names) before use. Listing pages and change feeds
 * mostly return records this instance has already seen: the cache spares one GET per record, which
 * is most of the time and most of the bill of a `list` on S3. An object that changed has another
 * ETag, so a stale copy is never served; a rev names one write, so neither is a copy found by rev.
 */
export interface CachedObject {
  etag: string | undefined;
  rev: string;
  text: string;
}

const MAX_ENTRIES = 20_000;
const MAX_CHARACTERS = 32 * 1024 * 1024;
/** Big bodies are rare and would push out many small ones. */
const MAX_OBJECT_CHARACTERS = 256 * 1024;

export class ObjectCache {
  // A Map iterates in insertion order: re-inserting on use makes the first entry the least recent.
  private readonly entries = new Map<string, CachedObject>();
  private characters = 0;

  remember(key: string, object: CachedObject): void {
    this.forget(key);
    if (object.text.length > MAX_OBJECT_CHARACTERS) return;
    this.entries.set(key, object);
    this.characters += object.text.length;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && this.characters <= MAX_CHARACTERS) break;
      this.entries.delete(oldest);
      this.characters -= entry.text.length;
    }
  }

  forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.characters -= entry.text.length;
  }

  /** The cached text when the object still has this ETag. */
  withEtag(key: string, etag: string | undefined): string | undefined {
    const entry = this.entries.get(key);
    return etag !== undefined && entry?.etag === etag ? this.touch(key, entry) : undefined;
  }

  /** The cached text when it is the version written with this rev. */
  withRev(key: string, rev: string): string | undefined {
    const entry = this.entries.get(key);
    return entry?.rev === rev ? this.touch(key, entry) : undefined;
  }

  private touch(key: string, entry: CachedObject): string {
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.text;
  }
}
