/**
 * Local folder target (Node only): `file:///abs/dir`, or `file://./rel/dir` relative to the config
 * file's folder (the working directory when the driver is created directly), with optional
 * `?fsync=false` (skip fsync, for throwaway data) and `timeout_ms`.
 *
 *   <dir>/<kind>/<name>.json                 one JSON record per file (names: file-names.ts)
 *   <dir>/.revs/<kind>/<rev>~<name>[.state]  rev index, empty files (file-index.ts)
 *   <dir>/.locks/<kind>/<name>.lock          per-record locks (file-lock.ts)
 *
 * Every write replaces its file atomically (temporary file in the same folder, fsync, rename, and
 * the folders are synced before put returns); a put stages every record of its batch before it
 * renames any into place, so a put that fails (a full disk) shows none of them. All under the
 * records' locks, so two processes sharing the
 * folder never lose each other's updates; putIfAbsent publishes with link(), which fails if the file
 * exists. `digest` and `changes` read the rev index (one folder listing per kind) instead of every
 * record; `list` reads the kind's folder and sorts ids in memory. Files that are not records
 * (corrupt JSON, foreign names, another record's content) are reported through onBadRecord and
 * skipped.
 */
import { access, constants, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StorageError, type DriverModule, type DriverOptions, type StorageDriver, type StoredRecord, type UriCheck, type UriContext } from './types.ts';
import { numberParameter, throwProblems, unknownParameters, uriCheck } from './uri-check.ts';
import { DEFAULT_TIMEOUT_MS, assertRecord, booleanParameter, clampLimit, digestRows, mapConcurrently, queryNumber, recordProblem, withTimeout } from './utils.ts';
import { FILE_MODE, createFile, errnoOf, fileError, makeDirectory, syncDirectory, writeTemporary } from './file-fs.ts';
import { entryFile, finalState, groupByName, parseEntry, settledEntry, type IndexEntry, type NameEntries } from './file-index.ts';
import { FileLocks } from './file-lock.ts';
import { idOf, nameOf } from './file-names.ts';

const KIND = /^[a-z0-9_]{1,64}$/;
const RECORD_SUFFIX = '.json';
const KNOWN_PARAMETERS = ['fsync', 'timeout_ms'];
const WRITE_CONCURRENCY = 16;
const READ_CONCURRENCY = 32;
/** Temporary files older than this were left by a crash; younger ones may be a write in progress. */
const ORPHAN_TEMPORARY_MS = 60 * 60_000;

const canonical = (r: StoredRecord): StoredRecord => ({ kind: r.kind, id: r.id, rev: r.rev, deleted: r.deleted, body: r.body });
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The folder a URI names: `file:///abs` is absolute, `file://./rel` and `file://rel/dir` are relative
 * to `baseDir` (the config file's folder; default the working directory). `file:rel` is refused:
 * URL parsing turns it into `/rel` at the filesystem root, which is never what was meant.
 */
export function readFileUri(uri: URL, context: UriContext = {}): { path?: string; problems: string[] } {
  const problems = unknownParameters(uri, KNOWN_PARAMETERS);
  if (uri.protocol !== 'file:') problems.push(`scheme ${uri.protocol} is not file:`);
  if (context.raw !== undefined && !/^file:\//i.test(context.raw.trim())) {
    problems.push('path: write file:///absolute/folder, or file://./relative/folder for a folder relative to the config file');
  }
  booleanParameter('file', uri, 'fsync', problems);
  numberParameter(uri, 'timeout_ms', problems);
  let path: string | undefined;
  try {
    path = uri.host === '' ? fileURLToPath(new URL(uri.pathname, 'file://')) : resolve(context.baseDir ?? '.', decodeURIComponent(uri.host + uri.pathname));
    path = path.replace(/\/+$/, '');
    if (path === '') problems.push('path: names the root folder; give a folder of its own');
  } catch (error) {
    problems.push(`path: not a folder path (${(error as Error).message})`);
  }
  return { path, problems };
}

/** The folder a URI names (see readFileUri); throws every problem at once. */
export function fileDirectory(uri: URL, context: UriContext = {}): string {
  const { path, problems } = readFileUri(uri, context);
  throwProblems('file', uri, problems);
  return path!;
}

function checkFileUri(uri: URL, context: UriContext = {}): UriCheck {
  const { path, problems } = readFileUri(uri, context);
  if (problems.length > 0 || !path) return uriCheck(uri, problems);
  return { problems, target: pathToFileURL(path).href + uri.search, identity: `file:${path}` };
}

interface Candidate {
  kind: string;
  name: string;
  rev: string;
  deleted: boolean;
  /** Already read while settling the index, if it had to be. */
  record?: StoredRecord;
}

export function createFileDriver(uri: URL, options: DriverOptions = {}): StorageDriver {
  const root = fileDirectory(uri);
  const durable = booleanParameter('file', uri, 'fsync') ?? true;
  const timeoutMs = queryNumber(uri, 'timeout_ms', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const location = pathToFileURL(root).href;
  const locks = new FileLocks(timeoutMs);
  const preparedKinds = new Set<string>();
  let closed = false;

  const kindDir = (kind: string) => join(root, kind);
  const recordPath = (kind: string, name: string) => join(root, kind, name + RECORD_SUFFIX);
  const indexRoot = join(root, '.revs');
  const indexDir = (kind: string) => join(indexRoot, kind);
  const entryPath = (kind: string, file: string) => join(indexRoot, kind, file);
  const lockPath = (kind: string, name: string) => join(root, '.locks', kind, `${name}.lock`);
  const report = (path: string, error: string) => options.onBadRecord?.({ location: path, error });

  /**
   * Every public call: refused after close, bounded in time, failures as StorageErrors. When the
   * time is up the signal tells the work still running to start no further record.
   */
  async function guard<T>(what: string, work: (signal: AbortSignal) => Promise<T>, budgetMs = timeoutMs): Promise<T> {
    if (closed) throw new StorageError('file', 'CLOSED', `driver for ${location} is closed`);
    const controller = new AbortController();
    try {
      return await withTimeout('file', `${what} in ${location}`, budgetMs, work(controller.signal));
    } catch (error) {
      controller.abort();
      throw fileError(`${what} in ${location}`, error);
    }
  }

  async function prepareKind(kind: string): Promise<void> {
    if (preparedKinds.has(kind)) return;
    await makeDirectory(kindDir(kind));
    await makeDirectory(indexDir(kind));
    preparedKinds.add(kind);
  }

  /** Names in a folder, or none when it does not exist (a kind never written). */
  const listFolder = (path: string) => readdir(path).catch((error: unknown) => (errnoOf(error) === 'ENOENT' ? [] : Promise.reject(error)));

  /**
   * The record in a file; null when there is none, or (reported) when the file is not the record
   * its name promises. I/O failures other than a missing file are thrown.
   */
  async function readRecordFile(kind: string, name: string): Promise<StoredRecord | null> {
    const path = recordPath(kind, name);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') return null;
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      report(path, `not JSON: ${(error as Error).message}`);
      return null;
    }
    const problem = recordProblem(value);
    if (problem) {
      report(path, problem);
      return null;
    }
    const record = value as StoredRecord;
    if (record.kind !== kind || nameOf(record.id) !== name) {
      report(path, `holds ${record.kind}/${JSON.stringify(record.id)}, which belongs in another file`);
      return null;
    }
    return canonical(record);
  }

  /** Like readRecordFile, but an unreadable file is reported and skipped, for scans over many files. */
  async function readForScan(kind: string, name: string): Promise<StoredRecord | null> {
    try {
      return await readRecordFile(kind, name);
    } catch (error) {
      report(recordPath(kind, name), `unreadable: ${(error as Error).message}`);
      return null;
    }
  }

  async function removeEntry(kind: string, file: string): Promise<void> {
    await unlink(entryPath(kind, file)).catch((error: unknown) => (errnoOf(error) === 'ENOENT' ? undefined : Promise.reject(error)));
  }

  /**
   * A put, all or nothing: under the locks of every record in the batch, the winning records are
   * first staged (index entry marked pending, content in a synced temporary file), and only once
   * every one is staged are they renamed into place. A failure while staging (a full disk) removes
   * what was staged, so a refused put leaves no record of it visible, now or after a restart; the
   * renames need no new space. (A crash during the renames leaves pending entries, which readers
   * re-check and the next start settles.)
   */
  async function applyBatch(records: StoredRecord[], signal: AbortSignal): Promise<boolean[]> {
    const applied = new Array<boolean>(records.length).fill(false);
    const byKey = new Map<string, { kind: string; name: string; indexes: number[] }>();
    records.forEach((record, index) => {
      const name = nameOf(record.id);
      const key = `${record.kind}/${name}`;
      const group = byKey.get(key);
      if (group) group.indexes.push(index);
      else byKey.set(key, { kind: record.kind, name, indexes: [index] });
    });
    const groups = [...byKey.values()];
    return locks.withLocks(groups.map((g) => lockPath(g.kind, g.name)), async () => {
      // A file that is not a valid record (reported) is replaced like a missing one.
      const currents = await mapConcurrently(groups, READ_CONCURRENCY, (g) => readRecordFile(g.kind, g.name));
      const winners: Array<{ record: StoredRecord; name: string; current: StoredRecord | null; pending: string; temporary?: string }> = [];
      groups.forEach((group, g) => {
        const current = currents[g]!;
        let newest = current?.rev ?? '';
        let winner: StoredRecord | undefined;
        for (const index of group.indexes) {
          if (records[index]!.rev <= newest) continue;
          applied[index] = true;
          newest = records[index]!.rev;
          winner = records[index]!;
        }
        if (winner) winners.push({ record: winner, name: group.name, current, pending: entryFile(winner.rev, group.name, 'pending') });
      });
      const staged: typeof winners = [];
      try {
        await mapConcurrently(winners, WRITE_CONCURRENCY, async (w) => {
          await writeFile(entryPath(w.record.kind, w.pending), '', { mode: FILE_MODE });
          staged.push(w);
          w.temporary = await writeTemporary(kindDir(w.record.kind), JSON.stringify(canonical(w.record)), durable);
        });
      } catch (error) {
        await Promise.all(staged.map((w) => Promise.all([w.temporary && unlink(w.temporary).catch(() => undefined), removeEntry(w.record.kind, w.pending).catch(() => undefined)])));
        throw error;
      }
      await mapConcurrently(winners, WRITE_CONCURRENCY, async ({ record, name, current, pending, temporary }) => {
        await rename(temporary!, recordPath(record.kind, name));
        await rename(entryPath(record.kind, pending), entryPath(record.kind, entryFile(record.rev, name, finalState(record.deleted))));
        if (current && current.rev !== record.rev) await removeEntry(record.kind, entryFile(current.rev, name, finalState(current.deleted)));
      });
      return applied;
    }, signal);
  }

  async function createIfAbsent(record: StoredRecord, signal: AbortSignal): Promise<boolean> {
    const name = nameOf(record.id);
    return locks.withLock(lockPath(record.kind, name), async () => {
      // Any file at the name counts, even an unreadable one: a claim must never be made twice.
      if (await stat(recordPath(record.kind, name)).then(() => true, () => false)) return false;
      const pending = entryFile(record.rev, name, 'pending');
      await writeFile(entryPath(record.kind, pending), '', { mode: FILE_MODE });
      if (!(await createFile(recordPath(record.kind, name), JSON.stringify(canonical(record)), durable))) {
        await removeEntry(record.kind, pending);
        return false;
      }
      await rename(entryPath(record.kind, pending), entryPath(record.kind, entryFile(record.rev, name, finalState(record.deleted))));
      return true;
    }, signal);
  }

  async function syncKinds(kinds: Iterable<string>): Promise<void> {
    if (!durable) return;
    for (const kind of kinds) await Promise.all([syncDirectory(kindDir(kind)), syncDirectory(indexDir(kind))]);
  }

  async function indexedKinds(): Promise<string[]> {
    return (await listFolder(indexRoot)).filter((kind) => KIND.test(kind)).sort();
  }

  async function indexGroups(kind: string): Promise<Map<string, NameEntries>> {
    const entries: IndexEntry[] = [];
    for (const file of await listFolder(indexDir(kind))) {
      const entry = parseEntry(file);
      if (entry) entries.push(entry);
    }
    return groupByName(entries);
  }

  /** The current rev of every record of a kind, from the index; unsettled names are read. */
  async function currentRevs(kind: string): Promise<Candidate[]> {
    const candidates: Candidate[] = [];
    const unsettled: string[] = [];
    for (const [name, group] of await indexGroups(kind)) {
      const settled = settledEntry(group);
      if (settled) candidates.push({ kind, name, rev: settled.rev, deleted: settled.state === 'deleted' });
      else unsettled.push(name);
    }
    const read = await mapConcurrently(unsettled, READ_CONCURRENCY, (name) => readForScan(kind, name));
    read.forEach((record, i) => {
      if (record) candidates.push({ kind, name: unsettled[i]!, rev: record.rev, deleted: record.deleted, record });
    });
    return candidates;
  }

  /** Record names in a kind's folder with their ids; hashed names are read to learn theirs. */
  async function namesWithIds(kind: string): Promise<Array<{ name: string; id: string; record?: StoredRecord }>> {
    const found: Array<{ name: string; id: string; record?: StoredRecord }> = [];
    const hashed: string[] = [];
    for (const file of await listFolder(kindDir(kind))) {
      if (file.startsWith('~')) continue; // a temporary file of a write in progress
      const name = file.endsWith(RECORD_SUFFIX) ? file.slice(0, -RECORD_SUFFIX.length) : '';
      const id = idOf(name);
      if (id === undefined) report(join(kindDir(kind), file), 'not a record file name');
      else if (id === null) hashed.push(name);
      else found.push({ name, id });
    }
    const read = await mapConcurrently(hashed, READ_CONCURRENCY, (name) => readForScan(kind, name));
    read.forEach((record, i) => {
      if (record) found.push({ name: hashed[i]!, id: record.id, record });
    });
    return found;
  }

  /** Crash recovery: settle index entries left mid-write and index records that have none. */
  async function repair(): Promise<void> {
    const kinds = new Set([...(await indexedKinds()), ...(await listFolder(root)).filter((name) => KIND.test(name))]);
    for (const kind of kinds) {
      const groups = await indexGroups(kind);
      const files = await listFolder(kindDir(kind));
      const names = new Set(files.filter((f) => f.endsWith(RECORD_SUFFIX) && !f.startsWith('~')).map((f) => f.slice(0, -RECORD_SUFFIX.length)));
      const suspects = new Set<string>();
      for (const [name, group] of groups) if (!settledEntry(group) || !names.has(name)) suspects.add(name);
      for (const name of names) if (!groups.has(name) && idOf(name) !== undefined) suspects.add(name);
      if (suspects.size > 0) await prepareKind(kind);
      for (const name of suspects) {
        // A record whose lock is taken has a live writer, which settles its index itself; waiting on
        // each one would hold up the start (and a leaked lock would hold it up for LOCK_STALE_MS).
        await locks.withLockIfFree(lockPath(kind, name), async () => {
          // Under the lock no write of this record is in flight: whatever disagrees is a leftover.
          const record = await readForScan(kind, name);
          const wanted = record ? entryFile(record.rev, name, finalState(record.deleted)) : undefined;
          const present = (await indexGroups(kind)).get(name);
          for (const entry of [...(present?.finals ?? []), ...(present?.pendings ?? [])]) if (entry.file !== wanted) await removeEntry(kind, entry.file);
          if (wanted && !present?.finals.some((entry) => entry.file === wanted)) await writeFile(entryPath(kind, wanted), '', { mode: FILE_MODE });
        });
      }
      const now = Date.now();
      for (const file of files.filter((f) => f.startsWith('~') && f.endsWith('.tmp'))) {
        const path = join(kindDir(kind), file);
        const info = await stat(path).catch(() => undefined);
        if (info && info.mtimeMs < now - ORPHAN_TEMPORARY_MS) await unlink(path).catch(() => undefined);
      }
    }
  }

  return {
    name: 'file',
    location,

    init: () =>
      guard('init', async () => {
        await makeDirectory(root);
        await makeDirectory(indexRoot);
        await makeDirectory(join(root, '.locks'));
        await repair();
      }, timeoutMs * 6),

    put: (records) =>
      guard(
        'put',
        async (signal) => {
          records.forEach((record) => assertRecord('file', record));
          const kinds = new Set(records.map((record) => record.kind));
          for (const kind of kinds) await prepareKind(kind);
          const applied = await applyBatch(records, signal);
          await syncKinds(kinds);
          return applied;
        },
        timeoutMs * Math.max(1, Math.ceil(records.length / 1000)),
      ),

    get: (kind, id) => guard('get', async () => (KIND.test(kind) ? readRecordFile(kind, nameOf(id)) : null)),

    list: (kind, listOptions = {}) =>
      guard('list', async () => {
        if (!KIND.test(kind)) return { items: [] };
        const limit = clampLimit(listOptions.limit);
        const { cursor } = listOptions;
        const names = (await namesWithIds(kind)).filter((entry) => cursor === undefined || entry.id > cursor).sort((a, b) => compareIds(a.id, b.id));
        const items: StoredRecord[] = [];
        for (let start = 0; start < names.length; start += READ_CONCURRENCY) {
          const slice = names.slice(start, start + READ_CONCURRENCY);
          const records = await mapConcurrently(slice, READ_CONCURRENCY, (entry) => (entry.record ? Promise.resolve(entry.record) : readForScan(kind, entry.name)));
          for (const [i, record] of records.entries()) {
            if (items.length === limit) return start + i < names.length ? { items, cursor: items[items.length - 1]!.id } : { items };
            if (record && (listOptions.includeDeleted || !record.deleted)) items.push(record);
          }
        }
        return { items };
      }),

    changes: (changeOptions = {}) =>
      guard('changes', async () => {
        const limit = clampLimit(changeOptions.limit);
        const since = changeOptions.sinceRev ?? '';
        const candidates: Candidate[] = [];
        for (const kind of await indexedKinds()) candidates.push(...(await currentRevs(kind)).filter((c) => c.rev > since));
        candidates.sort((a, b) => compareIds(a.rev, b.rev) || compareIds(a.kind, b.kind) || compareIds(a.name, b.name));
        const items: StoredRecord[] = [];
        for (let start = 0; start < candidates.length; start += READ_CONCURRENCY) {
          const slice = candidates.slice(start, start + READ_CONCURRENCY);
          const records = await mapConcurrently(slice, READ_CONCURRENCY, (c) => (c.record ? Promise.resolve(c.record) : readForScan(c.kind, c.name)));
          for (const [i, record] of records.entries()) {
            const candidate = slice[i]!;
            // A page never ends inside a group of equal revs: the next page starts strictly above it.
            if (items.length >= limit && candidate.rev !== items[items.length - 1]!.rev) return { items, cursor: items[items.length - 1]!.rev };
            // A record rewritten since the index was read shows up again, later, under its new rev.
            if (record && record.rev === candidate.rev) items.push(record);
          }
        }
        return { items };
      }),

    digest: () =>
      guard('digest', async () => {
        const rows: Array<{ kind: string; id: string; rev: string }> = [];
        for (const kind of await indexedKinds()) {
          const candidates = await currentRevs(kind);
          const ids = await mapConcurrently(candidates, READ_CONCURRENCY, async (c) => c.record?.id ?? idOf(c.name) ?? (await readForScan(kind, c.name))?.id);
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
        await prepareKind(record.kind);
        const created = await createIfAbsent(record, signal);
        if (created) await syncKinds([record.kind]);
        return created;
      }),

    purgeTombstones: (beforeRev) =>
      guard('purgeTombstones', async (signal) => {
        let purged = 0;
        for (const kind of await indexedKinds()) {
          const old = (await currentRevs(kind)).filter((c) => c.deleted && c.rev < beforeRev);
          await mapConcurrently(old, WRITE_CONCURRENCY, (candidate) =>
            locks.withLock(lockPath(kind, candidate.name), async () => {
              const record = await readRecordFile(kind, candidate.name);
              if (!record?.deleted || record.rev >= beforeRev) return;
              // Mark first, so that a crash between the two steps leaves an entry readers re-check.
              const final = entryFile(record.rev, candidate.name, 'deleted');
              const pending = entryFile(record.rev, candidate.name, 'pending');
              await rename(entryPath(kind, final), entryPath(kind, pending)).catch(() => writeFile(entryPath(kind, pending), '', { mode: FILE_MODE }));
              await unlink(recordPath(kind, candidate.name));
              await removeEntry(kind, pending);
              purged++;
            }, signal),
          );
          if (old.length > 0) await syncKinds([kind]);
        }
        return purged;
      }),

    ping: () =>
      guard('ping', async () => {
        const info = await stat(root);
        if (!info.isDirectory()) throw Object.assign(new Error(`${root} is not a folder`), { code: 'ENOTDIR' });
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
