/**
 * The JSON text a record's body was read from, kept beside the records a bulk copy reads (`list`
 * with `storedText`). A SQL driver writing such a record sends that text instead of serializing
 * the body again, and does not walk a body the reading driver has already checked: the text is
 * kept only once the reading driver found it a storable body, and what is written is that text.
 *
 * Kept only while the record's body is still the object parsed from that text: a record given
 * another body, or a copy of it, is checked and serialized as any other. Bodies read from a
 * target are never changed in place (the view freezes them, the writer copies what callers pass
 * it), so the text still says what the body holds.
 */
import type { Json, StoredRecord } from './types.ts';

const kept = new WeakMap<StoredRecord, { body: Json; text: string }>();

/** For the reading driver, once `record` (its body parsed from `text`) passed every check. */
export function keepCheckedText(record: StoredRecord, text: string): void {
  kept.set(record, { body: record.body, text });
}

/** The checked text of `record`'s body, or undefined when none was kept or the body changed since. */
export function checkedText(record: StoredRecord): string | undefined {
  const entry = kept.get(record);
  return entry !== undefined && entry.body === record.body ? entry.text : undefined;
}
