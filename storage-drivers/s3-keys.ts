/**
 * Object keys of the S3 driver, and the id encoding they rest on.
 *
 * Layout under `<prefix>/`:
 *   `<kind>/<encoded id>.json`                         one object per record, body = the JSON record
 *   `.revs/<rev>-<kind>-<encoded id>[.deleted]`         empty index object per stored (kind, id, rev)
 * (encoded ids longer than 64 characters are cut into 64-character segments, see SEGMENT_LENGTH)
 *   `.claims/<kind>/<encoded id>/<claim>`               short-lived claims, only where the server
 *                                                       ignores conditional writes (see s3-claim.ts)
 *   `.probe/<random>`                                   deleted right after the conditional-write probe
 *
 * Why this id encoding: S3 lists keys in byte order and `list(kind)` pages with StartAfter, so the
 * encoding must keep the order of ids. Ids are compared as JavaScript strings (UTF-16 code units,
 * like the memory driver), so every code unit is encoded on its own and the encoding preserves
 * order unit by unit. Every byte it produces is above `.` (0x2E), which gives two more properties:
 * the `.json` suffix sorts below any longer id ("a.json" < "a-b.json" like "a" < "a-b"), and servers
 * that store objects as files named `<key>.<something>` (s3rver) list in the same order as S3.
 *
 *   '1'-'9', 'A'-'Z', 'a'-'z'        themselves
 *   U+0000..U+0030 (incl. '-', '0')  '0' + 1 payload char
 *   U+003A..U+0040                   '=' + 1 payload char
 *   U+005B..U+0060 (incl. '_')       '_' + 1 payload char
 *   U+007B..U+FFFF                   '~' + 3 payload chars
 *
 * Markers sit between the literal ranges they stand for and payloads are fixed-width digits of an
 * alphabet in ASCII order, so the code is prefix-free and order-preserving. An id of 200 code units
 * takes at most 800 bytes; keys longer than S3's 1,024 bytes are refused when writing.
 *
 * Index keys are flat (no `/` after `.revs/`, short ids aside) so that file-backed servers create
 * no folder per entry. `-` separates rev, kind and id: it is below every character that can continue a rev (the
 * writer id is [a-z0-9]), so key order is rev order, and neither kinds nor encoded ids contain it.
 */
import { KIND_PATTERN } from './utils.ts';

/** 64 characters in ascending ASCII order: the digits of escape payloads. */
const PAYLOAD = '0123456789=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const PAYLOAD_VALUE = new Map([...PAYLOAD].map((char, value) => [char, value]));

interface EscapeRange {
  marker: string;
  first: number;
  last: number;
  width: number;
}

const ESCAPES: EscapeRange[] = [
  { marker: '0', first: 0x00, last: 0x30, width: 1 },
  { marker: '=', first: 0x3a, last: 0x40, width: 1 },
  { marker: '_', first: 0x5b, last: 0x60, width: 1 },
  { marker: '~', first: 0x7b, last: 0xffff, width: 3 },
];
const ESCAPE_BY_MARKER = new Map(ESCAPES.map((range) => [range.marker, range]));

const isLiteral = (unit: number) =>
  (unit >= 0x31 && unit <= 0x39) ||
  (unit >= 0x41 && unit <= 0x5a) ||
  (unit >= 0x61 && unit <= 0x7a);

export function encodeId(id: string): string {
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const unit = id.charCodeAt(i);
    if (isLiteral(unit)) {
      out += id[i];
      continue;
    }
    const range = ESCAPES.find((r) => unit >= r.first && unit <= r.last)!;
    let payload = '';
    for (
      let value = unit - range.first, n = 0;
      n < range.width;
      n++, value = Math.floor(value / 64)
    )
      payload = PAYLOAD[value % 64] + payload;
    out += range.marker + payload;
  }
  return out;
}

/** The id an encoded name stands for, or null when the name is not one this encoding produces. */
export function decodeId(encoded: string): string | null {
  let out = '';
  for (let i = 0; i < encoded.length;) {
    const char = encoded[i]!;
    const range = ESCAPE_BY_MARKER.get(char);
    if (!range) {
      if (!isLiteral(char.charCodeAt(0))) return null;
      out += char;
      i++;
      continue;
    }
    let value = 0;
    for (let n = 1; n <= range.width; n++) {
      const digit = PAYLOAD_VALUE.get(encoded[i + n] ?? '');
      if (digit === undefined) return null;
      value = value * 64 + digit;
    }
    const unit = range.first + value;
    if (unit > range.last) return null;
    out += String.fromCharCode(unit);
    i += 1 + range.width;
  }
  return out.length > 0 ? out : null;
}

const INDEX_ENTRY =
  /^([0-9a-f]{12}-[0-9a-f]{6}-[a-z0-9]{1,32})-([a-z0-9_]{1,64})-([^.]+)(\.deleted)?$/;
export const MAX_KEY_BYTES = 1024;
const RECORD_SUFFIX = '.json';
const TOMBSTONE_SUFFIX = '.deleted';
/**
 * Encoded ids are cut into segments of this many characters: MinIO refuses key segments over 255
 * bytes and s3rver crashes on them (it appends 22 characters to make a file name). A cut at the
 * same positions in every id keeps the order: `/` is above the `.` of the suffixes and below every
 * character of the encoding.
 */
const SEGMENT_LENGTH = 64;

function segmented(encoded: string): string {
  const segments: string[] = [];
  for (let i = 0; i < encoded.length; i += SEGMENT_LENGTH)
    segments.push(encoded.slice(i, i + SEGMENT_LENGTH));
  return segments.join('/');
}

/** The id a segmented name stands for, or null unless it is exactly what `segmented` makes. */
function idOfSegmented(name: string): string | null {
  const segments = name.split('/');
  const whole = segments.slice(0, -1).every((segment) => segment.length === SEGMENT_LENGTH);
  const last = segments[segments.length - 1]!.length;
  return whole && last > 0 && last <= SEGMENT_LENGTH ? decodeId(segments.join('')) : null;
}

export type ParsedKey =
  | { type: 'record'; kind: string; id: string }
  | { type: 'index'; rev: string; kind: string; id: string; deleted: boolean }
  | { type: 'internal' }
  | { type: 'foreign' };

/** Key builders and parsers for one prefix (`''` for the bucket root). */
export class KeyLayout {
  /** `<prefix>/`, or empty at the bucket root. */
  readonly root: string;

  constructor(prefix: string) {
    this.root = prefix ? `${prefix}/` : '';
  }

  recordKey(kind: string, id: string): string {
    return `${this.root}${kind}/${segmented(encodeId(id))}${RECORD_SUFFIX}`;
  }

  recordsPrefix(kind: string): string {
    return `${this.root}${kind}/`;
  }

  indexPrefix(): string {
    return `${this.root}.revs/`;
  }

  indexKey(rev: string, kind: string, id: string, deleted: boolean): string {
    return `${this.root}.revs/${rev}-${kind}-${segmented(encodeId(id))}${deleted ? TOMBSTONE_SUFFIX : ''}`;
  }

  /**
   * The StartAfter key for index entries with a rev strictly above `rev`: entries of `rev` itself
   * continue with `-` and a kind (all below `~`); higher revs differ earlier or continue with a
   * writer character, which is above `-`.
   */
  indexStartAfter(rev: string): string {
    return `${this.root}.revs/${rev}-~`;
  }

  /** Index entries with a rev strictly below `rev` sort below this key. */
  indexUpperBound(rev: string): string {
    return `${this.root}.revs/${rev}-`;
  }

  claimsPrefix(kind: string, id: string): string {
    return `${this.root}.claims/${kind}/${segmented(encodeId(id))}/`;
  }

  probeKey(): string {
    return `${this.root}.probe/${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  }

  parse(key: string): ParsedKey {
    if (!key.startsWith(this.root)) return { type: 'foreign' };
    const tail = key.slice(this.root.length);
    const slash = tail.indexOf('/');
    if (slash < 0) return { type: 'foreign' };
    const head = tail.slice(0, slash);
    const rest = tail.slice(slash + 1);
    if (head === '.revs') {
      const entry = INDEX_ENTRY.exec(rest);
      const id = entry ? idOfSegmented(entry[3]!) : null;
      return entry && id !== null
        ? { type: 'index', rev: entry[1]!, kind: entry[2]!, id, deleted: entry[4] !== undefined }
        : { type: 'foreign' };
    }
    if (head === '.claims' || head === '.probe') return { type: 'internal' };
    if (KIND_PATTERN.test(head) && rest.endsWith(RECORD_SUFFIX)) {
      const id = idOfSegmented(rest.slice(0, -RECORD_SUFFIX.length));
      if (id !== null) return { type: 'record', kind: head, id };
    }
    return { type: 'foreign' };
  }
}

export const keyBytes = (key: string) => new TextEncoder().encode(key).length;
