/**
 * Per-record locks that hold across processes: a lock is a file created with O_EXCL (`wx`), so
 * exactly one creator succeeds. It names its holder (`host pid time`) so that a lock left by a
 * process that died can be broken at once on the same host, and any lock older than
 * LOCK_STALE_MS is broken anywhere (the holder is frozen or on a host we cannot ask).
 *
 * Within one process, callers of the same lock queue in memory first, so a driver never spins on
 * its own lock file. A lock file whose holder line could not be written (a full disk) is removed at
 * once, and one found without a holder line is broken after UNNAMED_LOCK_GRACE_MS.
 *
 * Limits: locks are held for milliseconds, so breaking one after LOCK_STALE_MS only misfires for a
 * holder that stalls that long mid-write; a breaker that finds it moved a fresh lock puts it back,
 * which can fail if a third process took the lock in that instant; and on network file systems
 * without a working O_EXCL (old NFS) the lock is advisory at best.
 */
import { hostname } from 'node:os';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StorageError } from './types.ts';
import { FILE_MODE, errnoOf, makeDirectory } from './file-fs.ts';
import { sleep } from './utils.ts';

export const LOCK_STALE_MS = 30_000;
export const UNNAMED_LOCK_GRACE_MS = 1_000;

/** The lock was held by someone else and the caller asked not to wait. */
class LockBusy extends Error {}

export class FileLocks {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly host = hostname();

  constructor(private readonly timeoutMs: number) {}

  /** Every lock in `lockPaths`, taken in sorted order (so two batches never wait on each other in a cycle), then `work`. */
  withLocks<T>(
    lockPaths: readonly string[],
    work: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const sorted = [...new Set(lockPaths)].sort();
    const take = (i: number): Promise<T> =>
      i === sorted.length ? work() : this.withLock(sorted[i]!, () => take(i + 1), signal);
    return take(0);
  }

  /**
   * `work` under the lock if it can be taken at once (a stale lock is broken), else undefined
   * without waiting: for crash recovery, which must not wait on every lock a live writer holds.
   */
  async withLockIfFree<T>(lockPath: string, work: () => Promise<T>): Promise<T | undefined> {
    if (this.queues.has(lockPath)) return undefined;
    return this.withLock(lockPath, work, undefined, true).catch((error: unknown) => {
      if (error instanceof LockBusy) return undefined;
      throw error;
    });
  }

  /** `signal`: the caller gave up (timed out); stop waiting and do not start the work. */
  async withLock<T>(
    lockPath: string,
    work: () => Promise<T>,
    signal?: AbortSignal,
    once = false,
  ): Promise<T> {
    const before = this.queues.get(lockPath) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.queues.set(lockPath, tail);
    try {
      await before;
      await this.acquire(lockPath, signal, once);
      try {
        signal?.throwIfAborted();
        return await work();
      } finally {
        await unlink(lockPath).catch(() => undefined);
      }
    } finally {
      release();
      if (this.queues.get(lockPath) === tail) this.queues.delete(lockPath);
    }
  }

  private async acquire(
    lockPath: string,
    signal: AbortSignal | undefined,
    once = false,
  ): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      try {
        const handle = await open(lockPath, 'wx', FILE_MODE);
        try {
          await handle.writeFile(`${this.host} ${process.pid} ${Date.now()}\n`);
        } catch (error) {
          // A full disk takes the empty file but not its line: never leave a lock nobody holds.
          await handle.close().catch(() => undefined);
          await unlink(lockPath).catch(() => undefined);
          throw error;
        }
        await handle.close();
        return;
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') {
          await makeDirectory(dirname(lockPath));
          continue;
        }
        if (errnoOf(error) !== 'EEXIST') throw error;
      }
      if (await this.breakIfStale(lockPath)) continue;
      if (once) throw new LockBusy();
      if (Date.now() > deadline)
        throw new StorageError(
          'file',
          'TIMEOUT',
          `lock ${lockPath} still held after ${this.timeoutMs} ms`,
        );
      await sleep(Math.random() * Math.min(50, 2 + attempt));
    }
  }

  /** True when the lock was stale and is gone (or vanished meanwhile), so acquiring may retry at once. */
  private async breakIfStale(lockPath: string): Promise<boolean> {
    let judged;
    let holder: string;
    try {
      judged = await stat(lockPath);
      holder = await readFile(lockPath, 'utf8');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return true;
      throw error;
    }
    if (!this.isStale(holder, judged.mtimeMs)) return false;
    // Move it aside rather than delete it: of several breakers only one rename succeeds, and it can
    // check that what it moved is the lock it judged, not a fresh one taken meanwhile.
    const aside = `${lockPath}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await rename(lockPath, aside);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return true;
      throw error;
    }
    const moved = await stat(aside);
    if (moved.ino !== judged.ino) await link(aside, lockPath).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return true;
  }

  private isStale(holder: string, mtimeMs: number): boolean {
    if (mtimeMs < Date.now() - LOCK_STALE_MS) return true;
    const [host, pidText] = holder.trim().split(' ');
    const pid = Number(pidText);
    // A holder writes its line right after creating the file; a lock still without one after the
    // grace was left by a failed write (full disk) or a crash in between, and names no one to wait for.
    if (!host || !pidText) return mtimeMs < Date.now() - UNNAMED_LOCK_GRACE_MS;
    if (host !== this.host || !Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return errnoOf(error) === 'ESRCH';
    }
  }
}
