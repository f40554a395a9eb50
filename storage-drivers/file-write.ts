/**
 * The file driver's writes, each under the locks of the records it touches so that two processes
 * sharing the folder never lose each other's updates. Every record file is replaced atomically
 * (temporary file in the same folder, fsync, rename); an index entry marks a write as pending
 * before the record moves, so a crash leaves an entry that readers re-check and `init` settles.
 */
import { rename, stat, unlink } from 'node:fs/promises';
import type { StoredRecord } from './types.ts';
import { mapConcurrently } from './utils.ts';
import {
  READ_CONCURRENCY,
  WRITE_CONCURRENCY,
  groupPuts,
  newestOfGroup,
  recordText,
} from './object-store-common.ts';
import { createFile, writeTemporary } from './file-fs.ts';
import { entryFile, finalState } from './file-index.ts';
import { nameOf } from './file-names.ts';
import { currentRevs, indexedKinds } from './file-scan.ts';
import type { FileStore } from './file-store.ts';

interface Winner {
  record: StoredRecord;
  name: string;
  current: StoredRecord | null;
  pending: string;
  temporary?: string;
}

/**
 * A put, all or nothing: under the locks of every record in the batch, the winning records are
 * first staged (index entry marked pending, content in a synced temporary file), and only once
 * every one is staged are they renamed into place. A failure while staging (a full disk) removes
 * what was staged, so a refused put leaves no record of it visible, now or after a restart; the
 * renames need no new space. (A crash during the renames leaves pending entries, which readers
 * re-check and the next start settles.)
 */
export async function applyBatch(
  store: FileStore,
  records: StoredRecord[],
  signal: AbortSignal,
): Promise<boolean[]> {
  const applied = new Array<boolean>(records.length).fill(false);
  const groups = groupPuts(records).map((group) => ({ ...group, name: nameOf(group.id) }));
  return store.locks.withLocks(
    groups.map((g) => store.lockPath(g.kind, g.name)),
    async () => {
      // A file that is not a valid record (reported) is replaced like a missing one.
      const currents = await mapConcurrently(groups, READ_CONCURRENCY, (g) =>
        store.readRecordFile(g.kind, g.name),
      );
      const winners: Winner[] = [];
      groups.forEach((group, g) => {
        const current = currents[g]!;
        const winner = newestOfGroup(records, group, current?.rev ?? '', applied);
        if (winner)
          winners.push({
            record: winner,
            name: group.name,
            current,
            pending: entryFile(winner.rev, group.name, 'pending'),
          });
      });
      await stage(store, winners);
      await mapConcurrently(
        winners,
        WRITE_CONCURRENCY,
        async ({ record, name, current, pending, temporary }) => {
          await rename(temporary!, store.recordPath(record.kind, name));
          await rename(
            store.entryPath(record.kind, pending),
            store.entryPath(record.kind, entryFile(record.rev, name, finalState(record.deleted))),
          );
          if (current && current.rev !== record.rev)
            await store.removeEntry(
              record.kind,
              entryFile(current.rev, name, finalState(current.deleted)),
            );
        },
      );
      return applied;
    },
    signal,
  );
}

/** Every winner's pending entry and temporary file, or (after removing what was staged) the failure. */
async function stage(store: FileStore, winners: Winner[]): Promise<void> {
  const staged: Winner[] = [];
  try {
    await mapConcurrently(winners, WRITE_CONCURRENCY, async (w) => {
      await store.createEntry(w.record.kind, w.pending);
      staged.push(w);
      w.temporary = await writeTemporary(
        store.kindDir(w.record.kind),
        recordText(w.record),
        store.durable,
      );
    });
  } catch (error) {
    await Promise.all(
      staged.map((w) =>
        Promise.all([
          w.temporary && unlink(w.temporary).catch(() => undefined),
          store.removeEntry(w.record.kind, w.pending).catch(() => undefined),
        ]),
      ),
    );
    throw error;
  }
}

/** putIfAbsent publishes with link(), which fails if the file exists. */
export async function createIfAbsent(
  store: FileStore,
  record: StoredRecord,
  signal: AbortSignal,
): Promise<boolean> {
  const name = nameOf(record.id);
  return store.locks.withLock(
    store.lockPath(record.kind, name),
    async () => {
      // Any file at the name counts, even an unreadable one: a claim must never be made twice.
      if (
        await stat(store.recordPath(record.kind, name)).then(
          () => true,
          () => false,
        )
      )
        return false;
      const pending = entryFile(record.rev, name, 'pending');
      await store.createEntry(record.kind, pending);
      if (
        !(await createFile(store.recordPath(record.kind, name), recordText(record), store.durable))
      ) {
        await store.removeEntry(record.kind, pending);
        return false;
      }
      await rename(
        store.entryPath(record.kind, pending),
        store.entryPath(record.kind, entryFile(record.rev, name, finalState(record.deleted))),
      );
      return true;
    },
    signal,
  );
}

export async function purgeTombstones(
  store: FileStore,
  beforeRev: string,
  signal: AbortSignal,
): Promise<number> {
  let purged = 0;
  for (const kind of await indexedKinds(store)) {
    const old = (await currentRevs(store, kind)).filter((c) => c.deleted && c.rev < beforeRev);
    await mapConcurrently(old, WRITE_CONCURRENCY, (candidate) =>
      store.locks.withLock(
        store.lockPath(kind, candidate.name),
        async () => {
          const record = await store.readRecordFile(kind, candidate.name);
          if (!record?.deleted || record.rev >= beforeRev) return;
          // Mark first, so that a crash between the two steps leaves an entry readers re-check.
          const final = entryFile(record.rev, candidate.name, 'deleted');
          const pending = entryFile(record.rev, candidate.name, 'pending');
          await rename(store.entryPath(kind, final), store.entryPath(kind, pending)).catch(() =>
            store.createEntry(kind, pending),
          );
          await unlink(store.recordPath(kind, candidate.name));
          await store.removeEntry(kind, pending);
          purged++;
        },
        signal,
      ),
    );
    if (old.length > 0) await store.syncKinds([kind]);
  }
  return purged;
}
