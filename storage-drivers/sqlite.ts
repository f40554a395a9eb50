/**
 * SQLite target through better-sqlite3: `sqlite:///abs/path.db`, `sqlite://./rel.db` (relative to
 * the config file's folder) and in-memory databases (see sqlitePath). better-sqlite3 is synchronous,
 * so every statement here completes before the call returns; the busy timeout is what bounds a
 * wait for another process's write lock.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  StorageError,
  type DriverModule,
  type DriverOptions,
  type StorageDriver,
  type StorageErrorCode,
} from './types.ts';
import {
  createSqlDriver,
  networkErrorCode,
  sqlTarget,
  type KeyRow,
  type RecordRow,
  type SqlDialect,
  type StoredRow,
} from './sql-common.ts';
import { MEMORY_PATH, sqliteDescriptor, sqlitePath } from './sqlite-uri.ts';

export { MEMORY_PATH, sqlitePath };

export function createSqliteDriver(uri: URL, options: DriverOptions = {}): StorageDriver {
  const target = sqlTarget('sqlite', uri, options);
  const path = sqlitePath(uri);
  const table = `"${target.table}"`;
  let db: Database.Database | undefined;
  const statements = new Map<string, Database.Statement>();

  // Opening creates the file, so it waits for the first call: creating a driver does no I/O.
  const database = (): Database.Database => {
    if (!db) {
      // SQLite creates the file but never its directory; a missing one is a wrong path, not an outage.
      if (path !== MEMORY_PATH && !existsSync(dirname(path))) {
        throw new StorageError(
          'sqlite',
          'NOT_FOUND',
          `directory ${dirname(path)} of ${target.location} does not exist`,
        );
      }
      db = new Database(path, { timeout: target.timeoutMs });
      // Bodies are JSON documents of a few KiB: on 4 KiB pages a batch spends its time splitting
      // pages, on 16 KiB pages batched puts run three to four times faster. SQLite applies this only
      // to a database that has no table yet, so existing files keep their page size.
      db.pragma('page_size = 16384');
      // WAL lets readers in other processes go on while one writes.
      if (path !== MEMORY_PATH) db.pragma('journal_mode = WAL');
    }
    return db;
  };
  const statement = (sql: string): Database.Statement => {
    let prepared = statements.get(sql);
    if (!prepared) statements.set(sql, (prepared = database().prepare(sql)));
    return prepared;
  };
  const columns = `kind, id, rev, deleted, body`;
  const values = (row: RecordRow) => [row.kind, row.id, row.rev, row.deleted ? 1 : 0, row.body];

  const dialect: SqlDialect = {
    async createSchema() {
      // TEXT compares with memcmp on UTF-8 (the BINARY collation): string order is byte order.
      database().exec(`
        CREATE TABLE IF NOT EXISTS ${table} (
          kind TEXT NOT NULL, id TEXT NOT NULL, rev TEXT NOT NULL,
          deleted INTEGER NOT NULL, body TEXT NOT NULL,
          PRIMARY KEY (kind, id));
        CREATE INDEX IF NOT EXISTS "${target.table}_rev" ON ${table} (rev);`);
    },
    async applyBatch(rows) {
      // Row by row inside one transaction: each upsert sees the ones before it, which is exactly
      // the one-after-another semantics, and a prepared statement keeps it fast.
      const upsert = statement(`
        INSERT INTO ${table} (${columns}) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (kind, id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted, body = excluded.body
        WHERE excluded.rev > ${table}.rev`);
      const apply = database().transaction((batch: RecordRow[]) =>
        batch.map((row) => upsert.run(values(row)).changes === 1),
      );
      // IMMEDIATE takes the write lock up front, so two processes wait on the busy timeout instead of deadlocking.
      return apply.immediate(rows);
    },
    async selectRecord(kind, id) {
      return statement(`SELECT ${columns} FROM ${table} WHERE kind = ? AND id = ?`).get(
        kind,
        id,
      ) as StoredRow | undefined;
    },
    async selectKind(kind, afterId, includeDeleted, limit) {
      const live = includeDeleted ? '' : 'AND deleted = 0';
      return statement(
        `SELECT ${columns} FROM ${table} WHERE kind = ? AND id > ? ${live} ORDER BY id LIMIT ?`,
      ).all(kind, afterId, limit) as StoredRow[];
    },
    async selectChanges(afterRev, limit) {
      return statement(
        `SELECT ${columns} FROM ${table} WHERE rev > ? ORDER BY rev, kind, id LIMIT ?`,
      ).all(afterRev, limit) as StoredRow[];
    },
    async selectKeys() {
      return statement(`SELECT kind, id, rev FROM ${table}`).all() as KeyRow[];
    },
    async insertIfAbsent(row) {
      return (
        statement(
          `INSERT INTO ${table} (${columns}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO NOTHING`,
        ).run(values(row)).changes === 1
      );
    },
    async deleteTombstones(beforeRev) {
      return statement(`DELETE FROM ${table} WHERE deleted = 1 AND rev < ?`).run(beforeRev).changes;
    },
    async ping() {
      statement('SELECT 1').get();
    },
    async close() {
      statements.clear();
      db?.close();
      db = undefined;
    },
    classify: classifySqliteError,
  };
  return createSqlDriver('sqlite', target, options, dialect);
}

function classifySqliteError(error: unknown): StorageErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return 'TIMEOUT';
  if (code === 'SQLITE_AUTH' || code === 'SQLITE_PERM') return 'AUTH';
  return networkErrorCode(error) ?? 'UNAVAILABLE';
}

export default {
  ...sqliteDescriptor,
  create: (uri, options) => createSqliteDriver(uri, options),
} satisfies DriverModule;
