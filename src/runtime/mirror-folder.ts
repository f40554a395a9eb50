/**
 * The mirror in a folder, for nginx or any static server, laid out as
 *
 *   <folder>/current -> versions/<stamp>      the server's document root (a symlink)
 *   <folder>/versions/<stamp>/...              one complete publication each
 *   <folder>/versions/<stamp>/mirror.json      its manifest (state rev, time, publisher)
 *
 * A publication is written into a new version folder (files, their .gz/.br variants, the manifest,
 * each fsynced), then `current` is replaced by rename(2) of a new symlink over it. A reader opens
 * each file through `current`: the path is resolved once, at open, so every file it gets is a
 * whole file of one publication, and no file of a published version is ever rewritten. Assets are
 * content-addressed and the previous versions' assets are carried over, so a page read just before
 * a switch still finds the script and stylesheet it names. The last KEEP_VERSIONS are kept (a
 * reader with a file open keeps reading it after it is removed; Linux frees it at close).
 *
 * The check "is what is published newer?" and the switch run under a lock file, so two instances
 * publishing into one folder never put an older state over a newer one.
 */
import { randomUUID } from 'node:crypto';
import {
  link,
  mkdir,
  open,
  readFile,
  readdir,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type {
  MirrorManifest,
  MirrorSink,
  MirrorSnapshot,
  PublishOutcome,
} from '../mirror/types.ts';
import { isOlderThan } from '../mirror/types.ts';
import { contentKey, createVariantCache } from './mirror-compress.ts';

export const MANIFEST_FILE = 'mirror.json';
const KEEP_VERSIONS = 3;
/** A lock older than this was left by a process that died mid-switch. */
const STALE_LOCK_MS = 60_000;

export interface FolderSinkOptions {
  /** Whether to fsync every file (default true; tests of throwaway folders may skip it). */
  fsync?: boolean;
  now?: () => number;
}

export function folderMirrorSink(folder: string, options: FolderSinkOptions = {}): MirrorSink {
  const fsync = options.fsync ?? true;
  const now = options.now ?? Date.now;
  const versions = join(folder, 'versions');
  const compressed = createVariantCache();
  /** What this sink published last: per file, its content and the version folder holding it. */
  let last = new Map<string, { key: string; version: string }>();
  const currentLink = join(folder, 'current');

  const readManifest = async (): Promise<MirrorManifest | null> => {
    try {
      return JSON.parse(await readFile(join(currentLink, MANIFEST_FILE), 'utf8')) as MirrorManifest;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };

  const writeWhole = async (path: string, body: Uint8Array) => {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(body);
      if (fsync) await handle.sync();
    } finally {
      await handle.close();
    }
  };

  /** Assets of the version now current that this publication does not have: hard links, no copy. */
  const carryAssets = async (into: string, have: Set<string>) => {
    let target: string;
    try {
      target = join(folder, await readlink(currentLink));
    } catch {
      return;
    }
    const assets = join(target, 'assets');
    const names = await readdir(assets).catch(() => [] as string[]);
    for (const name of names) {
      if (have.has(`assets/${name}`)) continue;
      await mkdir(join(into, 'assets'), { recursive: true });
      await link(join(assets, name), join(into, 'assets', name)).catch(() => undefined);
    }
  };

  const withLock = async <T>(work: () => Promise<T>): Promise<T> => {
    const lock = join(folder, '.lock');
    for (let attempt = 0; ; attempt++) {
      try {
        await writeFile(lock, String(process.pid), { flag: 'wx' });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = await stat(lock).then(
          (s) => now() - s.mtimeMs,
          () => 0,
        );
        if (age > STALE_LOCK_MS) await unlink(lock).catch(() => undefined);
        else if (attempt > 200)
          throw new Error(`${lock} is held by another publisher`, { cause: error });
        else await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    try {
      return await work();
    } finally {
      await unlink(lock).catch(() => undefined);
    }
  };

  // Another instance may be writing a version it has not switched to yet: only old ones go.
  const prune = async (keep: string) => {
    const current = await readlink(currentLink).then(
      (target) => target.split('/').at(-1),
      () => undefined,
    );
    const names = (await readdir(versions).catch(() => [] as string[])).sort();
    const old = names
      .filter((name) => name !== keep && name !== current)
      .slice(0, -(KEEP_VERSIONS - 1));
    for (const name of old)
      if (now() - parseInt(name.split('-')[0] ?? '', 36) > STALE_LOCK_MS)
        await rm(join(versions, name), { recursive: true, force: true });
  };

  return {
    location: `file://${folder}`,
    current: readManifest,
    async publish(snapshot: MirrorSnapshot, manifest: MirrorManifest, onProgress) {
      await mkdir(versions, { recursive: true });
      const existing = await readManifest();
      if (isOlderThan(manifest, existing)) return refused(manifest, existing!);
      // Sorted names are in publication order: the time first, then a random part against ties.
      const name = `${now().toString(36).padStart(9, '0')}-${randomUUID().slice(0, 8)}`;
      const into = join(versions, name);
      try {
        const total = snapshot.files.length;
        let written = 0;
        const published = new Map<string, { key: string; version: string }>();
        for (const file of snapshot.files) {
          const key = contentKey(file.body);
          const before = last.get(file.file);
          // Unchanged since this sink's last publication: a hard link to it, no new bytes.
          const linked =
            before?.key === key && (await linkAll(join(versions, before.version), into, file.file));
          if (!linked) {
            await writeWhole(join(into, file.file), file.body);
            for (const variant of await compressed.variants(file))
              await writeWhole(join(into, file.file + variant.suffix), variant.body);
          }
          published.set(file.file, { key, version: name });
          onProgress?.(++written, total);
        }
        compressed.rotate();
        await carryAssets(into, new Set(snapshot.files.map((f) => f.file)));
        await writeWhole(
          join(into, MANIFEST_FILE),
          new TextEncoder().encode(JSON.stringify(manifest)),
        );
        const outcome = await withLock(async (): Promise<PublishOutcome> => {
          const now = await readManifest();
          if (isOlderThan(manifest, now)) return refused(manifest, now!);
          const pending = join(folder, `.current-${name}`);
          await symlink(join('versions', name), pending);
          await rename(pending, currentLink);
          return { published: true, files: total };
        });
        if (!outcome.published) await rm(into, { recursive: true, force: true });
        else {
          last = published;
          await prune(name);
        }
        return outcome;
      } catch (error) {
        await rm(into, { recursive: true, force: true });
        throw error;
      }
    },
  };
}

/** Links a file and its variants from a published version; false when it is gone (pruned). */
async function linkAll(from: string, into: string, file: string): Promise<boolean> {
  try {
    await mkdir(dirname(join(into, file)), { recursive: true });
    await link(join(from, file), join(into, file));
  } catch {
    return false;
  }
  for (const suffix of ['.gz', '.br'])
    await link(join(from, file + suffix), join(into, file + suffix)).catch(() => undefined);
  return true;
}

function refused(manifest: MirrorManifest, current: MirrorManifest): PublishOutcome {
  return {
    published: false,
    reason: `the mirror holds a newer state (${current.stateRev}, published ${current.generatedAt} by ${current.publisher}) than this one (${manifest.stateRev})`,
    current,
  };
}
