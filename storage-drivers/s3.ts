/**
 * S3 target (AWS S3, Cloudflare R2, MinIO, s3rver, ...): one object per record, plus an index of
 * empty objects keyed by rev. See s3-keys.ts for the layout and s3-uri.ts for the URI.
 *
 * Why an index: S3 cannot query by rev, and listing record keys gives ids without revs. Every write
 * also creates `.revs/<rev>-<kind>-<id>`, so `changes` is one listing from `.revs/<sinceRev>` on,
 * and `digest` derives (kind, id, rev) from one listing of key names without reading any record
 * (s3-index.ts). Record bodies this instance wrote or read are kept (s3-cache.ts) and reused while
 * the ETag a listing reports still matches, so `list` and `changes` mostly cost listings.
 *
 * The order of the requests of one write, and how conditional writes keep two writers from losing
 * each other's rev, are in s3-conditional.ts; the claim fallback of putIfAbsent in s3-claim.ts.
 */
import {
  StorageError,
  type DriverModule,
  type DriverOptions,
  type StorageDriver,
  type StoredRecord,
} from './types.ts';
import { KIND_PATTERN, assertRecord, clampLimit, mapConcurrently } from './utils.ts';
import {
  READ_CONCURRENCY,
  WRITE_CONCURRENCY,
  changesPage,
  groupPuts,
  listPage,
} from './object-store-common.ts';
import { ConditionalWriter } from './s3-conditional.ts';
import { digestIndex, purgeTombstones } from './s3-index.ts';
import { S3Objects } from './s3-objects.ts';
import { parseS3Uri, s3Descriptor } from './s3-uri.ts';

/**
 * A batch with this many records of one kind lists that kind's keys between its lowest and highest
 * id first, so records that do not exist yet (the bulk of a sync into an empty target) skip their
 * HEAD; one listing page is worth it when it saves ten HEADs. With conditional writes a record
 * created meanwhile still stops the PUT (If-None-Match); without them, the lost-update window of
 * s3-conditional.ts widens to the batch.
 */
const PREFETCH_MIN_RECORDS = 20;
const HEADS_PER_LISTED_KEY_PAGE = 10;

/** Listing pages hold 1000 keys: read ahead no more than the page still wants, and at most two rounds of reads. */
const readAhead = (wanted: number) => Math.min(READ_CONCURRENCY * 2, wanted);

/** Ids per kind that a listing just now did not have, for kinds with enough records in the batch to be worth one. */
async function knownAbsent(
  objects: S3Objects,
  records: readonly StoredRecord[],
): Promise<Map<string, Set<string>>> {
  const absent = new Map<string, Set<string>>();
  for (const kind of new Set(records.map((record) => record.kind))) {
    const ids = records.filter((record) => record.kind === kind).map((record) => record.id);
    if (ids.length < PREFETCH_MIN_RECORDS) continue;
    let first = ids[0]!;
    let last = first;
    for (const id of ids) {
      if (id < first) first = id;
      if (id > last) last = id;
    }
    const pages = Math.floor(ids.length / HEADS_PER_LISTED_KEY_PAGE);
    const stored = await objects.storedIdsBetween(kind, first, last, pages * 1000);
    if (stored) absent.set(kind, new Set(ids.filter((id) => !stored.has(id))));
  }
  return absent;
}

async function putBatch(
  objects: S3Objects,
  writer: ConditionalWriter,
  records: StoredRecord[],
): Promise<boolean[]> {
  records.forEach((record) => {
    assertRecord('s3', record);
    objects.checkKeyLength(record);
  });
  const absent = await knownAbsent(objects, records);
  const applied = new Array<boolean>(records.length).fill(false);
  await mapConcurrently(groupPuts(records), WRITE_CONCURRENCY, async ({ kind, id, indexes }) => {
    for (const [position, index] of indexes.entries()) {
      applied[index] = await writer.applyIfNewer(
        records[index]!,
        position === 0 && (absent.get(kind)?.has(id) ?? false),
      );
    }
  });
  return applied;
}

async function initBucket(objects: S3Objects): Promise<void> {
  const { calls, target } = objects;
  try {
    await calls.headBucket();
  } catch (error) {
    if (!(error instanceof StorageError && error.code === 'NOT_FOUND' && target.createBucket))
      throw error;
    // Another instance may create it at the same moment; what matters is that it exists after.
    await calls.createBucket().catch(async (createError: unknown) => {
      await calls.headBucket().catch(() => Promise.reject(createError));
    });
  }
}

export function createS3Driver(uri: URL, options: DriverOptions = {}): StorageDriver {
  const objects = new S3Objects(parseS3Uri(uri, options), options);
  const writer = new ConditionalWriter(objects);
  const { keys, target } = objects;
  let closed = false;

  const open = () => {
    if (closed) throw new StorageError('s3', 'CLOSED', `driver for ${target.location} is closed`);
  };

  return {
    name: 's3',
    location: target.location,

    async init() {
      open();
      await initBucket(objects);
    },

    async put(records) {
      open();
      return putBatch(objects, writer, records);
    },

    async get(kind, id) {
      open();
      if (!KIND_PATTERN.test(kind) || !objects.canHold(kind, id)) return null;
      return objects.readRecord(kind, id);
    },

    async list(kind, listOptions = {}) {
      open();
      if (!KIND_PATTERN.test(kind)) return { items: [] };
      const startAfter =
        listOptions.cursor !== undefined ? keys.recordKey(kind, listOptions.cursor) : undefined;
      return listPage(
        objects.recordKeys(kind, startAfter),
        (listed) => objects.readListed(listed),
        {
          limit: clampLimit(listOptions.limit),
          includeDeleted: listOptions.includeDeleted === true,
          readAhead,
        },
      );
    },

    async changes(changeOptions = {}) {
      open();
      const startAfter = changeOptions.sinceRev
        ? keys.indexStartAfter(changeOptions.sinceRev)
        : undefined;
      return changesPage(objects.indexEntries(startAfter), (entry) => objects.readEntry(entry), {
        limit: clampLimit(changeOptions.limit),
        readAhead,
      });
    },

    async digest() {
      open();
      return digestIndex(objects);
    },

    async putIfAbsent(record) {
      open();
      assertRecord('s3', record);
      objects.checkKeyLength(record);
      return writer.putIfAbsent(record);
    },

    async purgeTombstones(beforeRev) {
      open();
      return purgeTombstones(objects, beforeRev);
    },

    async ping() {
      open();
      await objects.calls.headBucket();
    },

    async close() {
      if (closed) return;
      closed = true;
      objects.calls.destroy();
    },
  };
}

export default {
  ...s3Descriptor,
  create: (uri, options) => createS3Driver(uri, options),
} satisfies DriverModule;
