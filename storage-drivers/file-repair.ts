/**
 * Crash recovery of the file driver, run by `init`: index entries left mid-write are settled, records
 * without an entry get one, and temporary files old enough to be a crash's are removed.
 */
import { stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { KIND_PATTERN } from './utils.ts';
import { entryFile, finalState, settledEntry } from './file-index.ts';
import { idOf } from './file-names.ts';
import { indexGroups, indexedKinds } from './file-scan.ts';
import { RECORD_SUFFIX, type FileStore } from './file-store.ts';

/** Temporary files older than this were left by a crash; younger ones may be a write in progress. */
const ORPHAN_TEMPORARY_MS = 60 * 60_000;

export async function repair(store: FileStore): Promise<void> {
  const kinds = new Set([
    ...(await indexedKinds(store)),
    ...(await store.listFolder(store.root)).filter((name) => KIND_PATTERN.test(name)),
  ]);
  for (const kind of kinds) {
    const groups = await indexGroups(store, kind);
    const files = await store.listFolder(store.kindDir(kind));
    const names = new Set(
      files
        .filter((f) => f.endsWith(RECORD_SUFFIX) && !f.startsWith('~'))
        .map((f) => f.slice(0, -RECORD_SUFFIX.length)),
    );
    const suspects = new Set<string>();
    for (const [name, group] of groups)
      if (!settledEntry(group) || !names.has(name)) suspects.add(name);
    for (const name of names) if (!groups.has(name) && idOf(name) !== undefined) suspects.add(name);
    if (suspects.size > 0) await store.prepareKind(kind);
    for (const name of suspects) {
      // A record whose lock is taken has a live writer, which settles its index itself; waiting on
      // each one would hold up the start (and a leaked lock would hold it up for LOCK_STALE_MS).
      await store.locks.withLockIfFree(store.lockPath(kind, name), async () => {
        // Under the lock no write of this record is in flight: whatever disagrees is a leftover.
        const record = await store.readForScan(kind, name);
        const wanted = record ? entryFile(record.rev, name, finalState(record.deleted)) : undefined;
        const present = (await indexGroups(store, kind)).get(name);
        for (const entry of [...(present?.finals ?? []), ...(present?.pendings ?? [])])
          if (entry.file !== wanted) await store.removeEntry(kind, entry.file);
        if (wanted && !present?.finals.some((entry) => entry.file === wanted))
          await store.createEntry(kind, wanted);
      });
    }
    const now = Date.now();
    for (const file of files.filter((f) => f.startsWith('~') && f.endsWith('.tmp'))) {
      const path = join(store.kindDir(kind), file);
      const info = await stat(path).catch(() => undefined);
      if (info && info.mtimeMs < now - ORPHAN_TEMPORARY_MS)
        await unlink(path).catch(() => undefined);
    }
  }
}
