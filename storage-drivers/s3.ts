/**
 * S3 target (AWS S3, Cloudflare R2, MinIO, s3rver, ...): one object per record, plus an index of
 * empty objects keyed by rev. See s3-keys.ts for the layout and s3-uri.ts for the URI.
 *
 * Why an index: S3 cannot query by rev, and listing record keys gives ids without revs. Every write
 * also creates `.revs/<rev>-<kind>-<id>`, so `changes` is one listing from `.revs/<sinceRev>` on,
 * and `digest` derives (kind, id, rev) from one listing of key names without reading any record.
 * Record bodies this instance wrote or read are kept (s3-cache.ts) and reused while the ETag a
 * listing reports still matches, so `list` and `changes` mostly cost listings.
 *
 * Write order, which every reader relies on: (1) HEAD the record for its rev and ETag, (2) create
 * the new index entry, (3) write the record, (4) delete the old entry. So the current rev of a
 * record always has an entry; an entry whose record is missing or at another rev is a write in
 * flight, lost to a conflict, or left by a crash, and readers skip it. `digest` trusts a record
 * with exactly one entry and asks HEAD (rev in user metadata) about the rare others.
 *
 * Lost updates: where the server honours conditional writes (S3 since 2024, R2, MinIO), step 3 is
 * `If-Match: <ETag from step 1>` or `If-None-Match: *`, and a conflict restarts from step 1, so two
 * writers cannot lose each other's rev. A server that ignores them (s3rver) is detected once, by a
 * probe, and then step 3 is a plain PUT: two writers of one record within the same few milliseconds
 * can leave the lower rev in place. The digest then differs from the other targets, and the
 * anti-entropy sync writes the higher rev again. putIfAbsent stays atomic there too (s3-claim.ts).
 * Purging a tombstone is HEAD then DELETE, unconditionally: a write landing in between is deleted
 * with it and restored by the sync in the same way.
 */
import { StorageError, type DriverModule, type DriverOptions, type StorageDriver, type StoredRecord } from './types.ts';
import { assertRecord, clampLimit, digestRows, mapConcurrently, recordProblem } from './utils.ts';
import { ObjectCache } from './s3-cache.ts';
import { S3Calls, type PutCondition } from './s3-client.ts';
import { withClaim } from './s3-claim.ts';
import { KeyLayout, MAX_KEY_BYTES, keyBytes, type ParsedKey } from './s3-keys.ts';
import { checkS3Uri, parseS3Uri } from './s3-uri.ts';

const WRITE_CONCURRENCY = 16;
const READ_CONCURRENCY = 32;
/**
 * A batch with this many records of one kind lists that kind's keys first, so records that do not
 * exist yet (the bulk of a sync into an empty target) skip their HEAD; one listing page is worth it
 * when it saves ten HEADs. With conditional writes a record created meanwhile still stops the PUT
 * (If-None-Match); without them, the lost-update window described above widens to the batch.
 */
const PREFETCH_MIN_RECORDS = 20;
const HEADS_PER_LISTING_PAGE = 10;
/** A write that keeps meeting newer conditional writes gives up after this many rounds. */
const MAX_CONFLICT_ROUNDS = 20;
/** Index entries this old that disagree with their record are leftovers, never writes in flight. */
const LEFTOVER_AGE_MS = 10 * 60_000;
/** Matches an ETag no object has, to see whether the server checks If-Match at all. */
const IMPOSSIBLE_ETAG = '"00000000000000000000000000000000"';
const REV = /^[0-9a-f]{12}-[0-9a-f]{6}-[a-z0-9]{1,32}$/;
const KIND = /^[a-z0-9_]{1,64}$/;

interface ConditionalSupport {
  ifMatch: boolean;
  ifNoneMatch: boolean;
}

/** What a HEAD tells about the stored record; `rev` is null for an object that is not a valid record. */
interface RecordState {
  etag: string | undefined;
  rev: string | null;
  deleted: boolean;
}

type IndexEntry = Extract<ParsedKey, { type: 'index' }> & { key: string; lastModified: Date | undefined };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const canonical = (r: StoredRecord): StoredRecord => ({ kind: r.kind, id: r.id, rev: r.rev, deleted: r.deleted, body: r.body });
const isLeftover = (entry: { lastModified: Date | undefined }) => entry.lastModified !== undefined && entry.lastModified.getTime() < Date.now() - LEFTOVER_AGE_MS;

export function createS3Driver(uri: URL, options: DriverOptions = {}): StorageDriver {
  const target = parseS3Uri(uri, options);
  const keys = new KeyLayout(target.prefix);
  const calls = new S3Calls(target);
  const cache = new ObjectCache();
  let closed = false;
  let support: Promise<ConditionalSupport> | undefined;

  const open = () => {
    if (closed) throw new StorageError('s3', 'CLOSED', `driver for ${target.location} is closed`);
  };
  const report = (key: string, error: string) => options.onBadRecord?.({ location: `s3://${target.bucket}/${key}`, error });
  const deleteQuietly = (key: string) => calls.delete(key).catch(() => undefined);

  /** The record in an object's text, or null (reported) when the text is not that record. */
  function parseRecord(key: string, text: string, kind: string, id: string): StoredRecord | null {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      report(key, `not JSON: ${(error as Error).message}`);
      return null;
    }
    const problem = recordProblem(value);
    if (problem) {
      report(key, problem);
      return null;
    }
    const record = value as StoredRecord;
    if (record.kind !== kind || record.id !== id) {
      report(key, `holds ${record.kind}/${JSON.stringify(record.id)}, which belongs under another key`);
      return null;
    }
    return canonical(record);
  }

  async function readRecord(kind: string, id: string): Promise<StoredRecord | null> {
    const key = keys.recordKey(kind, id);
    const object = await calls.getText(key);
    if (!object) {
      cache.forget(key);
      return null;
    }
    const record = parseRecord(key, object.text, kind, id);
    if (record) cache.remember(key, { etag: object.etag, rev: record.rev, text: object.text });
    else cache.forget(key);
    return record;
  }

  /** A listed record object: from the cache when its ETag still matches, otherwise read. */
  function readListed(listed: { kind: string; id: string; etag: string | undefined }): Promise<StoredRecord | null> {
    const key = keys.recordKey(listed.kind, listed.id);
    const text = cache.withEtag(key, listed.etag);
    return text !== undefined ? Promise.resolve(parseRecord(key, text, listed.kind, listed.id)) : readRecord(listed.kind, listed.id);
  }

  /** The record an index entry names, at that entry's rev if the cache has it, otherwise as stored now. */
  function readEntry(entry: IndexEntry): Promise<StoredRecord | null> {
    const key = keys.recordKey(entry.kind, entry.id);
    const text = cache.withRev(key, entry.rev);
    return text !== undefined ? Promise.resolve(parseRecord(key, text, entry.kind, entry.id)) : readRecord(entry.kind, entry.id);
  }

  async function stateOf(kind: string, id: string): Promise<RecordState | null> {
    const head = await calls.head(keys.recordKey(kind, id));
    if (!head) return null;
    const rev = head.metadata.rev;
    if (rev !== undefined && REV.test(rev)) return { etag: head.etag, rev, deleted: head.metadata.deleted === 'true' };
    // No rev in the metadata: written by another tool (or copied without metadata); the body decides.
    const record = await readRecord(kind, id);
    return { etag: head.etag, rev: record?.rev ?? null, deleted: record?.deleted ?? false };
  }

  async function probeConditionalWrites(): Promise<ConditionalSupport> {
    if (target.conditionalWrites !== 'auto') return { ifMatch: target.conditionalWrites, ifNoneMatch: target.conditionalWrites };
    const key = keys.probeKey();
    await calls.put(key, '', {}, undefined);
    try {
      // Only a refused write proves support: a server that ignores the header answers 200.
      const ifNoneMatch = !(await calls.put(key, '', {}, { ifNoneMatch: '*' })).written;
      const ifMatch = !(await calls.put(key, '', {}, { ifMatch: IMPOSSIBLE_ETAG })).written;
      return { ifMatch, ifNoneMatch };
    } finally {
      await deleteQuietly(key);
    }
  }

  /** Probed once per driver, before the first write; a failed probe is tried again next time. */
  function conditionalSupport(): Promise<ConditionalSupport> {
    support ??= probeConditionalWrites().catch((error: unknown) => {
      support = undefined;
      throw error;
    });
    return support;
  }

  function checkKeyLength(record: StoredRecord): void {
    // The tombstone variant is the longest key a record ever needs: refuse early rather than at delete time.
    const longest = keys.indexKey(record.rev, record.kind, record.id, true);
    if (keyBytes(longest) > MAX_KEY_BYTES) {
      throw new StorageError('s3', 'INVALID_RECORD', `id ${JSON.stringify(record.id.slice(0, 40))}… is too long for an S3 key under ${JSON.stringify(target.prefix)} (${keyBytes(longest)} > ${MAX_KEY_BYTES} bytes)`);
    }
  }

  async function writeRecord(record: StoredRecord, condition: PutCondition): Promise<boolean> {
    const key = keys.recordKey(record.kind, record.id);
    const text = JSON.stringify(canonical(record));
    const outcome = await calls.put(key, text, { rev: record.rev, deleted: String(record.deleted) }, condition);
    if (outcome.written) {
      cache.remember(key, { etag: outcome.etag, rev: record.rev, text });
      return true;
    }
    cache.forget(key);
    if (outcome.reason === 'unsupported') throw new StorageError('s3', 'UNAVAILABLE', `${target.location} refuses conditional writes; set conditional_writes=false`);
    return false;
  }
  const writeEntry = (record: StoredRecord) => calls.put(keys.indexKey(record.rev, record.kind, record.id, record.deleted), '', {}, undefined);

  /** Ids of `kind` stored now, or undefined when listing them would take more than `maxPages` calls. */
  async function storedIds(kind: string, maxPages: number): Promise<Set<string> | undefined> {
    const ids = new Set<string>();
    let listed = 0;
    for await (const { key } of calls.list(keys.recordsPrefix(kind))) {
      if (++listed > maxPages * 1000) return undefined;
      const parsed = keys.parse(key);
      if (parsed.type === 'record') ids.add(parsed.id);
    }
    return ids;
  }

  /** `knownAbsent`: a listing moments ago did not have the record, so the first HEAD is skipped. */
  async function applyIfNewer(record: StoredRecord, knownAbsent: boolean): Promise<boolean> {
    const { ifMatch, ifNoneMatch } = await conditionalSupport();
    let entryWritten = false;
    for (let round = 0; ; round++) {
      const current = round === 0 && knownAbsent ? null : await stateOf(record.kind, record.id);
      if (current?.rev && current.rev >= record.rev) {
        // Safe to drop: nobody can still write this rev over a newer one (their condition fails).
        if (entryWritten && current.rev > record.rev) await deleteQuietly(keys.indexKey(record.rev, record.kind, record.id, record.deleted));
        return false;
      }
      if (!entryWritten) {
        await writeEntry(record);
        entryWritten = true;
      }
      const condition = current ? (ifMatch && current.etag ? { ifMatch: current.etag } : undefined) : ifNoneMatch ? { ifNoneMatch: '*' as const } : undefined;
      if (await writeRecord(record, condition)) {
        if (current?.rev && current.rev !== record.rev) await deleteQuietly(keys.indexKey(current.rev, record.kind, record.id, current.deleted));
        return true;
      }
      if (round >= MAX_CONFLICT_ROUNDS) throw new StorageError('s3', 'UNAVAILABLE', `gave up writing ${record.kind}/${record.id} after ${round + 1} conflicting writes`);
      await sleep(Math.random() * Math.min(200, 5 * 2 ** round));
    }
  }

  async function createIfAbsent(record: StoredRecord, ifNoneMatch: boolean): Promise<boolean> {
    if (await stateOf(record.kind, record.id)) return false;
    await writeEntry(record);
    if (await writeRecord(record, ifNoneMatch ? { ifNoneMatch: '*' } : undefined)) return true;
    const winner = await stateOf(record.kind, record.id);
    if (winner?.rev && winner.rev > record.rev) await deleteQuietly(keys.indexKey(record.rev, record.kind, record.id, record.deleted));
    return false;
  }

  /** Listed items with their records, in listing order, read `READ_CONCURRENCY` at a time. */
  async function* withRecords<T>(listed: AsyncIterable<T>, read: (item: T) => Promise<StoredRecord | null>, batchSize: () => number): AsyncGenerator<[T, StoredRecord | null]> {
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

  async function* indexEntries(startAfter?: string): AsyncGenerator<IndexEntry> {
    for await (const { key, lastModified } of calls.list(keys.indexPrefix(), startAfter)) {
      const parsed = keys.parse(key);
      if (parsed.type === 'index') yield { ...parsed, key, lastModified };
      else report(key, 'not an index entry of this driver');
    }
  }

  async function* recordKeys(kind: string, startAfter?: string): AsyncGenerator<{ kind: string; id: string; etag: string | undefined }> {
    for await (const { key, etag } of calls.list(keys.recordsPrefix(kind), startAfter)) {
      const parsed = keys.parse(key);
      if (parsed.type === 'record' && parsed.kind === kind) yield { kind, id: parsed.id, etag };
      else report(key, 'not a record key of this driver');
    }
  }

  return {
    name: 's3',
    location: target.location,

    async init() {
      open();
      try {
        await calls.headBucket();
      } catch (error) {
        if (!(error instanceof StorageError && error.code === 'NOT_FOUND' && target.createBucket)) throw error;
        // Another instance may create it at the same moment; what matters is that it exists after.
        await calls.createBucket().catch(async (createError: unknown) => {
          await calls.headBucket().catch(() => Promise.reject(createError));
        });
      }
    },

    async put(records) {
      open();
      records.forEach((record) => {
        assertRecord('s3', record);
        checkKeyLength(record);
      });
      // Records of one (kind, id) go one after another, in batch order; different ones in parallel.
      const groups = new Map<string, number[]>();
      records.forEach((record, index) => {
        const key = `${record.kind}\u0000${record.id}`;
        groups.set(key, [...(groups.get(key) ?? []), index]);
      });
      const absent = new Map<string, Set<string>>();
      for (const kind of new Set(records.map((record) => record.kind))) {
        const count = records.filter((record) => record.kind === kind).length;
        if (count < PREFETCH_MIN_RECORDS) continue;
        const stored = await storedIds(kind, Math.floor(count / HEADS_PER_LISTING_PAGE));
        if (stored) absent.set(kind, new Set(records.filter((r) => r.kind === kind && !stored.has(r.id)).map((r) => r.id)));
      }
      const applied = new Array<boolean>(records.length).fill(false);
      await mapConcurrently([...groups.values()], WRITE_CONCURRENCY, async (indexes) => {
        for (const [position, index] of indexes.entries()) {
          const record = records[index]!;
          applied[index] = await applyIfNewer(record, position === 0 && (absent.get(record.kind)?.has(record.id) ?? false));
        }
      });
      return applied;
    },

    async get(kind, id) {
      open();
      if (!KIND.test(kind) || keyBytes(keys.recordKey(kind, id)) > MAX_KEY_BYTES) return null;
      return readRecord(kind, id);
    },

    async list(kind, listOptions = {}) {
      open();
      if (!KIND.test(kind)) return { items: [] };
      const limit = clampLimit(listOptions.limit);
      const startAfter = listOptions.cursor !== undefined ? keys.recordKey(kind, listOptions.cursor) : undefined;
      const items: StoredRecord[] = [];
      let more = false;
      for await (const [, record] of withRecords(recordKeys(kind, startAfter), readListed, () => Math.min(READ_CONCURRENCY * 2, limit - items.length + 1))) {
        if (items.length >= limit) {
          more = true;
          break;
        }
        if (record && (listOptions.includeDeleted || !record.deleted)) items.push(record);
      }
      return more ? { items, cursor: items[items.length - 1]!.id } : { items };
    },

    async changes(changeOptions = {}) {
      open();
      const limit = clampLimit(changeOptions.limit);
      const startAfter = changeOptions.sinceRev ? keys.indexStartAfter(changeOptions.sinceRev) : undefined;
      const items: StoredRecord[] = [];
      let more = false;
      for await (const [entry, record] of withRecords(indexEntries(startAfter), readEntry, () => Math.min(READ_CONCURRENCY * 2, limit - items.length + 1))) {
        // A page never ends inside a group of equal revs: the next page starts strictly above it.
        if (items.length >= limit && entry.rev !== items[items.length - 1]!.rev) {
          more = true;
          break;
        }
        // Entries of superseded revs, of writes in flight and of failed writes have no record at their rev.
        if (record && record.rev === entry.rev) items.push(record);
      }
      return more ? { items, cursor: items[items.length - 1]!.rev } : { items };
    },

    async digest() {
      open();
      const entries = new Map<string, IndexEntry[]>();
      const stored = new Map<string, { kind: string; id: string }>();
      for await (const { key, lastModified } of calls.list(keys.root)) {
        const parsed = keys.parse(key);
        if (parsed.type === 'index') {
          const at = `${parsed.kind}\u0000${parsed.id}`;
          entries.set(at, [...(entries.get(at) ?? []), { ...parsed, key, lastModified }]);
        } else if (parsed.type === 'record') {
          stored.set(`${parsed.kind}\u0000${parsed.id}`, parsed);
        } else if (parsed.type === 'foreign') {
          report(key, 'not a key this driver writes');
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
        const state = await stateOf(kind, id);
        if (!state) return;
        if (!state.rev) {
          report(keys.recordKey(kind, id), 'not a valid record');
          return;
        }
        rows.push({ kind, id, rev: state.rev });
        // Best effort: a reader with read-only credentials still gets its digest.
        if (!found.some((entry) => entry.rev === state.rev)) await writeEntry({ kind, id, rev: state.rev, deleted: state.deleted, body: null }).catch(() => undefined);
        for (const entry of found) if (entry.rev !== state.rev && isLeftover(entry)) await deleteQuietly(entry.key);
      });
      return digestRows(rows);
    },

    async putIfAbsent(record) {
      open();
      assertRecord('s3', record);
      checkKeyLength(record);
      const { ifNoneMatch } = await conditionalSupport();
      if (ifNoneMatch) return createIfAbsent(record, true);
      // Claiming costs three requests; a record that is already there needs none of them.
      if (await stateOf(record.kind, record.id)) return false;
      return withClaim(calls, keys.claimsPrefix(record.kind, record.id), target.timeoutMs, () => createIfAbsent(record, false));
    },

    async purgeTombstones(beforeRev) {
      open();
      const bound = keys.indexUpperBound(beforeRev);
      const candidates: IndexEntry[] = [];
      for await (const entry of indexEntries()) {
        if (entry.key >= bound) break;
        if (entry.deleted) candidates.push(entry);
      }
      const purged = await mapConcurrently(candidates, WRITE_CONCURRENCY, async (entry) => {
        const state = await stateOf(entry.kind, entry.id);
        if (state?.rev !== entry.rev || !state.deleted) {
          const superseded = state?.rev ? state.rev > entry.rev : isLeftover(entry);
          if (superseded) await deleteQuietly(entry.key);
          return false;
        }
        // Record first, entry second: an entry without its record is skipped by every reader.
        const key = keys.recordKey(entry.kind, entry.id);
        cache.forget(key);
        await calls.delete(key);
        await deleteQuietly(entry.key);
        return true;
      });
      return purged.filter(Boolean).length;
    },

    async ping() {
      open();
      await calls.headBucket();
    },

    async close() {
      if (closed) return;
      closed = true;
      calls.destroy();
    },
  };
}

export default {
  schemes: ['s3'],
  runtimes: ['node', 'workerd'],
  checkUri: checkS3Uri,
  create: (uri, options) => createS3Driver(uri, options),
} satisfies DriverModule;
