/**
 * Checks the three SQL drivers share beyond the storage contract: rows planted behind the
 * driver's back, batch semantics, collation, the `?table=` parameter, concurrency and outages.
 * Not a test file itself: `sqlite.test.ts`, `postgres.test.ts` and `mysql.test.ts` call it.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { record, rev } from './_contract.ts';
import { DEFAULT_TABLE, type RecordRow } from './sql-common.ts';
import {
  StorageError,
  type BadRecord,
  type DriverModule,
  type DriverName,
  type DriverOptions,
  type StorageDriver,
  type StoredRecord,
} from './types.ts';
import type { TcpProxy } from '../test/support/tcp-proxy.ts';

export interface SqlContractOptions {
  name: DriverName;
  module: DriverModule;
  /** A URI naming a fresh, empty table. */
  freshTarget: () => Promise<URL>;
  /** Write a row with plain SQL, bypassing every check the driver makes. */
  insertRawRow: (target: URL, row: RecordRow) => Promise<void>;
  /** Make the server reject every write of this id (a trigger), to catch a batch that is not one transaction. */
  rejectWritesOf: (target: URL, id: string) => Promise<void>;
  /** Make the server take this many seconds over every write of this id (a trigger). */
  delayWritesOf?: (target: URL, id: string, seconds: number) => Promise<void>;
  /** Make the server end every connection to the target's database, as a restart would. */
  dropConnections?: (target: URL) => Promise<void>;
  /** A proxy in front of the real server, for outages that only this suite sees. */
  proxy?: () => Promise<TcpProxy>;
}

export const tableOf = (uri: URL) => uri.searchParams.get('table') ?? DEFAULT_TABLE;

export function describeSqlDriver(options: SqlContractOptions): void {
  const { name, module } = options;
  describe(`SQL driver behaviour: ${name}`, () => {
    const opened: StorageDriver[] = [];
    const open = async (uri?: URL, driverOptions?: DriverOptions): Promise<StorageDriver> => {
      const driver = module.create(uri ?? (await options.freshTarget()), driverOptions);
      opened.push(driver);
      await driver.init();
      return driver;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((d) => d.close().catch(() => undefined)));
    });

    it('skips and reports rows that are not records, and pages past them', async () => {
      const uri = await options.freshTarget();
      const reports: BadRecord[] = [];
      const driver = await open(uri, { onBadRecord: (bad) => reports.push(bad) });
      await driver.put([record('a', 1), record('d', 4)]);
      await options.insertRawRow(uri, {
        kind: 'incident',
        id: 'b-json',
        rev: rev(2),
        deleted: false,
        body: '{not json',
      });
      await options.insertRawRow(uri, {
        kind: 'incident',
        id: 'c-rev',
        rev: 'garbage',
        deleted: false,
        body: '{}',
      });

      expect(await driver.get('incident', 'b-json')).toBeNull();
      expect(reports).toEqual([
        { location: `${tableOf(uri)} incident/b-json`, error: expect.stringContaining('JSON') },
      ]);
      expect((await driver.list('incident')).items.map((r) => r.id)).toEqual(['a', 'd']);
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await driver.list('incident', { cursor, limit: 1 });
        paged.push(...page.items.map((r) => r.id));
        cursor = page.cursor;
      } while (cursor);
      expect(paged).toEqual(['a', 'd']);
      expect((await driver.changes()).items.map((r) => r.id)).toEqual(['a', 'd']);
      // The digest reads keys only: the unreadable body still counts, the garbage rev does not.
      expect((await driver.digest()).incident).toMatchObject({ count: 3, maxRev: rev(4) });
      expect(
        reports.some((bad) => bad.location.endsWith('incident/c-rev') && /rev/.test(bad.error)),
      ).toBe(true);
    });

    it('checks the strings of a stored body once parsed when its text has escapes, with or without storedText', async () => {
      const uri = await options.freshTarget();
      const reports: BadRecord[] = [];
      const driver = await open(uri, { onBadRecord: (bad) => reports.push(bad) });
      const plant = (id: string, n: number, body: string) =>
        options.insertRawRow(uri, { kind: 'incident', id, rev: rev(n), deleted: false, body });
      await plant('a-nul', 1, '{"email":"a\\u0000b"}');
      await plant('b-surrogate', 2, '{"list":[{"k\\ud800":1}]}');
      await plant('c-pair', 3, '{"text":"\\ud83d\\udea8 \\u00e9 \\\\u0000"}');
      await plant('d-plain', 4, '{ "text" : "plain" }');
      for (const storedText of [false, true]) {
        reports.length = 0;
        const { items } = await driver.list('incident', { storedText });
        expect(items.map((r) => [r.id, r.body])).toEqual([
          ['c-pair', { text: '🚨 é \\u0000' }],
          ['d-plain', { text: 'plain' }],
        ]);
        expect(reports.map((bad) => bad.location)).toEqual([
          `${tableOf(uri)} incident/a-nul`,
          `${tableOf(uri)} incident/b-surrogate`,
        ]);
        // What a copy writes reads back the same, written as the text read or serialized again.
        const copy = await open();
        await copy.put(items);
        expect((await copy.list('incident')).items).toEqual(items);
      }
    });

    it('judges each record of a batch after the ones before it, in input order', async () => {
      const driver = await open();
      await driver.put([record('x', 2)]);
      const batch = [
        record('x', 1, { v: 'old' }),
        record('x', 3, { v: 'first 3' }),
        record('x', 3, { v: 'second 3' }),
        record('y', 1, { v: 'y1' }),
        record('x', 2, { v: 'late' }),
        record('y', 1, { v: 'y1 again' }),
        record('y', 5, { v: 'y5' }),
      ];
      expect(await driver.put(batch)).toEqual([false, true, false, true, false, false, true]);
      expect(await driver.get('incident', 'x')).toEqual(record('x', 3, { v: 'first 3' }));
      expect(await driver.get('incident', 'y')).toEqual(record('y', 5, { v: 'y5' }));
    });

    it('never ends a page of changes inside a run of equal revs, which the rev cursor would skip', async () => {
      const driver = await open();
      const sameRev = (id: string, n: number, kind = 'incident') => ({ ...record(id, n), kind });
      await driver.put([
        sameRev('a', 1),
        sameRev('b', 1),
        sameRev('c', 1, 'subscriber'),
        sameRev('d', 1),
        sameRev('e', 1),
        sameRev('f', 2),
        sameRev('g', 2),
        sameRev('h', 3),
      ]);
      const seen: string[] = [];
      let mark: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await driver.changes({ sinceRev: mark, limit: 2 });
        seen.push(...page.items.map((r) => r.id));
        if (!page.cursor) break;
        mark = page.cursor;
      }
      expect(seen.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    });

    it('writes a batch in one transaction: a write failing late leaves nothing behind', async () => {
      const uri = await options.freshTarget();
      const driver = await open(uri);
      await driver.put([record('kept', 1, { v: 'old' })]);
      await options.rejectWritesOf(uri, 'boom');
      // Several MiB, so that drivers which split a batch into statements do split this one.
      const big = 'x'.repeat(1024 * 1024);
      const batch = [
        record('kept', 2, { v: 'new' }),
        ...Array.from({ length: 6 }, (_, i) => record(`big-${i}`, 3, { big })),
        record('boom', 4),
      ];
      await expect(driver.put(batch)).rejects.toBeInstanceOf(StorageError);
      expect((await driver.get('incident', 'kept'))?.body).toEqual({ v: 'old' });
      expect(await driver.get('incident', 'big-0')).toBeNull();
      expect(await driver.put([record('after', 5)])).toEqual([true]);
    });

    it('keeps ids apart that differ only by case, accents or trailing spaces, in byte order', async () => {
      const driver = await open();
      const ids = ['a', 'a ', 'A', 'á', 'a\u0301', 'B', '_', 'z', '事', 'ä', 'Z'];
      expect(await driver.put(ids.map((id, i) => record(id, i + 1, { id })))).toEqual(
        ids.map(() => true),
      );
      for (const id of ids) expect((await driver.get('incident', id))?.body).toEqual({ id });
      const byteOrder = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      expect((await driver.list('incident')).items.map((r) => r.id)).toEqual(byteOrder);
    });

    it('keeps installs apart that share one database through ?table=', async () => {
      const base = await options.freshTarget();
      const [one, two] = ['one', 'two'].map((suffix) => {
        const uri = new URL(base.href);
        uri.searchParams.set('table', `${tableOf(base)}_${suffix}`);
        return uri;
      }) as [URL, URL];
      const first = await open(one);
      const second = await open(two);
      await first.put([record('only-in-one', 1)]);
      expect(await second.get('incident', 'only-in-one')).toBeNull();
      expect(await first.get('incident', 'only-in-one')).not.toBeNull();
    });

    it('refuses a table name that is not a plain identifier, before any I/O', async () => {
      for (const table of ['x;drop table y', 'a"b', 'a`b', '1abc', '', 'x'.repeat(49)]) {
        const uri = await options.freshTarget();
        uri.searchParams.set('table', table);
        let error: unknown;
        try {
          module.create(uri);
        } catch (caught) {
          error = caught;
        }
        expect(error, table).toBeInstanceOf(StorageError);
        expect((error as StorageError).code).toBe('INVALID_URI');
      }
    });

    it('converges when several clients put overlapping batches at the same time', async () => {
      const uri = await options.freshTarget();
      const clients = [await open(uri), await open(uri)];
      const ids = Array.from({ length: 60 }, (_, i) => `id-${i}`);
      const batches = Array.from({ length: 8 }, (_, b) => {
        const order = b % 2 ? [...ids].reverse() : ids;
        return order.map((id, i) => record(id, 1 + ((i * 7 + b * 13) % 50), { b }));
      });
      await Promise.all(batches.map((batch, b) => clients[b % 2]!.put(batch)));
      const best = new Map<string, string>();
      for (const r of batches.flat()) if ((best.get(r.id) ?? '') < r.rev) best.set(r.id, r.rev);
      const stored = (await clients[0]!.list('incident')).items;
      expect(new Map(stored.map((r: StoredRecord) => [r.id, r.rev]))).toEqual(best);
    });

    // Network targets only (those that come with a proxy); sqlite checks that it creates no file.
    it.runIf(options.proxy !== undefined)(
      'connects lazily: creating a driver opens no connection',
      async () => {
        let accepted = 0;
        const server = createServer((socket) => {
          accepted++;
          socket.destroy();
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
          const uri = await options.freshTarget();
          uri.port = String((server.address() as { port: number }).port);
          const driver = module.create(uri);
          await new Promise((resolve) => setTimeout(resolve, 100));
          await driver.close();
          expect(accepted).toBe(0);
        } finally {
          await new Promise((resolve) => server.close(resolve));
        }
      },
    );

    it.runIf(options.delayWritesOf !== undefined)(
      'gives up on a slow statement after the timeout, and goes on working',
      async () => {
        const uri = await options.freshTarget();
        const driver = await open(uri, { timeoutMs: 1000 });
        await options.delayWritesOf!(uri, 'slow', 3);
        const started = Date.now();
        const error = await driver.put([record('slow', 1)]).then(
          () => null,
          (e: unknown) => e,
        );
        expect((error as StorageError).code).toBe('TIMEOUT');
        expect(Date.now() - started).toBeLessThan(2500);
        // Puts are idempotent, so a timed-out one that still lands later is harmless; what matters is
        // that the driver is not left waiting on it.
        expect(await driver.put([record('fast', 2)])).toEqual([true]);
        expect(await driver.get('incident', 'fast')).not.toBeNull();
      },
    );

    it.runIf(options.dropConnections !== undefined)(
      'carries on after the server ends its connections',
      async () => {
        const uri = await options.freshTarget();
        const driver = await open(uri);
        await driver.put([record('before', 1)]);
        await options.dropConnections!(uri);
        // Let the dead connections' errors arrive while the pool holds them idle: they must not crash anything.
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(await driver.get('incident', 'before')).not.toBeNull();
        expect(await driver.put([record('after', 2)])).toEqual([true]);
      },
    );

    it.runIf(options.proxy !== undefined)(
      'reports an outage quickly, and recovers when the server is back',
      async () => {
        const proxy = await options.proxy!();
        try {
          const uri = new URL(proxy.via((await options.freshTarget()).href));
          const driver = await open(uri, { timeoutMs: 2000 });
          await driver.put([record('before', 1)]);

          proxy.cut();
          const started = Date.now();
          for (const call of [
            () => driver.ping(),
            () => driver.get('incident', 'before'),
            () => driver.put([record('during', 2)]),
          ]) {
            const error = await call().then(
              () => null,
              (e: unknown) => e,
            );
            expect(error).toBeInstanceOf(StorageError);
            expect(['UNAVAILABLE', 'TIMEOUT']).toContain((error as StorageError).code);
          }
          expect(Date.now() - started).toBeLessThan(7000);

          proxy.silence();
          const hung = await driver.ping().then(
            () => null,
            (e: unknown) => e,
          );
          expect((hung as StorageError).code).toBe('TIMEOUT');

          proxy.restore();
          await expect
            .poll(
              () =>
                driver.ping().then(
                  () => 'up',
                  () => 'down',
                ),
              { timeout: 10_000, interval: 200 },
            )
            .toBe('up');
          expect(await driver.get('incident', 'before')).not.toBeNull();
          expect(await driver.put([record('after', 3)])).toEqual([true]);
        } finally {
          await proxy.close();
        }
      },
      30_000,
    );
  });
}
