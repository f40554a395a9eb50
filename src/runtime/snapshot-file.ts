/**
 * The view snapshot as a local file (Node only: Workers have no disk, so there a restarted
 * isolate knows nothing until a target answers). Replaced atomically with the file driver's
 * steps (temporary file, fsync, rename), so a crash mid-write leaves the previous snapshot.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errnoOf, makeDirectory, replaceFile, syncDirectory } from '../../storage-drivers/file-fs.ts';
import type { SnapshotStore, ViewSnapshot } from '../replication/snapshot.ts';

export function fileSnapshotStore(path: string): SnapshotStore {
  const file = resolve(path);
  return {
    location: file,
    async read() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') return null;
        throw error;
      }
      return JSON.parse(text) as unknown;
    },
    async write(snapshot: ViewSnapshot) {
      await makeDirectory(dirname(file));
      await replaceFile(file, JSON.stringify(snapshot), true);
      await syncDirectory(dirname(file));
    },
  };
}
