/** `staunch --version` answers before anything loads; the other arguments still reach commander. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/runtime/version.ts';
import { STAUNCH_BIN } from './support/staunch-process.ts';

const run = promisify(execFile);
const staunch = (...args: string[]) =>
  run(process.execPath, [STAUNCH_BIN, ...args], { timeout: 30_000 });

describe('staunch --version', () => {
  it('prints the version for --version and -V, and nothing else', async () => {
    for (const flag of ['--version', '-V'])
      expect(await staunch(flag)).toEqual({ stdout: `${VERSION}\n`, stderr: '' });
  });

  it('is the version package.json declares, which bin/staunch.mjs prints without loading the CLI', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    expect(VERSION).toBe(manifest.version);
  });

  it('leaves --help and an unknown option to commander', async () => {
    expect((await staunch('--help')).stdout).toMatch(/Usage: staunch[\s\S]*serve/);
    await expect(staunch('--bogus')).rejects.toMatchObject({
      stderr: expect.stringContaining("unknown option '--bogus'"),
    });
  });
});
