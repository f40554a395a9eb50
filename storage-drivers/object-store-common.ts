/**
 * What the object-store drivers (S3 and file) share, as sql-common.ts is for the SQL drivers. Both
 * keep one JSON text per record and can only list names, so they share how a text becomes a
 * record, the one form every copy is written in, how a batch is split per record, and how pages of
 * `list` and `changes` are built from listings whose records are read a few at a time.
 */
import type { Page, StoredRecord } from './types.ts';
import { keyOf, mapConcurrently, recordProblem } from './utils.ts';

/** Backend calls in flight per driver call: these backends are many small requests, latency dominates. */
export const WRITE_CONCURRENCY = 16;
export const READ_CONCURRENCY = 32;

/** Only the contract's fields, in one order: extra fields never travel, and equal records are equal texts. */
export const canonical = (r: StoredRecord): StoredRecord => ({
  kind: r.kind,
  id: r.id,
  rev: r.rev,
  deleted: r.deleted,
  body: r.body,
});

/** The text a record is stored as. */
export const recordText = (record: StoredRecord): string => JSON.stringify(canonical(record));

export type Decoded =
  { record: StoredRecord; problem?: undefined } | { record?: undefined; problem: string };

/**
 * The record in a stored text, or why it is not one. `belongsHere` says whether a record may sit
 * where the text was found (a copied or renamed object must not pass for another record); `elsewhere`
 * completes the problem when it may not ("under another key", "in another file").
 */
export function decodeRecordText(
  text: string,
  belongsHere: (record: StoredRecord) => boolean,
  elsewhere: string,
): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON: ${(error as Error).message}` };
  }
  const problem = recordProblem(value);
  if (problem) return { problem };
  const record = value as StoredRecord;
  if (!belongsHere(record))
    return {
      problem: `holds ${record.kind}/${JSON.stringify(record.id)}, which belongs ${elsewhere}`,
    };
  return { record: canonical(record) };
}

/** The positions in a batch of the records of one (kind, id). */
export interface PutGroup {
  kind: string;
  id: string;
  indexes: number[];
}

/**
 * A batch split per record, in order of first appearance. A put applies the records of one group one
 * after another in batch order (so a repeated id is judged against its earlier copies) and different
 * groups independently.
 */
export function groupPuts(records: readonly StoredRecord[]): PutGroup[] {
  const groups = new Map<string, PutGroup>();
  records.forEach((record, index) => {
    const key = keyOf(record.kind, record.id);
    const group = groups.get(key);
    if (group) group.indexes.push(index);
    else groups.set(key, { kind: record.kind, id: record.id, indexes: [index] });
  });
  return [...groups.values()];
}

/**
 * The record of a group that ends up stored when its copies are applied in batch order over the
 * stored rev (`''` for none), or undefined when none is newer; sets `applied` for each copy that was.
 */
export function newestOfGroup(
  records: readonly StoredRecord[],
  group: PutGroup,
  storedRev: string,
  applied: boolean[],
): StoredRecord | undefined {
  let newest = storedRev;
  let winner: StoredRecord | undefined;
  for (const index of group.indexes) {
    if (records[index]!.rev <= newest) continue;
    applied[index] = true;
    newest = records[index]!.rev;
    winner = records[index]!;
  }
  return winner;
}

/** Listed items with their records, in listing order, read in batches of `batchSize()` items, READ_CONCURRENCY at a time. */
async function* withRecords<T>(
  listed: AsyncIterable<T> | Iterable<T>,
  read: (item: T) => Promise<StoredRecord | null>,
  batchSize: () => number,
): AsyncGenerator<[T, StoredRecord | null]> {
  let batch: T[] = [];
  const flush = async () => {
    const records = await mapConcurrently(batch, READ_CONCURRENCY, read);
    const pairs = batch.map((item, i): [T, StoredRecord | null] => [item, records[i]!]);
    batch = [];
    return pairs;
  };
  for await (const item of listed) {
    batch.push(item);
    if (batch.length >= batchSize()) yield* await flush();
  }
  if (batch.length > 0) yield* await flush();
}

/** How many items to read ahead: `wanted` is what the page can still take, plus one to learn whether more follow. */
export type ReadAhead = (wanted: number) => number;

/**
 * One page of `list` from record names in id order. The cursor is the last id returned, and is
 * given whenever a listed name is left over, even one that turns out to be a tombstone.
 */
export async function listPage<T>(
  listed: AsyncIterable<T> | Iterable<T>,
  read: (item: T) => Promise<StoredRecord | null>,
  options: { limit: number; includeDeleted: boolean; readAhead: ReadAhead },
): Promise<Page<StoredRecord>> {
  const items: StoredRecord[] = [];
  for await (const [, record] of withRecords(listed, read, () =>
    options.readAhead(options.limit - items.length + 1),
  )) {
    if (items.length >= options.limit) return { items, cursor: items[items.length - 1]!.id };
    if (record && (options.includeDeleted || !record.deleted)) items.push(record);
  }
  return { items };
}

/**
 * One page of `changes` from index entries in rev order. The cursor is a rev, so a page never ends
 * inside a run of equal revs: the next page starts strictly above it and would skip the rest. An
 * entry whose record is no longer at its rev (superseded, a write in flight, a failed write) is left
 * out; a record rewritten since shows up again, later, under its new rev.
 */
export async function changesPage<T extends { rev: string }>(
  entries: AsyncIterable<T> | Iterable<T>,
  read: (entry: T) => Promise<StoredRecord | null>,
  options: { limit: number; readAhead: ReadAhead },
): Promise<Page<StoredRecord>> {
  const items: StoredRecord[] = [];
  for await (const [entry, record] of withRecords(entries, read, () =>
    options.readAhead(options.limit - items.length + 1),
  )) {
    if (items.length >= options.limit && entry.rev !== items[items.length - 1]!.rev)
      return { items, cursor: items[items.length - 1]!.rev };
    if (record && record.rev === entry.rev) items.push(record);
  }
  return { items };
}
