/**
 * The view snapshot as a local file (Node only: Workers have no disk, so there a restarted
 * isolate knows nothing until a target answers). Replaced atomically (temporary file, fsync,
 * rename), so a crash or a full disk mid-write leaves the previous snapshot whole.
 *
 * With serve.workers above 1, every worker reads it at start and only worker 1 replaces it: the
 * workers hold the same view, so N writers would only write N copies, each maybe older than the
 * last one written.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errnoOf, FILE_MODE, makeDirectory, syncDirectory } from '../../storage-drivers/file-fs.ts';
import type { SnapshotStore, ViewSnapshot } from '../replication/snapshot.ts';
import { workerIndex } from './cluster-ipc.ts';

export function fileSnapshotStore(path: string, options: { writes?: boolean } = {}): SnapshotStore {
  const file = resolve(path);
  const writes = options.writes ?? (workerIndex() ?? 1) === 1;
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
      if (!writes) return;
      await makeDirectory(dirname(file));
      const temporary = `${file}.${process.pid}.tmp`;
      try {
        const handle = await open(temporary, 'w', FILE_MODE);
        try {
          await handle.writeFile(JSON.stringify(snapshot), 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, file);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
      await syncDirectory(dirname(file));
    },
  };
}
