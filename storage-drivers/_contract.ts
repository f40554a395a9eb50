/**
 * The shared contract every storage driver passes, on its real backend.
 * Not a test file itself: each `<driver>.test.ts` calls `describeStorageDriver(...)`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryDriver } from './memory.ts';
import {
  StorageError,
  type DriverModule,
  type DriverName,
  type Json,
  type StorageDriver,
  type StoredRecord,
} from './types.ts';

const run = promisify(execFile);

export interface ContractOptions {
  name: DriverName;
  module: DriverModule;
  /** A URI naming a fresh, empty target: a new table, folder, file or prefix each call. */
  freshTarget: () => Promise<URL>;
  /** Targets that must fail with a StorageError (not hang, not crash): unreachable, bad password, ... */
  failures?: Array<{ what: string; uri: () => Promise<URL> | URL; code?: StorageError['code'] }>;
  /** False for targets that live inside one process (memory). */
  sharedAcrossProcesses?: boolean;
}

/** A well-formed rev: `n` milliseconds after a fixed epoch, written by `writer`. */
export function rev(n: number, writer = 'w1', counter = 0): string {
  return `${(1_700_000_000_000 + n).toString(16).padStart(12, '0')}-${counter.toString(16).padStart(6, '0')}-${writer}`;
}

export function record(
  id: string,
  n: number,
  body: Json = { title: id },
  extra: Partial<StoredRecord> = {},
): StoredRecord {
  return { kind: 'incident', id, rev: rev(n), deleted: false, body, ...extra };
}

async function collectList(
  driver: StorageDriver,
  kind: string,
  limit: number,
  includeDeleted = false,
): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await driver.list(kind, { cursor, limit, includeDeleted });
    all.push(...result.items);
    if (!result.cursor) return all;
    cursor = result.cursor;
  }
  throw new Error('list never ended');
}

export function describeStorageDriver(options: ContractOptions): void {
  const { name, module } = options;
  describe(`storage driver contract: ${name}`, () => {
    const opened: StorageDriver[] = [];
    const open = async (uri?: URL): Promise<StorageDriver> => {
      const driver = module.create(uri ?? (await options.freshTarget()));
      opened.push(driver);
      await driver.init();
      return driver;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((d) => d.close().catch(() => undefined)));
    });

    it('init is idempotent and an unknown record reads as null', async () => {
      const driver = await open();
      await driver.init();
      expect(await driver.get('incident', 'nope')).toBeNull();
      expect((await driver.list('incident')).items).toEqual([]);
      await driver.ping();
    });

    it('round-trips bodies exactly, including false, 0, empty strings and null', async () => {
      const driver = await open();
      const body = {
        flag: false,
        zero: 0,
        empty: '',
        nothing: null,
        list: [],
        nested: { a: [1, 'b', true] },
        neg: -1.5,
      };
      expect(await driver.put([record('a', 1, body)])).toEqual([true]);
      expect(await driver.get('incident', 'a')).toEqual(record('a', 1, body));
      for (const scalar of [false, 0, '', null, 'text'] as Json[]) {
        const id = `scalar-${JSON.stringify(scalar)}`;
        await driver.put([record(id, 1, scalar)]);
        expect((await driver.get('incident', id))?.body).toEqual(scalar);
      }
    });

    it('keeps the newest rev whatever the order of arrival', async () => {
      const driver = await open();
      expect(await driver.put([record('x', 2, { v: 2 })])).toEqual([true]);
      expect(await driver.put([record('x', 1, { v: 1 })])).toEqual([false]);
      expect((await driver.get('incident', 'x'))?.body).toEqual({ v: 2 });
      expect(
        await driver.put([
          record('y', 1, { v: 1 }),
          record('y', 3, { v: 3 }),
          record('y', 2, { v: 2 }),
        ]),
      ).toEqual([true, true, false]);
      expect((await driver.get('incident', 'y'))?.rev).toBe(rev(3));
      // Same wall time: the counter, then the writer id decide.
      await driver.put([
        { ...record('z', 5), rev: rev(5, 'b') },
        { ...record('z', 5), rev: rev(5, 'a') },
      ]);
      expect((await driver.get('incident', 'z'))?.rev).toBe(rev(5, 'b'));
      await driver.put([{ ...record('z', 5), rev: rev(5, 'a', 1) }]);
      expect((await driver.get('incident', 'z'))?.rev).toBe(rev(5, 'a', 1));
    });

    it('treats a re-put of the same rev as a no-op', async () => {
      const driver = await open();
      expect(await driver.put([record('r', 1, { v: 'first' })])).toEqual([true]);
      expect(await driver.put([record('r', 1, { v: 'first' })])).toEqual([false]);
      expect(await driver.get('incident', 'r')).toEqual(record('r', 1, { v: 'first' }));
      expect((await driver.list('incident')).items).toHaveLength(1);
    });

    it('keeps tombstones so an older write cannot resurrect a delete, and purges them on request', async () => {
      const driver = await open();
      await driver.put([record('t', 1), record('keep', 1)]);
      await driver.put([{ ...record('t', 2, null), deleted: true }]);
      expect(await driver.get('incident', 't')).toMatchObject({ deleted: true, rev: rev(2) });
      expect(await driver.put([record('t', 1, { back: true })])).toEqual([false]);
      expect((await driver.list('incident')).items.map((r) => r.id)).toEqual(['keep']);
      expect(
        (await driver.list('incident', { includeDeleted: true })).items.map((r) => r.id),
      ).toEqual(['keep', 't']);
      expect(await driver.purgeTombstones(rev(2))).toBe(0);
      expect(await driver.purgeTombstones(rev(3))).toBe(1);
      expect(await driver.get('incident', 't')).toBeNull();
      expect(await driver.get('incident', 'keep')).not.toBeNull();
    });

    it('paginates past 1,000 records without losing or repeating any', async () => {
      const driver = await open();
      const ids = Array.from({ length: 1234 }, (_, i) => `inc-${String(i).padStart(5, '0')}`);
      await driver.put(ids.map((id, i) => record(id, i + 1, { i })));
      await driver.put([
        { kind: 'subscriber', id: 'other-kind', rev: rev(1), deleted: false, body: 'a@b.c' },
      ]);
      const paged = await collectList(driver, 'incident', 500);
      expect(paged.map((r) => r.id)).toEqual(ids);
      const bigPages = await collectList(driver, 'incident', 5000);
      expect(bigPages).toHaveLength(1234);
      expect((await driver.digest()).incident?.count).toBe(1234);
    });

    it('lists changes in rev order across kinds, from a mark, page by page', async () => {
      const driver = await open();
      const order = [5, 1, 4, 2, 3, 7, 6];
      await driver.put(
        order.map((n) => ({ ...record(`c${n}`, n), kind: n % 2 ? 'incident' : 'subscriber' })),
      );
      await driver.put([{ ...record('c2', 8, null), kind: 'subscriber', deleted: true }]);
      const all = await driver.changes();
      expect(all.items.map((r) => r.id)).toEqual(['c1', 'c3', 'c4', 'c5', 'c6', 'c7', 'c2']);
      expect(all.items.at(-1)).toMatchObject({ deleted: true });
      const since = await driver.changes({ sinceRev: rev(4) });
      expect(since.items.map((r) => r.rev)).toEqual([rev(5), rev(6), rev(7), rev(8)]);
      const seen: string[] = [];
      let mark: string | undefined;
      for (;;) {
        const page = await driver.changes({ sinceRev: mark, limit: 3 });
        seen.push(...page.items.map((r) => r.id));
        if (!page.cursor) break;
        mark = page.cursor;
      }
      expect(seen).toEqual(all.items.map((r) => r.id));
    });

    it('digests equal exactly when the same (id, rev) pairs are held, on any backend', async () => {
      const driver = await open();
      const reference = createMemoryDriver();
      const records = [record('a', 1), record('b', 2), { ...record('c', 3, null), deleted: true }];
      await driver.put(records);
      await reference.put(records);
      expect(await driver.digest()).toEqual(await reference.digest());
      await driver.put([record('b', 4)]);
      const changed = await driver.digest();
      expect(changed.incident?.hash).not.toBe((await reference.digest()).incident?.hash);
      expect(changed.incident).toMatchObject({ count: 3, maxRev: rev(4) });
    });

    it('lets exactly one of two racing clients claim a record with putIfAbsent', async () => {
      const uri = await options.freshTarget();
      const [first, second] = [await open(uri), await open(uri)];
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? first : second).putIfAbsent({ ...record('claim', i + 1), kind: 'delivery' }),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await first.putIfAbsent({ ...record('claim', 99), kind: 'delivery' })).toBe(false);
      expect(await second.get('delivery', 'claim')).not.toBeNull();
    });

    it('stores unicode ids and bodies, and bodies of 1 MiB, byte for byte', async () => {
      const driver = await open();
      const id = 'ünïcødé / 事件 🚨 with spaces';
      const body = {
        text: 'Ωμέγα – “quotes” – emoji 🔥🧯 – zero\u200bwidth – newline\n – tab\t',
        rtl: 'مرحبا',
      };
      await driver.put([record(id, 1, body)]);
      expect(await driver.get('incident', id)).toEqual(record(id, 1, body));
      const large = 'x'.repeat(1024 * 1024 - 64) + '€✓🚀';
      await driver.put([record('large', 1, { large })]);
      const back = await driver.get('incident', 'large');
      expect((back?.body as { large: string }).large).toBe(large);
    });

    it('stores every id and body string the contract allows, byte for byte, and lists and digests them like the reference', async () => {
      const driver = await open();
      const reference = createMemoryDriver();
      const ids = [
        '🚨'.repeat(100), // 200 UTF-16 units, 400 UTF-8 bytes
        '事'.repeat(200), // 200 units, 600 UTF-8 bytes
        'x'.repeat(200),
        'a/b',
        '/',
        '//',
        '..',
        '../..',
        '../../etc/passwd',
        '.',
        './a',
        'a\\b',
        '%2e%2e',
        '%00',
        '~tmp',
        '#hash',
        '.locks',
        'Foo',
        'foo',
        'FOO',
        'é',
        'e\u0301', // NFC and NFD stay two ids
        ' lead',
        'trail ',
        'tab\tin',
        'line\nbreak',
        '\u0001\u001f\u007f',
        '\u2028\u2029',
        '\ufeffbom',
        '\uffff',
        '𝔘𝔫𝔦',
        '👩‍👩‍👧',
        'CON',
        'a?b#c&d=e',
        'quote\'"`',
      ];
      const body = {
        control:
          Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('') +
          '\u007f\u0080\u009f',
        astral: '𝄞🚨👩‍👩‍👧',
        separators: '\u2028\u2029',
        bom: '\ufeff',
        nonchar: '\uffff',
        'key 🚨 \u0001': ['\u0002', { '\u001b[31m': 'ansi' }],
        backslashes: '\\u0000 is not a NUL',
        quotes: '"\'`',
      };
      const records = ids.map((id, i) => record(id, i + 1, { ...body, id }));
      await driver.put(records);
      await reference.put(records);
      for (const stored of records) expect(await driver.get('incident', stored.id)).toEqual(stored);
      // Id order may be UTF-8 byte order (SQL, S3) or UTF-16 unit order (JavaScript): they differ only
      // between astral characters and U+E000..U+FFFF, and paging is consistent within one driver.
      const paged = (await collectList(driver, 'incident', 7)).map((r) => r.id);
      expect(new Set(paged).size).toBe(paged.length);
      expect(paged.sort()).toEqual(ids.slice().sort());
      expect((await driver.changes()).items).toEqual((await reference.changes()).items);
      expect(await driver.digest()).toEqual(await reference.digest());
    });

    it('lists the same records with storedText, and a copy writes what each record holds then', async () => {
      const source = await open();
      const records = [
        record('a', 1, { title: 'a' }),
        record('b', 2, { text: '\\u00e9 é \u00e9 🚨', nested: [{ k: 'v' }] }),
        record('c', 3, { title: 'c' }),
        record('d', 4, null, { deleted: true }),
      ];
      await source.put(records);
      const listed = (await source.list('incident', { includeDeleted: true, storedText: true }))
        .items;
      expect(listed).toEqual(records);
      const [a, b, c, d] = listed as [StoredRecord, StoredRecord, StoredRecord, StoredRecord];
      // A body replaced in place, or a copy with another body: neither may be written as the text read.
      c.body = { title: 'replaced' };
      const copied = { ...a, rev: rev(5), body: { title: 'copied' } };
      const target = await open();
      expect(await target.put([copied, b, c, d])).toEqual([true, true, true, true]);
      expect(await collectList(target, 'incident', 10, true)).toEqual([
        copied,
        records[1],
        { ...records[2], body: { title: 'replaced' } },
        records[3],
      ]);
      // A record read with its text is still checked as it is when written.
      a.id = 'nul\u0000id';
      await expect(target.put([a])).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    });

    it('refuses NUL and lone surrogates in ids and bodies, writing nothing of the batch', async () => {
      const driver = await open();
      const refused: Array<[string, StoredRecord]> = [
        ['NUL in an id', record('a\u0000b@x.co', 1)],
        ['a lone high surrogate in an id', record('guid-\ud83d', 1)],
        ['a lone low surrogate in an id', record('\ude00-guid', 1)],
        ['NUL in a body string', record('nul-body', 1, { email: 'a\u0000b@x.co' })],
        ['NUL in a body key', record('nul-key', 1, { ['k\u0000']: 1 })],
        [
          'a lone surrogate deep in a body',
          record('surrogate-body', 1, { list: [1, { text: 'x\ud800y' }] }),
        ],
        ['a lone surrogate in a scalar body', record('surrogate-scalar', 1, '\udfff')],
      ];
      for (const [what, bad] of refused) {
        const error = await driver.put([record('innocent', 1), bad]).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, what).toMatchObject({ code: 'INVALID_RECORD' });
        expect(
          await driver.putIfAbsent(bad).then(
            () => null,
            (e: unknown) => e,
          ),
          what,
        ).toMatchObject({ code: 'INVALID_RECORD' });
      }
      expect(await driver.get('incident', 'innocent')).toBeNull();
      expect(await driver.digest()).toEqual({});
    });

    it('rejects a malformed record without writing any of its batch', async () => {
      const driver = await open();
      const bad = {
        kind: 'incident',
        id: 'bad',
        rev: 'not-a-rev',
        deleted: false,
        body: {},
      } as StoredRecord;
      await expect(driver.put([record('good', 1), bad])).rejects.toMatchObject({
        code: 'INVALID_RECORD',
      });
      expect(await driver.get('incident', 'good')).toBeNull();
    });

    it.runIf(options.sharedAcrossProcesses !== false)(
      'is readable from a second process',
      async () => {
        const uri = await options.freshTarget();
        const driver = await open(uri);
        await driver.put([record('shared', 1, { from: 'parent', n: 0, ok: false })]);
        const helper = fileURLToPath(new URL('../test/support/read-record.ts', import.meta.url));
        const { stdout } = await run(
          process.execPath,
          ['--import', 'tsx', helper, name, uri.href, 'incident', 'shared'],
          { timeout: 30_000 },
        );
        expect(JSON.parse(stdout)).toEqual(
          record('shared', 1, { from: 'parent', n: 0, ok: false }),
        );
      },
    );

    it('rejects calls after close', async () => {
      const driver = await open();
      await driver.close();
      await driver.close();
      await expect(driver.get('incident', 'a')).rejects.toBeInstanceOf(StorageError);
    });

    for (const failure of options.failures ?? []) {
      it(`fails cleanly, without hanging, for ${failure.what}`, async () => {
        const driver = module.create(await failure.uri(), { timeoutMs: 3000 });
        opened.push(driver);
        const error = await driver.ping().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(StorageError);
        if (failure.code) expect((error as StorageError).code).toBe(failure.code);
        // The password, if there was one, never reaches the message.
        const uri = await failure.uri();
        if (uri.password)
          expect((error as Error).message).not.toContain(decodeURIComponent(uri.password));
      }, 15_000); // a hang shows as this test timing out
    }
  });
}
