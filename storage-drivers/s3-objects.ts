/**
 * The S3 driver's view of its bucket: record objects and index entries read, written and listed
 * under one prefix, with the bodies it has seen kept in the cache (s3-cache.ts). Everything here is
 * one request (or one listing) per step; the order of steps that makes a write safe is in
 * s3-conditional.ts, and the upkeep of the index in s3-index.ts.
 */
import { StorageError, type DriverOptions, type StoredRecord } from './types.ts';
import { REV_PATTERN } from './utils.ts';
import { decodeRecordText, recordText } from './object-store-common.ts';
import { ObjectCache } from './s3-cache.ts';
import { S3Calls, type PutCondition } from './s3-client.ts';
import { KeyLayout, MAX_KEY_BYTES, keyBytes, type ParsedKey } from './s3-keys.ts';
import type { S3Target } from './s3-uri.ts';

/** What a HEAD tells about the stored record; `rev` is null for an object that is not a valid record. */
export interface RecordState {
  etag: string | undefined;
  rev: string | null;
  deleted: boolean;
}

export type IndexEntry = Extract<ParsedKey, { type: 'index' }> & {
  key: string;
  lastModified: Date | undefined;
};

export interface ListedRecord {
  kind: string;
  id: string;
  etag: string | undefined;
}

export class S3Objects {
  readonly keys: KeyLayout;
  readonly calls: S3Calls;
  private readonly cache = new ObjectCache();

  constructor(
    readonly target: S3Target,
    private readonly options: DriverOptions,
  ) {
    this.keys = new KeyLayout(target.prefix);
    this.calls = new S3Calls(target);
  }

  report(key: string, error: string): void {
    this.options.onBadRecord?.({ location: `s3://${this.target.bucket}/${key}`, error });
  }

  /** For objects whose removal is tidying up: a failure leaves a leftover that readers skip. */
  deleteQuietly(key: string): Promise<void> {
    return this.calls.delete(key).catch(() => undefined);
  }

  forget(key: string): void {
    this.cache.forget(key);
  }

  /** The record in an object's text, or null (reported) when the text is not that record. */
  private parseRecord(key: string, text: string, kind: string, id: string): StoredRecord | null {
    const { record, problem } = decodeRecordText(
      text,
      (r) => r.kind === kind && r.id === id,
      'under another key',
    );
    if (problem !== undefined) this.report(key, problem);
    return record ?? null;
  }

  async readRecord(kind: string, id: string): Promise<StoredRecord | null> {
    const key = this.keys.recordKey(kind, id);
    const object = await this.calls.getText(key);
    if (!object) {
      this.cache.forget(key);
      return null;
    }
    const record = this.parseRecord(key, object.text, kind, id);
    if (record) this.cache.remember(key, { etag: object.etag, rev: record.rev, text: object.text });
    else this.cache.forget(key);
    return record;
  }

  /** A listed record object: from the cache when its ETag still matches, otherwise read. */
  readListed(listed: ListedRecord): Promise<StoredRecord | null> {
    const key = this.keys.recordKey(listed.kind, listed.id);
    const text = this.cache.withEtag(key, listed.etag);
    return text !== undefined
      ? Promise.resolve(this.parseRecord(key, text, listed.kind, listed.id))
      : this.readRecord(listed.kind, listed.id);
  }

  /** The record an index entry names, at that entry's rev if the cache has it, otherwise as stored now. */
  readEntry(entry: IndexEntry): Promise<StoredRecord | null> {
    const key = this.keys.recordKey(entry.kind, entry.id);
    const text = this.cache.withRev(key, entry.rev);
    return text !== undefined
      ? Promise.resolve(this.parseRecord(key, text, entry.kind, entry.id))
      : this.readRecord(entry.kind, entry.id);
  }

  async stateOf(kind: string, id: string): Promise<RecordState | null> {
    const head = await this.calls.head(this.keys.recordKey(kind, id));
    if (!head) return null;
    const rev = head.metadata.rev;
    if (rev !== undefined && REV_PATTERN.test(rev))
      return { etag: head.etag, rev, deleted: head.metadata.deleted === 'true' };
    // No rev in the metadata: written by another tool (or copied without metadata); the body decides.
    const record = await this.readRecord(kind, id);
    return { etag: head.etag, rev: record?.rev ?? null, deleted: record?.deleted ?? false };
  }

  /** True when the record was written; false when its condition failed. */
  async writeRecord(record: StoredRecord, condition: PutCondition): Promise<boolean> {
    const key = this.keys.recordKey(record.kind, record.id);
    const text = recordText(record);
    const outcome = await this.calls.put(
      key,
      text,
      { rev: record.rev, deleted: String(record.deleted) },
      condition,
    );
    if (outcome.written) {
      this.cache.remember(key, { etag: outcome.etag, rev: record.rev, text });
      return true;
    }
    this.cache.forget(key);
    if (outcome.reason === 'unsupported')
      throw new StorageError(
        's3',
        'UNAVAILABLE',
        `${this.target.location} refuses conditional writes; set conditional_writes=false`,
      );
    return false;
  }

  async writeEntry(record: {
    kind: string;
    id: string;
    rev: string;
    deleted: boolean;
  }): Promise<void> {
    await this.calls.put(
      this.keys.indexKey(record.rev, record.kind, record.id, record.deleted),
      '',
      {},
      undefined,
    );
  }

  deleteEntry(record: { kind: string; id: string; rev: string; deleted: boolean }): Promise<void> {
    return this.deleteQuietly(
      this.keys.indexKey(record.rev, record.kind, record.id, record.deleted),
    );
  }

  checkKeyLength(record: StoredRecord): void {
    // The tombstone variant is the longest key a record ever needs: refuse early rather than at delete time.
    const longest = this.keys.indexKey(record.rev, record.kind, record.id, true);
    if (keyBytes(longest) > MAX_KEY_BYTES) {
      throw new StorageError(
        's3',
        'INVALID_RECORD',
        `id ${JSON.stringify(record.id.slice(0, 40))}… is too long for an S3 key under ${JSON.stringify(this.target.prefix)} (${keyBytes(longest)} > ${MAX_KEY_BYTES} bytes)`,
      );
    }
  }

  /** Whether (kind, id) could name an object at all; a get of one that cannot is simply absent. */
  canHold(kind: string, id: string): boolean {
    return keyBytes(this.keys.recordKey(kind, id)) <= MAX_KEY_BYTES;
  }

  async *indexEntries(startAfter?: string): AsyncGenerator<IndexEntry> {
    for await (const { key, lastModified } of this.calls.list(
      this.keys.indexPrefix(),
      startAfter,
    )) {
      const parsed = this.keys.parse(key);
      if (parsed.type === 'index') yield { ...parsed, key, lastModified };
      else this.report(key, 'not an index entry of this driver');
    }
  }

  async *recordKeys(kind: string, startAfter?: string): AsyncGenerator<ListedRecord> {
    for await (const { key, etag } of this.calls.list(this.keys.recordsPrefix(kind), startAfter)) {
      const parsed = this.keys.parse(key);
      if (parsed.type === 'record' && parsed.kind === kind) yield { kind, id: parsed.id, etag };
      else this.report(key, 'not a record key of this driver');
    }
  }

  /**
   * Ids of `kind` between `first` and `last` (inclusive) stored now, or undefined when more than
   * `maxKeys` keys lie in that range. Key order is id order, so the listing starts at `first` and
   * stops past `last`: a batch whose ids are close together (a sync's, read in id order from
   * another target) costs one listing call however many records the kind holds.
   */
  async storedIdsBetween(
    kind: string,
    first: string,
    last: string,
    maxKeys: number,
  ): Promise<Set<string> | undefined> {
    const ids = new Set<string>();
    const lastKey = this.keys.recordKey(kind, last);
    // One character short of the first key sorts just below it, and above every key below it.
    const startAfter = this.keys.recordKey(kind, first).slice(0, -1);
    let listed = 0;
    for await (const { key } of this.calls.list(this.keys.recordsPrefix(kind), startAfter)) {
      if (key > lastKey) break;
      if (++listed > maxKeys) return undefined;
      const parsed = this.keys.parse(key);
      if (parsed.type === 'record') ids.add(parsed.id);
    }
    return ids;
  }
}
