/**
 * Finished answers to plain requests (GET or HEAD, no query, no cookie, no credentials), kept as
 * the app sent them so that a runtime can send them again without running the app, for as long
 * as their stamp is current. A stamp is everything the bytes depend on beyond the path and the
 * encoding (the store version, the minute, the storage notice, cluster health): it is computed
 * from the same inputs as the render caches' keys, so a write, a new minute or a target going
 * down changes it before the next request and the runtime hands that request to the app again.
 *
 * The app only *offers* an answer (offerHot, when the runtime asked for offers on this request);
 * the runtime decides the request was plain and records what was sent (src/runtime/hot-path.ts).
 * Nothing here depends on a runtime; on Workers nobody asks, and offers cost nothing.
 */
import type { Context } from 'hono';

/** What an answer's bytes depend on beyond path and encoding, asked again on every hit. */
export interface Stamp {
  /**
   * Everything but the clock: the store version, the storage notice, cluster health. When it
   * changes (a write, a target going down), recorded answers are never sent again.
   */
  data(): string;
  /** data() and the clock's bucket (the minute, 10 s): equal values mean the app sends the same bytes. */
  current(): string;
}

/** An answer the app would give again while `stamp.current()` equals `value`. */
export interface HotOffer {
  stamp: Stamp;
  value: string;
  /** `stamp.data()` when the answer was made. */
  data: string;
  /** The bytes sent, as sent (compressed or not). */
  body: Uint8Array;
  /**
   * Every request negotiating this encoding gets these bytes while the stamp holds: false while
   * the compressed copy is still being made (this request got the plain bytes meanwhile).
   */
  settled: boolean;
}

const OFFER = Symbol.for('staunch.hotOffer');
type OfferSlot = { [OFFER]?: HotOffer | null };

/** The runtime asks for an offer on this request (its env object is per request). */
export function askOffer(env: object): void {
  (env as OfferSlot)[OFFER] = null;
}

/** What the app offered on this request, if anything. */
export function takeOffer(env: object): HotOffer | undefined {
  return (env as OfferSlot)[OFFER] ?? undefined;
}

/** True when the runtime asked for an offer, so building one is worth it. */
export function wantsOffer(c: Context): boolean {
  const env = c.env as OfferSlot | undefined;
  return typeof env === 'object' && env !== null && env[OFFER] === null;
}

export function offerHot(c: Context, offer: HotOffer): void {
  if (wantsOffer(c)) (c.env as OfferSlot)[OFFER] = offer;
}

/**
 * A stamp of four parts, kept as one string until a part changes, so asking it on every request
 * builds no string and allocates nothing.
 */
export function memoStamp(): (
  a: string | number,
  b: string | number,
  c: string | number,
  d: string | number,
) => string {
  let last: (string | number)[] = [NaN, NaN, NaN, NaN];
  let value = '';
  return (a, b, c, d) => {
    if (a !== last[0] || b !== last[1] || c !== last[2] || d !== last[3]) {
      last = [a, b, c, d];
      value = last.join('|');
    }
    return value;
  };
}

/** One recorded answer: its status, its headers as a flat [name, value, ...] list, its body. */
export interface HotAnswer {
  status: number;
  headers: string[];
  body: Uint8Array | undefined;
}

export class HotEntry {
  ok: HotAnswer | undefined;
  notModified: HotAnswer | undefined;
  /** When a runtime first found it behind the clock (its own time, for a grace period). */
  staleSince: number | undefined;
  constructor(
    readonly stamp: Stamp,
    readonly value: string,
    readonly data: string,
    /** The answer's ETag: an If-None-Match listing it gets the 304. */
    readonly etag: string | undefined,
  ) {}
}

/** Identity, br, gzip, each for GET and HEAD. */
export const ENCODING_INDEX = { identity: 0, br: 1, gzip: 2 } as const;
const SLOTS = 6;

/**
 * The recorded answers by path, encoding and method. Bounded: only the app's cacheable pages
 * offer, and past `capacity` paths the oldest path goes. Most bytes are shared with the render
 * caches; an entry outliving its rendering keeps a page (three encodings) alive, so the bound is
 * small: the front page, the eight documents and the incidents people are sent to.
 */
export class HotResponses {
  private readonly paths = new Map<string, (HotEntry | undefined)[]>();

  constructor(readonly capacity = 64) {}

  /** The entry recorded for this request, current or not (the caller asks its stamp). */
  lookup(path: string, head: boolean, encoding: number): HotEntry | undefined {
    return this.paths.get(path)?.[encoding * 2 + (head ? 1 : 0)];
  }

  /**
   * Keep what the app sent for a plain request whose Accept-Encoding negotiated `encoding`
   * (an ENCODING_INDEX): `status` 200 (with the offered body, unless HEAD)
   * or 304, `headers` as sent (content-length is added here for a 200 GET, as Node sends it).
   */
  record(
    path: string,
    head: boolean,
    encoding: number,
    offer: HotOffer,
    status: number,
    headers: Headers,
  ): void {
    if (status !== 200 && status !== 304) return;
    if (!offer.settled || headers.has('set-cookie')) return;
    const etag = headers.get('etag') ?? undefined;
    let slots = this.paths.get(path);
    if (!slots) {
      if (this.paths.size >= this.capacity) this.paths.delete(this.paths.keys().next().value!);
      slots = new Array<HotEntry | undefined>(SLOTS).fill(undefined);
      this.paths.set(path, slots);
    }
    const index = encoding * 2 + (head ? 1 : 0);
    let entry = slots[index];
    if (!entry || entry.value !== offer.value || entry.stamp !== offer.stamp || entry.etag !== etag)
      entry = slots[index] = new HotEntry(offer.stamp, offer.value, offer.data, etag);
    const flat: string[] = [];
    headers.forEach((value, name) => flat.push(name, value));
    if (status === 304) {
      entry.notModified = { status, headers: flat, body: undefined };
      return;
    }
    if (!head) flat.push('content-length', String(offer.body.byteLength));
    entry.ok = { status, headers: flat, body: head ? undefined : offer.body };
  }

  get size(): number {
    return this.paths.size;
  }

  clear(): void {
    this.paths.clear();
  }
}
