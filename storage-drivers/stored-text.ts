/**
 * The JSON text a record's body was read from, kept beside the records a bulk copy reads (`list`
 * with `storedText`). A SQL driver writing such a record sends that text instead of serializing
 * the body again, and does not walk a body the reading driver has already checked: the text is
 * kept only once the reading driver found it a storable body, and what is written is that text.
 *
 * The text is kept for the body object parsed from it, so a record given another body is checked
 * and serialized as any other. Bodies read from a target are never changed in place (the view
 * freezes them, the writer copies what callers pass it), so the text still says what one holds.
 * Scalar bodies (null for tombstones) keep none; they cost nothing to check or serialize.
 */
import type { Json, StoredRecord } from './types.ts';

const kept = new WeakMap<object, string>();

/** For the reading driver, once `record` (its body parsed from `text`) passed every check. */
export function keepCheckedText(record: StoredRecord, text: string): void {
  if (typeof record.body === 'object' && record.body !== null) kept.set(record.body, text);
}

/** The checked text of `record`'s body, or undefined when none was kept for that body. */
export function checkedText(record: StoredRecord): string | undefined {
  const body: Json = record.body;
  return typeof body === 'object' && body !== null ? kept.get(body) : undefined;
}
