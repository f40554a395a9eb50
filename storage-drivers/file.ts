/**
 * Local folder target (Node only): one JSON file per record, a rev index of empty files, and
 * per-record lock files (layout in file-store.ts, URI in file-uri.ts).
 *
 * Every write replaces its file atomically and the folders are synced before put returns; a put
 * stages every record of its batch before it renames any into place, so a put that fails (a full
 * disk) shows none of them (file-write.ts). All under the records' locks, so two processes sharing
 * the folder never lose each other's updates. `digest` and `changes` read the rev index instead of
 * every record, and `changes` skips a kind whose index has not moved since it last listed it; `list` reads the kind's folder and sorts ids in memory (file-scan.ts). Files that
 * are not records (corrupt JSON, foreign names, another record's content) are reported through
 * onBadRecord and skipped; `init` repairs what a crash left (file-repair.ts).
 */
import { access, constants, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  StorageError,
  type DriverModule,
  type DriverOptions,
  type StorageDriver,
} from './types.ts';
import {
  DEFAULT_TIMEOUT_MS,
  KIND_PATTERN,
  assertRecord,
  booleanParameter,
  clampLimit,
  compareText as compare,
  digestRows,
  mapConcurrently,
  queryNumber,
  withTimeout,
} from './utils.ts';
import { READ_CONCURRENCY, changesPage, listPage } from './object-store-common.ts';
import { fileError, makeDirectory } from './file-fs.ts';
import { idOf, nameOf } from './file-names.ts';
import { repair } from './file-repair.ts';
import {
  currentRevs,
  IndexWatch,
  indexedKinds,
  namesWithIds,
  type Candidate,
} from './file-scan.ts';
import { FileStore } from './file-store.ts';
import { checkFileUri, fileDirectory } from './file-uri.ts';
import { applyBatch, createIfAbsent, purgeTombstones } from './file-write.ts';

/** Files are read in fixed slices; a local read costs too little to size them to the page. */
const readAhead = () => READ_CONCURRENCY;

export function createFileDriver(uri: URL, options: DriverOptions = {}): StorageDriver {
  const root = fileDirectory(uri);
  const timeoutMs = queryNumber(uri, 'timeout_ms', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const store = new FileStore(
    root,
    booleanParameter('file', uri, 'fsync') ?? true,
    timeoutMs,
    options,
  );
  const location = pathToFileURL(root).href;
  const watch = new IndexWatch(store);
  let closed = false;

  /**
   * Every public call: refused after close, bounded in time, failures as StorageErrors. When the
   * time is up the signal tells the work still running to start no further record.
   */
  async function guard<T>(
    what: string,
    work: (signal: AbortSignal) => Promise<T>,
    budgetMs = timeoutMs,
  ): Promise<T> {
    if (closed) throw new StorageError('file', 'CLOSED', `driver for ${location} is closed`);
    const controller = new AbortController();
    try {
      return await withTimeout('file', `${what} in ${location}`, budgetMs, work(controller.signal));
    } catch (error) {
      controller.abort();
      throw fileError(`${what} in ${location}`, error);
    }
  }

  const readCandidate = (c: Candidate) =>
    c.record ? Promise.resolve(c.record) : store.readForScan(c.kind, c.name);

  return {
    name: 'file',
    location,

    init: () =>
      guard(
        'init',
        async () => {
          await makeDirectory(root);
          await makeDirectory(store.indexRoot);
          await makeDirectory(join(root, '.locks'));
          await repair(store);
        },
        timeoutMs * 6,
      ),

    put: (records) =>
      guard(
        'put',
        async (signal) => {
          records.forEach((record) => assertRecord('file', record));
          const kinds = new Set(records.map((record) => record.kind));
          for (const kind of kinds) await store.prepareKind(kind);
          const applied = await applyBatch(store, records, signal);
          await store.syncKinds(kinds);
          return applied;
        },
        timeoutMs * Math.max(1, Math.ceil(records.length / 1000)),
      ),

    get: (kind, id) =>
      guard('get', async () =>
        KIND_PATTERN.test(kind) ? store.readRecordFile(kind, nameOf(id)) : null,
      ),

    list: (kind, listOptions = {}) =>
      guard('list', async () => {
        if (!KIND_PATTERN.test(kind)) return { items: [] };
        const { cursor } = listOptions;
        const names = (await namesWithIds(store, kind))
          .filter((entry) => cursor === undefined || entry.id > cursor)
          .sort((a, b) => compare(a.id, b.id));
        return listPage(
          names,
          (entry) =>
            entry.record ? Promise.resolve(entry.record) : store.readForScan(kind, entry.name),
          {
            limit: clampLimit(listOptions.limit),
            includeDeleted: listOptions.includeDeleted === true,
            readAhead,
          },
        );
      }),

    changes: (changeOptions = {}) =>
      guard('changes', async () => {
        const since = changeOptions.sinceRev ?? '';
        const candidates: Candidate[] = [];
        for (const kind of await indexedKinds(store))
          candidates.push(...(await watch.changedSince(kind, since)));
        candidates.sort(
          (a, b) => compare(a.rev, b.rev) || compare(a.kind, b.kind) || compare(a.name, b.name),
        );
        return changesPage(candidates, readCandidate, {
          limit: clampLimit(changeOptions.limit),
          readAhead,
        });
      }),

    digest: () =>
      guard('digest', async () => {
        const rows: Array<{ kind: string; id: string; rev: string }> = [];
        for (const kind of await indexedKinds(store)) {
          const candidates = await currentRevs(store, kind);
          const ids = await mapConcurrently(
            candidates,
            READ_CONCURRENCY,
            async (c) =>
              c.record?.id ?? idOf(c.name) ?? (await store.readForScan(kind, c.name))?.id,
          );
          candidates.forEach((c, i) => {
            const id = ids[i];
            if (id !== undefined) rows.push({ kind, id, rev: c.rev });
          });
        }
        return digestRows(rows);
      }),

    putIfAbsent: (record) =>
      guard('putIfAbsent', async (signal) => {
        assertRecord('file', record);
        await store.prepareKind(record.kind);
        const created = await createIfAbsent(store, record, signal);
        if (created) await store.syncKinds([record.kind]);
        return created;
      }),

    purgeTombstones: (beforeRev) =>
      guard('purgeTombstones', (signal) => purgeTombstones(store, beforeRev, signal)),

    ping: () =>
      guard('ping', async () => {
        const info = await stat(root);
        if (!info.isDirectory())
          throw Object.assign(new Error(`${root} is not a folder`), { code: 'ENOTDIR' });
        await access(root, constants.R_OK | constants.W_OK);
      }),

    async close() {
      closed = true;
    },
  };
}

export default {
  schemes: ['file'],
  runtimes: ['node'],
  checkUri: checkFileUri,
  create: (uri, options) => createFileDriver(uri, options),
} satisfies DriverModule;
