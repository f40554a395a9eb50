/**
 * File system steps of the file driver: folders, atomic replacement, durable renames, and
 * errors as StorageErrors.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StorageError, type StorageErrorCode } from './types.ts';

/** Records can hold subscribers' addresses: no access for other users (the umask may narrow further). */
export const FILE_MODE = 0o660;
export const DIR_MODE = 0o770;

const PERMISSION_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);
const MISSING_CODES = new Set(['ENOENT', 'ENOTDIR']);

export const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

export function fileError(what: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const errno = errnoOf(error);
  const code: StorageErrorCode =
    errno && PERMISSION_CODES.has(errno)
      ? 'AUTH'
      : errno && MISSING_CODES.has(errno)
        ? 'NOT_FOUND'
        : 'UNAVAILABLE';
  return new StorageError('file', code, `${what}: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
  });
}

/**
 * `mkdir -p`, one level at a time. Node's own recursive mkdir spins forever where mkdir answers
 * ENOENT under an existing parent (anything below /proc): here that is an error.
 */
export async function makeDirectory(path: string): Promise<void> {
  try {
    await mkdir(path, { mode: DIR_MODE });
    return;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return ensureDirectory(path);
    if (errnoOf(error) !== 'ENOENT' || dirname(path) === path) throw error;
  }
  await makeDirectory(dirname(path));
  try {
    await mkdir(path, { mode: DIR_MODE });
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return ensureDirectory(path);
    // The parent exists now, so ENOENT means this place takes no new folders (/proc, /sys, ...).
    if (errnoOf(error) === 'ENOENT')
      throw Object.assign(new Error(`cannot create ${path}: its parent refuses new folders`), {
        code: 'ENOENT',
      });
    throw error;
  }
}

async function ensureDirectory(path: string): Promise<void> {
  if (!(await stat(path)).isDirectory())
    throw Object.assign(new Error(`${path} exists and is not a directory`), { code: 'ENOTDIR' });
}

/**
 * A temporary file in `directory` (so that a rename stays on one file system), written and synced;
 * nothing is left behind when it cannot be written. Renaming it into place needs no new space.
 */
export async function writeTemporary(
  directory: string,
  text: string,
  durable: boolean,
): Promise<string> {
  // `~` never starts a record name, so listings tell temporary files apart.
  const temporary = join(directory, `~${process.pid}-${randomUUID()}.tmp`);
  const handle = await open(temporary, 'wx', FILE_MODE);
  try {
    await handle.writeFile(text, 'utf8');
    if (durable) await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temporary;
}

/** Replace `path` with `text` all at once: readers see the old file or the new one, never a mix. */
export async function replaceFile(path: string, text: string, durable: boolean): Promise<void> {
  const temporary = await writeTemporary(dirname(path), text, durable);
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** Create `path` with `text` unless it exists (O_EXCL semantics through link); false when it existed. */
export async function createFile(path: string, text: string, durable: boolean): Promise<boolean> {
  const temporary = await writeTemporary(dirname(path), text, durable);
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    // Some file systems have no hard links; the caller holds the record's lock, so a checked rename is safe.
    if (
      errnoOf(error) !== 'EPERM' &&
      errnoOf(error) !== 'ENOTSUP' &&
      errnoOf(error) !== 'EOPNOTSUPP'
    )
      throw error;
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      return false;
    await rename(temporary, path);
    return true;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** Make the renames and creations in a folder durable; not every platform can sync a folder. */
export async function syncDirectory(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (error) {
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'ENOENT'].includes(errnoOf(error) ?? ''))
      throw error;
  } finally {
    await handle?.close();
  }
}
