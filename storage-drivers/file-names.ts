/**
 * File names for record ids. Ids are any 1..200 characters; file names must be safe on every
 * common file system, including case-insensitive ones (macOS, Windows), and short enough for
 * the 255-byte name limit once an index entry adds a rev and a suffix.
 *
 * `a-z 0-9 _ -` stand for themselves; any other UTF-16 code unit becomes `%XX` (below U+0100) or
 * `%uXXXX`, with upper-case hex digits. Upper-case letters are escaped too, so "Foo" and "foo" never
 * meet in one file. Code units rather than UTF-8 bytes, so that lone surrogates survive. A name
 * longer than MAX_NAME_LENGTH becomes `#` + the SHA-256 of the id, and the id is read from the file.
 * The file driver sorts ids in memory, so names need not keep the order of ids.
 */
import { createHash } from 'node:crypto';

export const MAX_NAME_LENGTH = 160;
const HASHED_PREFIX = '#';
const LITERAL = /[a-z0-9_-]/;
const ENCODED = /^(?:[a-z0-9_-]|%[0-9A-F]{2}|%u[0-9A-F]{4})+$/;

function escapeUnit(unit: number): string {
  const hex = unit.toString(16).toUpperCase();
  return unit < 0x100 ? `%${hex.padStart(2, '0')}` : `%u${hex.padStart(4, '0')}`;
}

/** The name (without extension) of the file holding this id. */
export function nameOf(id: string): string {
  let name = '';
  for (let i = 0; i < id.length; i++)
    name += LITERAL.test(id[i]!) ? id[i] : escapeUnit(id.charCodeAt(i));
  return name.length <= MAX_NAME_LENGTH
    ? name
    : HASHED_PREFIX + createHash('sha256').update(name).digest('hex');
}

export const isHashedName = (name: string) =>
  name.startsWith(HASHED_PREFIX) && /^#[0-9a-f]{64}$/.test(name);

/**
 * The id a name stands for; null for a hashed name (its file says) and undefined for a name this
 * driver never writes.
 */
export function idOf(name: string): string | null | undefined {
  if (isHashedName(name)) return null;
  if (!ENCODED.test(name) || name.length > MAX_NAME_LENGTH) return undefined;
  const id = name.replace(
    /%u([0-9A-F]{4})|%([0-9A-F]{2})/g,
    (_, long: string | undefined, short: string | undefined) =>
      String.fromCharCode(parseInt(long ?? short!, 16)),
  );
  // Only the canonical spelling counts: "%61" is not a name for "a".
  return nameOf(id) === name ? id : undefined;
}
