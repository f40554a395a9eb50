/**
 * The file driver's folder: where each file of a record lives, how a record file is read back with
 * suspicion, and the small steps every operation shares (a kind's folders made once, folders synced,
 * index entries created and removed).
 *
 *   <dir>/<kind>/<name>.json                 one JSON record per file (names: file-names.ts)
 *   <dir>/.revs/<kind>/<rev>~<name>[.state]  rev index, empty files (file-index.ts)
 *   <dir>/.locks/<kind>/<name>.lock          per-record locks (file-lock.ts)
 */
import { readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DriverOptions, StoredRecord } from './types.ts';
import { decodeRecordText } from './object-store-common.ts';
import { FILE_MODE, errnoOf, makeDirectory, syncDirectory } from './file-fs.ts';
import { FileLocks } from './file-lock.ts';
import { nameOf } from './file-names.ts';

export const RECORD_SUFFIX = '.json';

export class FileStore {
  readonly indexRoot: string;
  readonly locks: FileLocks;
  private readonly preparedKinds = new Set<string>();

  constructor(
    readonly root: string,
    /** False with `fsync=false`: nothing is synced, for throwaway data. */
    readonly durable: boolean,
    timeoutMs: number,
    private readonly options: DriverOptions,
  ) {
    this.indexRoot = join(root, '.revs');
    this.locks = new FileLocks(timeoutMs);
  }

  kindDir(kind: string): string {
    return join(this.root, kind);
  }

  recordPath(kind: string, name: string): string {
    return join(this.root, kind, name + RECORD_SUFFIX);
  }

  indexDir(kind: string): string {
    return join(this.indexRoot, kind);
  }

  entryPath(kind: string, file: string): string {
    return join(this.indexRoot, kind, file);
  }

  lockPath(kind: string, name: string): string {
    return join(this.root, '.locks', kind, `${name}.lock`);
  }

  report(path: string, error: string): void {
    this.options.onBadRecord?.({ location: path, error });
  }

  async prepareKind(kind: string): Promise<void> {
    if (this.preparedKinds.has(kind)) return;
    await makeDirectory(this.kindDir(kind));
    await makeDirectory(this.indexDir(kind));
    this.preparedKinds.add(kind);
  }

  async syncKinds(kinds: Iterable<string>): Promise<void> {
    if (!this.durable) return;
    for (const kind of kinds)
      await Promise.all([syncDirectory(this.kindDir(kind)), syncDirectory(this.indexDir(kind))]);
  }

  /** When an entry of the kind's rev index was last created, renamed or removed (ns). */
  async indexTime(kind: string): Promise<bigint> {
    return (await stat(this.indexDir(kind), { bigint: true })).mtimeNs;
  }

  /** Names in a folder, or none when it does not exist (a kind never written). */
  listFolder(path: string): Promise<string[]> {
    return readdir(path).catch((error: unknown) =>
      errnoOf(error) === 'ENOENT' ? [] : Promise.reject(error),
    );
  }

  /**
   * The record in a file; null when there is none, or (reported) when the file is not the record
   * its name promises. I/O failures other than a missing file are thrown.
   */
  async readRecordFile(kind: string, name: string): Promise<StoredRecord | null> {
    const path = this.recordPath(kind, name);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') return null;
      throw error;
    }
    const { record, problem } = decodeRecordText(
      text,
      (r) => r.kind === kind && nameOf(r.id) === name,
      'in another file',
    );
    if (problem !== undefined) this.report(path, problem);
    return record ?? null;
  }

  /** Like readRecordFile, but an unreadable file is reported and skipped, for scans over many files. */
  async readForScan(kind: string, name: string): Promise<StoredRecord | null> {
    try {
      return await this.readRecordFile(kind, name);
    } catch (error) {
      this.report(this.recordPath(kind, name), `unreadable: ${(error as Error).message}`);
      return null;
    }
  }

  /** An empty index entry (file-index.ts names it). */
  async createEntry(kind: string, file: string): Promise<void> {
    await writeFile(this.entryPath(kind, file), '', { mode: FILE_MODE });
  }

  async removeEntry(kind: string, file: string): Promise<void> {
    await unlink(this.entryPath(kind, file)).catch((error: unknown) =>
      errnoOf(error) === 'ENOENT' ? undefined : Promise.reject(error),
    );
  }
}
