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
