/**
 * The folder target on a full disk: a small tmpfs mounted for the test (we run as root in CI).
 * Skipped, saying why, only where mounting is impossible and CI is not set.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { record, rev } from './_contract.ts';
import { createFileDriver } from './file.ts';
import { entryFile } from './file-index.ts';
import { nameOf } from './file-names.ts';
import type { StorageDriver } from './types.ts';

const mountPoint = mkdtempSync(join(tmpdir(), 'staunch-full-disk-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (error) {
  if (process.env.CI)
    throw new Error(
      `CI is set but a tmpfs cannot be mounted for the full-disk tests: ${(error as Error).message}`,
      { cause: error },
    );
  console.warn(
    `file-full-disk.test.ts skipped: cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]}); run as root to include it`,
  );
}
afterAll(() => {
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

let counter = 0;
const PAGE = 4096;
const filler = join(mountPoint, 'filler');

/** Fill the disk, then free `pages` pages of it. */
function fillLeaving(pages: number): void {
  rmSync(filler, { force: true });
  const chunk = Buffer.alloc(PAGE, 1);
  let size = 0;
  try {
    for (;;) {
      writeFileSync(filler, chunk, { flag: 'a' });
      size += PAGE;
    }
  } catch {
    // ENOSPC: full.
  }
  truncateSync(filler, Math.max(0, size - pages * PAGE));
}

describe.runIf(mounted)('file driver on a full disk (tmpfs)', () => {
  const opened: StorageDriver[] = [];
  const open = async (folder: string) => {
    const driver = createFileDriver(new URL(`${pathToFileURL(folder).href}?timeout_ms=5000`));
    opened.push(driver);
    await driver.init();
    return driver;
  };
  const fresh = () => join(mountPoint, `target-${++counter}`);
  afterAll(() => Promise.all(opened.map((d) => d.close())));

  it('leaves no lock file behind when a put fails for lack of space', async () => {
    rmSync(filler, { force: true });
    const folder = fresh();
    const driver = await open(folder);
    await driver.put([record('warm', 1)]);
    fillLeaving(0);
    for (let i = 0; i < 20; i++)
      await expect(driver.put([record(`x${i}`, 2), record(`y${i}`, 2)])).rejects.toMatchObject({
        name: 'StorageError',
      });
    expect(readdirSync(join(folder, '.locks', 'incident'))).toEqual([]);
    rmSync(filler, { force: true });
  });

  it('shows no record of a put that failed half-way, also after a restart', async () => {
    rmSync(filler, { force: true });
    const folder = fresh();
    const driver = await open(folder);
    await driver.put([record('before', 1)]);
    // Room for the two locks and the small record, not for the large one.
    fillLeaving(4);
    const large = 'x'.repeat(10 * PAGE);
    await expect(
      driver.put([record('small', 2), record('large', 2, { large })]),
    ).rejects.toMatchObject({ name: 'StorageError' });
    expect(await driver.get('incident', 'small')).toBeNull();
    rmSync(filler, { force: true });
    const restarted = await open(folder);
    expect(await restarted.get('incident', 'small')).toBeNull();
    expect((await restarted.list('incident')).items.map((r) => r.id)).toEqual(['before']);
    expect((await restarted.digest()).incident?.count).toBe(1);
  });

  it('starts in bounded time past leftover lock files, and breaks an unnamed one within seconds', async () => {
    rmSync(filler, { force: true });
    const folder = fresh();
    const first = await open(folder);
    const ids = Array.from({ length: 60 }, (_, i) => `stored-${i}`);
    await first.put(ids.map((id) => record(id, 1)));
    // What a full disk used to leave: an empty lock and a pending index entry per record it touched.
    mkdirSync(join(folder, '.locks', 'incident'), { recursive: true });
    for (const id of ids) {
      writeFileSync(join(folder, '.locks', 'incident', `${nameOf(id)}.lock`), '');
      writeFileSync(
        join(folder, '.revs', 'incident', entryFile(rev(2), nameOf(id), 'pending')),
        '',
      );
    }
    const started = performance.now();
    const restarted = await open(folder);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await restarted.list('incident')).items).toHaveLength(60);
    const writing = performance.now();
    expect(await restarted.put([record('stored-0', 3)])).toEqual([true]);
    expect(performance.now() - writing).toBeLessThan(4_000);
  });
});
