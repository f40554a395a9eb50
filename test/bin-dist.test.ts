/**
 * bin/staunch.mjs runs the build in dist/ when it is up to date, and the TypeScript sources
 * otherwise, saying why on stderr when a build is there but older than a source file. Run in a
 * copy of the layout (bin/, dist/, src/) whose entries only say which one ran.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STAUNCH_BIN } from './support/staunch-process.ts';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..');
let dir: string;

async function staunch(env: Record<string, string> = {}): Promise<{ out: string; err: string }> {
  const { STAUNCH_FROM_SOURCE: _, ...rest } = process.env;
  const { stdout, stderr } = await run(process.execPath, [join(dir, 'bin/staunch.mjs')], {
    env: { ...rest, ...env },
    timeout: 30_000,
  });
  return { out: stdout.trim(), err: stderr.trim() };
}

/** Sets a file's time `secondsAgo` in the past, so "newer" does not depend on the clock's resolution. */
const age = (path: string, secondsAgo: number) => {
  const at = new Date(Date.now() - secondsAgo * 1000);
  return utimes(path, at, at);
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'staunch-bin-'));
  await mkdir(join(dir, 'bin'));
  await cp(STAUNCH_BIN, join(dir, 'bin/staunch.mjs'));
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }');
  await writeFile(join(dir, 'tsconfig.json'), '{}');
  await mkdir(join(dir, 'src/runtime'), { recursive: true });
  await writeFile(join(dir, 'src/cli.ts'), "const from: string = 'source';\nconsole.log(from);\n");
  await writeFile(join(dir, 'src/runtime/version.ts'), "export const VERSION = '1';\n");
  await mkdir(join(dir, 'dist/src'), { recursive: true });
  await writeFile(join(dir, 'dist/src/cli.js'), "console.log('dist');\n");
  for (const path of [
    'tsconfig.json',
    'src/cli.ts',
    'src/runtime/version.ts',
    'src/runtime',
    'src',
  ])
    await age(join(dir, path), 600);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bin/staunch.mjs', () => {
  it('runs the build when no source is newer, and says nothing', async () => {
    expect(await staunch()).toEqual({ out: 'dist', err: '' });
  });

  it('runs the sources when one is newer than the build, naming it on stderr once', async () => {
    await age(join(dir, 'dist/src/cli.js'), 120);
    await age(join(dir, 'src/runtime/version.ts'), 0);
    const { out, err } = await staunch();
    expect(out).toBe('source');
    expect(err.split('\n')).toHaveLength(1);
    expect(err).toContain('src/runtime/version.ts is newer than dist/');
    expect(err).toContain('npm run build');
  });

  it('notices a source file added after the build (its folder changed)', async () => {
    await age(join(dir, 'dist/src/cli.js'), 30);
    await writeFile(join(dir, 'src/runtime/added.ts'), 'export {};\n');
    const { out, err } = await staunch();
    expect(out).toBe('source');
    expect(err).toMatch(/src\/runtime(\/added\.ts)? is newer than dist\//);
  });

  it('runs the sources with STAUNCH_FROM_SOURCE=1 however fresh the build', async () => {
    expect(await staunch({ STAUNCH_FROM_SOURCE: '1' })).toEqual({ out: 'source', err: '' });
  });

  it('runs the sources without a build, as a checkout before its first build does', async () => {
    await rm(join(dir, 'dist'), { recursive: true });
    expect(await staunch()).toEqual({ out: 'source', err: '' });
  });
});
