/**
 * A small tmpfs of its own, for a folder target whose disk fills up: `fill()` takes every free
 * byte (writes then fail with ENOSPC, as on a full disk), `release()` gives them back. Mounting
 * needs root (or CAP_SYS_ADMIN); where it is not allowed the caller gets the reason instead, so a
 * suite can report the scenario as skipped rather than pretend it ran.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  path: string;
  fill(): void;
  release(): void;
  unmount(): void;
}

export function mountTmpfs(sizeBytes: number): Tmpfs | { skipped: string } {
  const path = mkdtempSync(join(tmpdir(), 'staunch-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', path], {
      stdio: 'pipe',
    });
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return { skipped: `cannot mount a tmpfs: ${stderr || (error as Error).message}` };
  }
  const fillers: string[] = [];
  return {
    path,
    fill() {
      // One large file for the bulk, then small ones for what block rounding left over.
      const free = statfsSync(path);
      const bulk = join(path, `.filler-${fillers.length}`);
      fillers.push(bulk);
      try {
        writeFileSync(bulk, Buffer.alloc(Math.max(0, free.bavail * free.bsize - 4096)));
        for (let i = 0; i < 1_000; i++) {
          const small = join(path, `.filler-${fillers.length}`);
          fillers.push(small);
          writeFileSync(small, Buffer.alloc(512));
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    },
    release() {
      for (const file of fillers.splice(0)) {
        try {
          unlinkSync(file);
        } catch {
          // a filler that was never created
        }
      }
    },
    unmount() {
      execFileSync('umount', ['-l', path], { stdio: 'pipe' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}
