import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStorageDriver, record } from './_contract.ts';
import { describeSqlDriver, tableOf } from './_sql-contract.ts';
import sqlite, { createSqliteDriver, sqlitePath } from './sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'staunch-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
const freshTarget = async () => new URL(`sqlite://${join(dir, `db-${++counter}.db`)}`);

const regularFile = join(dir, 'a-regular-file');
writeFileSync(regularFile, '');

/** Run plain SQL on the target's database file, behind the driver's back. */
function withDatabase(target: URL, work: (db: Database.Database) => void): void {
  const db = new Database(sqlitePath(target));
  try {
    work(db);
  } finally {
    db.close();
  }
}

describeStorageDriver({
  name: 'sqlite',
  module: sqlite,
  freshTarget,
  failures: [
    {
      what: 'a directory that does not exist',
      uri: () => new URL(`sqlite://${join(dir, 'missing', 'x.db')}`),
      code: 'NOT_FOUND',
    },
    {
      what: 'a path below a regular file',
      uri: () => new URL(`sqlite://${join(regularFile, 'x.db')}`),
      code: 'UNAVAILABLE',
    },
  ],
});

describeSqlDriver({
  name: 'sqlite',
  module: sqlite,
  freshTarget,
  insertRawRow: async (target, row) =>
    withDatabase(target, (db) => {
      db.prepare(
        `INSERT INTO "${tableOf(target)}" (kind, id, rev, deleted, body) VALUES (?, ?, ?, ?, ?)`,
      ).run(row.kind, row.id, row.rev, row.deleted ? 1 : 0, row.body);
    }),
  rejectWritesOf: async (target, id) =>
    withDatabase(target, (db) => {
      const table = tableOf(target);
      for (const event of ['INSERT', 'UPDATE']) {
        db.exec(`CREATE TRIGGER "${table}_reject_${event}" BEFORE ${event} ON "${table}"
                 WHEN NEW.id = '${id}' BEGIN SELECT RAISE(ABORT, 'rejected by the test'); END`);
      }
    }),
});

describe('sqlite driver', () => {
  it('reads absolute, relative and in-memory paths as statusetat does', () => {
    expect(sqlitePath(new URL('sqlite:///var/lib/staunch/s.db'))).toBe('/var/lib/staunch/s.db');
    expect(sqlitePath(new URL('sqlite://./data/s.db'))).toBe(resolve('data/s.db'));
    expect(sqlitePath(new URL('sqlite://data/s.db?table=other'))).toBe(resolve('data/s.db'));
    expect(sqlitePath(new URL('sqlite:///tmp/with%20space.db'))).toBe('/tmp/with space.db');
    expect(sqlitePath(new URL('sqlite::memory:'))).toBe(':memory:');
    expect(() => sqlitePath(new URL('sqlite://'))).toThrow(/no database path/);
  });

  it('gives each in-memory driver a database of its own', async () => {
    const [first, second] = [
      createSqliteDriver(new URL('sqlite::memory:')),
      createSqliteDriver(new URL('sqlite::memory:?table=mem')),
    ];
    try {
      await first.init();
      await second.init();
      expect(await first.put([record('m', 1)])).toEqual([true]);
      expect(await first.get('incident', 'm')).toEqual(record('m', 1));
      expect(await second.get('incident', 'm')).toBeNull();
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('creates no file before the first call', async () => {
    const uri = await freshTarget();
    const driver = createSqliteDriver(uri);
    expect(existsSync(sqlitePath(uri))).toBe(false);
    await driver.init();
    expect(existsSync(sqlitePath(uri))).toBe(true);
    await driver.close();
  });

  it('keeps secret query parameters out of its location', async () => {
    const uri = await freshTarget();
    uri.searchParams.set('token', 'tok-s3cret');
    const driver = createSqliteDriver(uri);
    expect(driver.location).not.toContain('tok-s3cret');
    await driver.close();
  });
});
