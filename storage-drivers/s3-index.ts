/**
 * The S3 driver's rev index at work: `digest` from one listing of key names, and the purge of old
 * tombstones, each tidying the leftovers it meets. A record with exactly one entry is trusted
 * without reading it; the rare others (a write in flight, a crash's leftovers, an object written
 * by another tool) are asked with a HEAD, whose user metadata carries the rev.
 */
import type { KindDigest } from './types.ts';
import { digestRows, keyOf, mapConcurrently } from './utils.ts';
import { READ_CONCURRENCY, WRITE_CONCURRENCY } from './object-store-common.ts';
import type { IndexEntry, S3Objects } from './s3-objects.ts';

/** Index entries this old that disagree with their record are leftovers, never writes in flight. */
const LEFTOVER_AGE_MS = 10 * 60_000;

const isLeftover = (entry: { lastModified: Date | undefined }) =>
  entry.lastModified !== undefined && entry.lastModified.getTime() < Date.now() - LEFTOVER_AGE_MS;

export async function digestIndex(objects: S3Objects): Promise<Record<string, KindDigest>> {
  const { calls, keys } = objects;
  const entries = new Map<string, IndexEntry[]>();
  const stored = new Map<string, { kind: string; id: string }>();
  for await (const { key, lastModified } of calls.list(keys.root)) {
    const parsed = keys.parse(key);
    if (parsed.type === 'index') {
      const at = keyOf(parsed.kind, parsed.id);
      entries.set(at, [...(entries.get(at) ?? []), { ...parsed, key, lastModified }]);
    } else if (parsed.type === 'record') {
      stored.set(keyOf(parsed.kind, parsed.id), parsed);
    } else if (parsed.type === 'foreign') {
      objects.report(key, 'not a key this driver writes');
    }
  }
  const rows: Array<{ kind: string; id: string; rev: string }> = [];
  const unclear: Array<{ kind: string; id: string; entries: IndexEntry[] }> = [];
  for (const [at, record] of stored) {
    const found = entries.get(at) ?? [];
    if (found.length === 1) rows.push({ ...record, rev: found[0]!.rev });
    else unclear.push({ ...record, entries: found });
  }
  // Several entries (a write in flight, or leftovers) or none (an object from elsewhere): ask the object.
  await mapConcurrently(unclear, READ_CONCURRENCY, async ({ kind, id, entries: found }) => {
    const state = await objects.stateOf(kind, id);
    if (!state) return;
    if (!state.rev) {
      objects.report(keys.recordKey(kind, id), 'not a valid record');
      return;
    }
    rows.push({ kind, id, rev: state.rev });
    // Best effort: a reader with read-only credentials still gets its digest.
    if (!found.some((entry) => entry.rev === state.rev))
      await objects
        .writeEntry({ kind, id, rev: state.rev, deleted: state.deleted })
        .catch(() => undefined);
    for (const entry of found)
      if (entry.rev !== state.rev && isLeftover(entry)) await objects.deleteQuietly(entry.key);
  });
  return digestRows(rows);
}

/**
 * HEAD then DELETE, unconditionally: a write landing in between is deleted with the tombstone and
 * restored by the anti-entropy sync, as a lost update is.
 */
export async function purgeTombstones(objects: S3Objects, beforeRev: string): Promise<number> {
  const bound = objects.keys.indexUpperBound(beforeRev);
  const candidates: IndexEntry[] = [];
  for await (const entry of objects.indexEntries()) {
    if (entry.key >= bound) break;
    if (entry.deleted) candidates.push(entry);
  }
  const purged = await mapConcurrently(candidates, WRITE_CONCURRENCY, async (entry) => {
    const state = await objects.stateOf(entry.kind, entry.id);
    if (state?.rev !== entry.rev || !state.deleted) {
      const superseded = state?.rev ? state.rev > entry.rev : isLeftover(entry);
      if (superseded) await objects.deleteQuietly(entry.key);
      return false;
    }
    // Record first, entry second: an entry without its record is skipped by every reader.
    const key = objects.keys.recordKey(entry.kind, entry.id);
    objects.forget(key);
    await objects.calls.delete(key);
    await objects.deleteQuietly(entry.key);
    return true;
  });
  return purged.filter(Boolean).length;
}
