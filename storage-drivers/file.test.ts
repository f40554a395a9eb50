import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStorageDriver, record, rev } from './_contract.ts';
import file, { createFileDriver } from './file.ts';
import { fileDirectory } from './file-uri.ts';
import { idOf, nameOf } from './file-names.ts';
import { createMemoryDriver } from './memory.ts';
import type { BadRecord, StorageDriver } from './types.ts';

const run = promisify(execFile);
const base = mkdtempSync(join(tmpdir(), 'staunch-file-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let counter = 0;
/** A folder that does not exist yet: init creates it. */
const freshFolder = () => join(base, `target-${++counter}`, 'data');
const uriOf = (folder: string, query = '') => new URL(pathToFileURL(folder).href + query);

const regularFile = join(base, 'a-regular-file');
writeFileSync(regularFile, '');

describeStorageDriver({
  name: 'file',
  module: file,
  freshTarget: async () => uriOf(freshFolder()),
  failures: [
    {
      what: 'a folder that was never created',
      uri: () => uriOf(join(base, 'missing', 'data')),
      code: 'NOT_FOUND',
    },
    {
      what: 'a path below a regular file',
      uri: () => uriOf(join(regularFile, 'data')),
      code: 'NOT_FOUND',
    },
    { what: 'a path under /proc', uri: () => uriOf('/proc/staunch-test/data'), code: 'NOT_FOUND' },
  ],
});

async function openFresh(
  options: Parameters<typeof createFileDriver>[1] = {},
  query = '',
): Promise<{ driver: StorageDriver; folder: string }> {
  const folder = freshFolder();
  const driver = createFileDriver(uriOf(folder, query), options);
  await driver.init();
  return { driver, folder };
}

describe('file target URIs', () => {
  it('reads absolute, relative and percent-encoded folders as statusetat does', () => {
    expect(fileDirectory(new URL('file:///var/lib/staunch'))).toBe('/var/lib/staunch');
    expect(fileDirectory(new URL('file:///var/lib/staunch/'))).toBe('/var/lib/staunch');
    expect(fileDirectory(new URL('file://./data/staunch'))).toBe(resolve('data/staunch'));
    expect(fileDirectory(new URL('file://../up'))).toBe(resolve('../up'));
    expect(fileDirectory(new URL('file:///tmp/with%20space/%C3%A9'))).toBe('/tmp/with space/é');
    expect(fileDirectory(new URL('file:///tmp/x?fsync=false&timeout_ms=500'))).toBe('/tmp/x');
  });

  it('refuses unknown parameters, a fsync that is not a boolean, and the root folder', () => {
    for (const bad of [
      'file:///tmp/x?fsnyc=false',
      'file:///tmp/x?fsync=maybe',
      'file:///',
      'memory://x',
    ]) {
      expect(() => createFileDriver(new URL(bad)), bad).toThrow(
        expect.objectContaining({ code: 'INVALID_URI' }),
      );
    }
  });
});

describe('file names', () => {
  it('round-trip any id, in characters every file system accepts, distinct even without case', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
        (a, b) => {
          const name = nameOf(a);
          expect(name).toMatch(/^(?:[a-z0-9_%A-F-]|%u)+$|^#[0-9a-f]{64}$/);
          expect(name.length).toBeLessThanOrEqual(160);
          const back = idOf(name);
          if (back !== null) expect(back).toBe(a);
          if (a !== b) expect(nameOf(a).toLowerCase()).not.toBe(nameOf(b).toLowerCase());
        },
      ),
      { numRuns: 3000 },
    );
    expect(nameOf('Foo')).not.toBe(nameOf('foo'));
    expect(idOf('%61')).toBeUndefined();
    expect(idOf('notes.txt')).toBeUndefined();
  });

  it('stores ids that differ only in case, and ids too long for a file name, side by side', async () => {
    const { driver, folder } = await openFresh();
    const long = '事件'.repeat(100);
    await driver.put([record('Foo', 1), record('foo', 2), record(long, 3, { long: true })]);
    expect((await driver.list('incident')).items.map((r) => r.id)).toEqual(['Foo', 'foo', long]);
    expect(await driver.get('incident', long)).toEqual(record(long, 3, { long: true }));
    const reference = createMemoryDriver();
    await reference.put([record('Foo', 1), record('foo', 2), record(long, 3, { long: true })]);
    expect(await driver.digest()).toEqual(await reference.digest());
    expect((await driver.changes()).items.map((r) => r.id)).toEqual(['Foo', 'foo', long]);
    expect(readdirSync(join(folder, 'incident')).filter((f) => f.startsWith('#'))).toHaveLength(1);
    await driver.close();
  });
});

describe('file driver', () => {
  it('writes whole files only: no temporary files stay behind, each record file is its JSON', async () => {
    const { driver, folder } = await openFresh();
    await driver.put(Array.from({ length: 50 }, (_, i) => record(`r${i}`, i + 1, { i })));
    await driver.put(
      Array.from({ length: 50 }, (_, i) => record(`r${i}`, 100 + i, { i, again: true })),
    );
    const files = readdirSync(join(folder, 'incident'));
    expect(files).toHaveLength(50);
    expect(files.every((f) => f.endsWith('.json'))).toBe(true);
    // One index entry per record, none pending, no locks left.
    expect(readdirSync(join(folder, '.revs', 'incident'))).toHaveLength(50);
    expect(readdirSync(join(folder, '.locks', 'incident'))).toEqual([]);
    await driver.close();
  });

  it('skips and reports files that are not records', async () => {
    const bad: BadRecord[] = [];
    const { driver, folder } = await openFresh({ onBadRecord: (b) => bad.push(b) });
    await driver.put([record('good', 1)]);
    const kindFolder = join(folder, 'incident');
    writeFileSync(join(kindFolder, 'notes.txt'), 'hello');
    writeFileSync(join(kindFolder, 'corrupt.json'), '{"kind": "incident", "id": ');
    writeFileSync(join(kindFolder, 'misplaced.json'), JSON.stringify(record('elsewhere', 1)));
    writeFileSync(join(kindFolder, 'Upper.json'), JSON.stringify(record('Upper', 1)));
    mkdirSync(join(kindFolder, 'folder.json'));
    mkdirSync(join(folder, 'lost+found'));

    expect((await driver.list('incident')).items.map((r) => r.id)).toEqual(['good']);
    expect(bad.map((b) => b.location).sort()).toEqual(
      ['Upper.json', 'corrupt.json', 'folder.json', 'misplaced.json', 'notes.txt'].map((f) =>
        join(kindFolder, f),
      ),
    );
    expect(bad.find((b) => b.location.endsWith('corrupt.json'))?.error).toMatch(/not JSON/);
    expect(bad.find((b) => b.location.endsWith('misplaced.json'))?.error).toMatch(/another file/);

    bad.length = 0;
    expect(await driver.get('incident', 'corrupt')).toBeNull();
    expect(bad).toHaveLength(1);
    expect((await driver.digest()).incident).toMatchObject({ count: 1, maxRev: rev(1) });
    expect((await driver.changes()).items.map((r) => r.id)).toEqual(['good']);
    // A newer write repairs a corrupt file.
    expect(await driver.put([record('corrupt', 2)])).toEqual([true]);
    expect(await driver.get('incident', 'corrupt')).toEqual(record('corrupt', 2));
    await driver.close();
  });

  it('reads past what a crash leaves behind, and init repairs it', async () => {
    const { driver, folder } = await openFresh();
    await driver.put([record('a', 1), record('b', 2), record('gone', 3)]);
    const index = join(folder, '.revs', 'incident');
    // A write that died after marking itself, before replacing the record:
    writeFileSync(join(index, `${rev(9)}~a.pending`), '');
    // One that died after its rename, before removing the old entry:
    writeFileSync(join(index, `${rev(0)}~b`), '');
    // One that died before its first record file existed:
    writeFileSync(join(index, `${rev(7)}~ghost.pending`), '');
    // A record copied in by hand, with no entry:
    writeFileSync(join(folder, 'incident', 'copied.json'), JSON.stringify(record('copied', 4)));
    // A record deleted by hand, its entry left:
    rmSync(join(folder, 'incident', 'gone.json'));
    // A temporary file from long ago:
    const temporary = join(folder, 'incident', '~1234-old.tmp');
    writeFileSync(temporary, '{');
    utimesSync(temporary, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));

    expect(await driver.get('incident', 'a')).toEqual(record('a', 1));
    expect((await driver.changes()).items.map((r) => [r.id, r.rev])).toEqual([
      ['a', rev(1)],
      ['b', rev(2)],
    ]);
    expect((await driver.list('incident')).items.map((r) => r.id)).toEqual(['a', 'b', 'copied']);

    const restarted = createFileDriver(uriOf(folder));
    await restarted.init();
    expect(readdirSync(index).sort()).toEqual([`${rev(1)}~a`, `${rev(2)}~b`, `${rev(4)}~copied`]);
    expect(existsSync(temporary)).toBe(false);
    const reference = createMemoryDriver();
    await reference.put([record('a', 1), record('b', 2), record('copied', 4)]);
    expect(await restarted.digest()).toEqual(await reference.digest());
    expect((await restarted.changes({ sinceRev: rev(2) })).items.map((r) => r.id)).toEqual([
      'copied',
    ]);
    await Promise.all([driver.close(), restarted.close()]);
  });

  it('sees every write of another process through the change feed of a folder gone quiet', async () => {
    const { driver, folder } = await openFresh();
    const other = createFileDriver(uriOf(folder));
    await other.init();
    await driver.put([record('a', 1), record('b', 2)]);
    // A folder last changed an hour ago: its listing is remembered from now on.
    const index = join(folder, '.revs', 'incident');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(index, hourAgo, hourAgo);
    expect((await driver.changes()).items.map((r) => r.id)).toEqual(['a', 'b']);
    expect((await driver.changes({ sinceRev: rev(2) })).items).toEqual([]);

    await other.put([record('c', 3)]);
    expect((await driver.changes({ sinceRev: rev(2) })).items.map((r) => r.id)).toEqual(['c']);
    // At once again, within the same tick of the folder's time.
    await other.put([record('a', 4)]);
    expect((await driver.changes({ sinceRev: rev(3) })).items.map((r) => r.id)).toEqual(['a']);
    // Earlier revs still come back when asked for: only "nothing above" is remembered.
    expect((await driver.changes({ sinceRev: rev(1) })).items.map((r) => r.id)).toEqual([
      'b',
      'c',
      'a',
    ]);
    await Promise.all([driver.close(), other.close()]);
  });

  it('breaks a lock left by a dead process at once, and waits for a live one', async () => {
    const { driver, folder } = await openFresh({}, '?timeout_ms=400');
    await driver.put([record('x', 1)]);
    const lockFolder = join(folder, '.locks', 'incident');
    const deadPid = await new Promise<number>((done) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.on('exit', () => done(child.pid!));
    });
    writeFileSync(join(lockFolder, 'x.lock'), `${hostname()} ${deadPid} ${Date.now()}\n`);
    expect(await driver.put([record('x', 2)])).toEqual([true]);

    writeFileSync(join(lockFolder, 'x.lock'), `${hostname()} ${process.pid} ${Date.now()}\n`);
    await expect(driver.put([record('x', 3)])).rejects.toMatchObject({ code: 'TIMEOUT' });
    // Older than the stale limit: broken whoever holds it.
    const longAgo = new Date(Date.now() - 120_000);
    utimesSync(join(lockFolder, 'x.lock'), longAgo, longAgo);
    expect(await driver.put([record('x', 3)])).toEqual([true]);
    await driver.close();
  });

  it('keeps two processes sharing the folder from losing updates or claiming twice', async () => {
    const folder = freshFolder();
    const driverModule = fileURLToPath(new URL('./file.ts', import.meta.url));
    const worker = `
      const { createFileDriver } = await import(${JSON.stringify(driverModule)});
      const writer = process.env.WRITER;
      const driver = createFileDriver(new URL(process.env.TARGET));
      await driver.init();
      const rev = (n) => (1_700_000_000_000 + n).toString(16).padStart(12, '0') + '-000000-' + writer;
      const won = [];
      for (let round = 0; round < 40; round++) {
        await driver.put(['p', 'q', 'r'].map((id) => ({ kind: 'incident', id, rev: rev(round), deleted: false, body: { writer, round } })));
        const claim = { kind: 'delivery', id: 'claim-' + (round % 10), rev: rev(round), deleted: false, body: writer };
        if (await driver.putIfAbsent(claim)) won.push(claim.id);
      }
      await driver.close();
      process.stdout.write(JSON.stringify(won));
    `;
    const start = (writer: string) =>
      run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', worker], {
        env: { ...process.env, WRITER: writer, TARGET: uriOf(folder).href },
        timeout: 60_000,
      });
    const [a, b] = await Promise.all([start('a'), start('b')]);
    const claims = [
      ...(JSON.parse(a.stdout) as string[]),
      ...(JSON.parse(b.stdout) as string[]),
    ].sort();
    expect(claims).toEqual(Array.from({ length: 10 }, (_, i) => `claim-${i}`).sort());

    const driver = createFileDriver(uriOf(folder));
    await driver.init();
    // Writer "b" sorts after "a" at equal wall time, so the last round of b is the newest rev.
    const newest = `${(1_700_000_000_000 + 39).toString(16).padStart(12, '0')}-000000-b`;
    for (const id of ['p', 'q', 'r'])
      expect(await driver.get('incident', id), id).toMatchObject({
        rev: newest,
        body: { writer: 'b', round: 39 },
      });
    expect(readdirSync(join(folder, '.revs', 'incident')).sort()).toEqual(
      ['p', 'q', 'r'].map((id) => `${newest}~${id}`),
    );
    expect((await driver.digest()).delivery?.count).toBe(10);
    await driver.close();
  });

  it('fails clearly, without hanging, where the folder cannot be made', async () => {
    await expect(createFileDriver(uriOf(join(regularFile, 'data'))).init()).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(createFileDriver(uriOf('/proc/staunch-test/data')).init()).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    if (process.platform === 'linux')
      await expect(createFileDriver(uriOf('/sys/staunch-test')).init()).rejects.toMatchObject({
        code: 'AUTH',
      });
    if (process.getuid?.() !== 0) {
      const locked = join(base, `locked-${++counter}`);
      mkdirSync(locked, { mode: 0o500 });
      await expect(createFileDriver(uriOf(join(locked, 'data'))).init()).rejects.toMatchObject({
        code: 'AUTH',
      });
    }
  });
});
