/**
 * The view snapshot as a local file (Node only: Workers have no disk, so there a restarted
 * isolate knows nothing until a target answers). Replaced atomically (temporary file, fsync,
 * rename), so a crash or a full disk mid-write leaves the previous snapshot whole.
 *
 * With serve.workers above 1, every worker reads it at start and only worker 1 replaces it: the
 * workers hold the same view, so N writers would only write N copies, each maybe older than the
 * last one written.
 *
 * The file is a header line, then one record per line, written and read a batch of lines at a
 * time: one JSON document of the whole view (33 MB at 10,000 incidents) was a string and a buffer
 * of that size at every write and at every start, and the heap they grew stayed in the RSS. A file
 * of that older shape (one document) is still read.
 */
import { createReadStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errnoOf, FILE_MODE, makeDirectory, syncDirectory } from '../../storage-drivers/file-fs.ts';
import type { SnapshotStore, ViewSnapshot } from '../replication/snapshot.ts';
import { workerIndex } from './cluster-ipc.ts';

/** Records per write call: a few MB of text at most. */
const BATCH = 2_000;
const NEWLINE = 0x0a;

interface Header {
  format: 1;
  writtenAt: string;
  /** The records follow, one per line. */
  records: 'lines';
}

/**
 * The snapshot in the file, as one value: the header's fields with the records it lists (the
 * keeper checks its shape); a one-document file as it is.
 */
async function readSnapshot(file: string): Promise<unknown> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  let header: Header | undefined;
  const records: unknown[] = [];
  const take = (bytes: Buffer) => {
    if (header) {
      if (bytes.length > 0) records.push(JSON.parse(bytes.toString('utf8')));
      return;
    }
    const first = JSON.parse(bytes.toString('utf8')) as Partial<Header>;
    if (first.records !== 'lines') throw new Error('the first line is not a snapshot header');
    header = first as Header;
  };
  // Bytes after the last newline seen; a one-document file (no newline) ends up whole here.
  let pending: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let end = chunk.indexOf(NEWLINE);
    if (end === -1) {
      pending.push(chunk);
      continue;
    }
    let data = pending.length > 0 ? Buffer.concat([...pending, chunk]) : chunk;
    pending = [];
    end = data.indexOf(NEWLINE);
    while (end !== -1) {
      take(data.subarray(0, end));
      data = data.subarray(end + 1);
      end = data.indexOf(NEWLINE);
    }
    if (data.length > 0) pending.push(Buffer.from(data));
  }
  const tail = Buffer.concat(pending);
  if (!header) {
    if (tail.length === 0) throw new Error('the snapshot file is empty');
    return JSON.parse(tail.toString('utf8')) as unknown;
  }
  take(tail);
  return { format: header.format, writtenAt: header.writtenAt, records };
}

export function fileSnapshotStore(path: string, options: { writes?: boolean } = {}): SnapshotStore {
  const file = resolve(path);
  const writes = options.writes ?? (workerIndex() ?? 1) === 1;
  return {
    location: file,
    async read() {
      try {
        return await readSnapshot(file);
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') return null;
        throw error;
      }
    },
    async write(snapshot: ViewSnapshot) {
      if (!writes) return;
      await makeDirectory(dirname(file));
      const temporary = `${file}.${process.pid}.tmp`;
      try {
        const handle = await open(temporary, 'w', FILE_MODE);
        try {
          const header: Header = { format: 1, writtenAt: snapshot.writtenAt, records: 'lines' };
          let text = `${JSON.stringify(header)}\n`;
          for (let i = 0; i < snapshot.records.length; i += BATCH) {
            for (const record of snapshot.records.slice(i, i + BATCH))
              text += `${JSON.stringify(record)}\n`;
            await handle.write(text);
            text = '';
          }
          if (text) await handle.write(text);
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
