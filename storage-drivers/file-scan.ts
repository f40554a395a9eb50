/**
 * The file driver's scans: what a kind holds, learnt from folder listings. `changes`, `digest` and
 * the purge read the rev index (one listing per kind) instead of every record, and open a record
 * only where its entries do not settle its rev; `list` reads the kind's folder, and opens only the
 * files whose names are hashed.
 */
import { join } from 'node:path';
import type { StoredRecord } from './types.ts';
import { KIND_PATTERN, mapConcurrently } from './utils.ts';
import { READ_CONCURRENCY } from './object-store-common.ts';
import {
  groupByName,
  parseEntry,
  settledEntry,
  type IndexEntry,
  type NameEntries,
} from './file-index.ts';
import { idOf } from './file-names.ts';
import { RECORD_SUFFIX, type FileStore } from './file-store.ts';

export interface Candidate {
  kind: string;
  name: string;
  rev: string;
  deleted: boolean;
  /** Already read while settling the index, if it had to be. */
  record?: StoredRecord;
}

export interface NamedRecord {
  name: string;
  id: string;
  /** Already read to learn the id of a hashed name. */
  record?: StoredRecord;
}

export async function indexedKinds(store: FileStore): Promise<string[]> {
  return (await store.listFolder(store.indexRoot)).filter((kind) => KIND_PATTERN.test(kind)).sort();
}

export async function indexGroups(
  store: FileStore,
  kind: string,
): Promise<Map<string, NameEntries>> {
  const entries: IndexEntry[] = [];
  for (const file of await store.listFolder(store.indexDir(kind))) {
    const entry = parseEntry(file);
    if (entry) entries.push(entry);
  }
  return groupByName(entries);
}

/** The current rev of every record of a kind, from the index; unsettled names are read. */
export async function currentRevs(store: FileStore, kind: string): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  const unsettled: string[] = [];
  for (const [name, group] of await indexGroups(store, kind)) {
    const settled = settledEntry(group);
    if (settled)
      candidates.push({ kind, name, rev: settled.rev, deleted: settled.state === 'deleted' });
    else unsettled.push(name);
  }
  const read = await mapConcurrently(unsettled, READ_CONCURRENCY, (name) =>
    store.readForScan(kind, name),
  );
  read.forEach((record, i) => {
    if (record)
      candidates.push({
        kind,
        name: unsettled[i]!,
        rev: record.rev,
        deleted: record.deleted,
        record,
      });
  });
  return candidates;
}

/** Record names in a kind's folder with their ids; hashed names are read to learn theirs. */
export async function namesWithIds(store: FileStore, kind: string): Promise<NamedRecord[]> {
  const found: NamedRecord[] = [];
  const hashed: string[] = [];
  for (const file of await store.listFolder(store.kindDir(kind))) {
    if (file.startsWith('~')) continue; // a temporary file of a write in progress
    const name = file.endsWith(RECORD_SUFFIX) ? file.slice(0, -RECORD_SUFFIX.length) : '';
    const id = idOf(name);
    if (id === undefined) store.report(join(store.kindDir(kind), file), 'not a record file name');
    else if (id === null) hashed.push(name);
    else found.push({ name, id });
  }
  const read = await mapConcurrently(hashed, READ_CONCURRENCY, (name) =>
    store.readForScan(kind, name),
  );
  read.forEach((record, i) => {
    if (record) found.push({ name: hashed[i]!, id: record.id, record });
  });
  return found;
}

/**
 * A folder's time moves in coarse ticks: a change within the tick of the stat that preceded a
 * listing could leave it where it was. A listing is remembered only once that time is this old.
 */
const SETTLED_INDEX_MS = 2_000;

/**
 * What `changes` asks of each kind, answered without listing a rev index that has not moved since
 * it was last listed: every write, repair and purge creates, renames or removes an entry, which
 * moves the index folder's time. A quiet folder then costs one stat per poll instead of a listing
 * of every record it holds.
 */
export class IndexWatch {
  /** Per kind: the index folder's time when it was listed, and the highest rev it held. */
  private readonly quiet = new Map<string, { time: bigint; highest: string }>();

  constructor(
    private readonly store: FileStore,
    private readonly now: () => number = Date.now,
  ) {}

  async changedSince(kind: string, since: string): Promise<Candidate[]> {
    const time = await this.store.indexTime(kind);
    const known = this.quiet.get(kind);
    if (known && known.time === time && since >= known.highest) return [];
    const candidates = await currentRevs(this.store, kind);
    let highest = '';
    for (const c of candidates) if (c.rev > highest) highest = c.rev;
    // An entry still unsettled was settled from its record file, which can change without the index.
    const settled = candidates.every((c) => !c.record);
    if (settled && Number(time / 1_000_000n) < this.now() - SETTLED_INDEX_MS)
      this.quiet.set(kind, { time, highest });
    else this.quiet.delete(kind);
    return candidates.filter((c) => c.rev > since);
  }
}
