/**
 * MySQL and MariaDB target through mysql2: `mysql://user:pass@host:3306/db?param=...` or
 * `mariadb://...`. Query parameters other than the driver's own become mysql2 options, read as
 * mysql2 reads a connection URI (JSON values where they parse), so `?ssl={...}` and the like work.
 *
 * The key columns are VARBINARY: the `*_bin` collations are PAD SPACE, under which `'a'` and
 * `'a '` are the same primary key, while binary strings compare byte by byte with no padding.
 */
import { Buffer } from 'node:buffer';
import mysql from 'mysql2/promise';
import {
  StorageError,
  type DriverModule,
  type DriverOptions,
  type StorageDriver,
  type StorageErrorCode,
} from './types.ts';
import { throwProblems } from './uri-check.ts';
import { booleanParameter, keyOf } from './utils.ts';
import { BOOLEAN_PARAMETERS, checkMysqlUri, mysqlDescriptor, parseParameter } from './mysql-uri.ts';
import {
  clientUri,
  createSqlDriver,
  networkErrorCode,
  planBatch,
  retryWhen,
  safeDecode,
  sqlTarget,
  type KeyRow,
  type RecordRow,
  type SqlDialect,
  type StoredRow,
} from './sql-common.ts';

/** Room left in a packet for the statement around the values. */
const STATEMENT_OVERHEAD = 64 * 1024;
/** Statements stay well below max_allowed_packet so that one slow batch does not hog the server. */
const CHUNK_BYTES = 4 * 1024 * 1024;
const CHUNK_ROWS = 1000;

export function mysqlOptions(uri: URL, timeoutMs: number): mysql.PoolOptions {
  const database = safeDecode(uri.pathname.slice(1));
  if (!database)
    throw new StorageError(
      'mysql',
      'INVALID_URI',
      `no database named in ${uri.protocol}//${uri.host}/`,
    );
  const parameters = Object.fromEntries(
    [...clientUri(uri).searchParams].map(([key, value]) => [key, parseParameter(value)]),
  );
  // mysql2 takes any non-empty string as true, `multipleStatements=no` included.
  for (const name of BOOLEAN_PARAMETERS)
    if (name in parameters) parameters[name] = booleanParameter('mysql', uri, name);
  return {
    connectTimeout: timeoutMs,
    enableKeepAlive: true,
    connectionLimit: 10,
    idleTimeout: 60_000,
    ...parameters,
    host: uri.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port: uri.port ? Number(uri.port) : 3306,
    user: safeDecode(uri.username) || undefined,
    password: safeDecode(uri.password) || undefined,
    database,
  };
}

/** Bytes a value takes in a statement once mysql2 has quoted and escaped it. */
function escapedBytes(text: string): number {
  let escapes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // \0 \b \t \n \r \x1a " ' \ each become two characters.
    if (
      code === 0 ||
      code === 8 ||
      code === 9 ||
      code === 10 ||
      code === 13 ||
      code === 26 ||
      code === 34 ||
      code === 39 ||
      code === 92
    )
      escapes++;
  }
  return Buffer.byteLength(text) + escapes + 2;
}

export const rowBytes = (row: RecordRow): number =>
  escapedBytes(row.kind) +
  escapedBytes(row.id) +
  escapedBytes(row.rev) +
  escapedBytes(row.body) +
  16;

/** Consecutive rows in statements of at most `maxBytes` (a row larger than that goes alone). */
export function chunkRows(
  rows: RecordRow[],
  maxBytes: number,
  maxRows = CHUNK_ROWS,
): RecordRow[][] {
  const chunks: RecordRow[][] = [];
  let current: RecordRow[] = [];
  let size = 0;
  for (const row of rows) {
    const bytes = rowBytes(row);
    if (current.length > 0 && (size + bytes > maxBytes || current.length >= maxRows)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const text = (value: unknown): string =>
  Buffer.isBuffer(value) ? value.toString('utf8') : String(value);

function keyRow(row: mysql.RowDataPacket): KeyRow {
  return { kind: text(row.kind), id: text(row.id), rev: text(row.rev) };
}

function storedRow(row: mysql.RowDataPacket): StoredRow {
  return { ...keyRow(row), deleted: row.deleted, body: row.body };
}

export function createMysqlDriver(uri: URL, options: DriverOptions = {}): StorageDriver {
  throwProblems('mysql', uri, checkMysqlUri(uri).problems);
  const target = sqlTarget('mysql', uri, options);
  const poolOptions = {
    ...mysqlOptions(uri, target.timeoutMs),
    ...(options.noEval ? { disableEval: true } : {}),
  };
  const table = `\`${target.table}\``;
  let pool: mysql.Pool | undefined;
  let packetLimit: Promise<number> | undefined;

  const newPool = (): mysql.Pool => {
    const created = mysql.createPool(poolOptions);
    // mysql2 drops a broken connection from the pool on its first 'error' only; a listener of our
    // own keeps any later one from becoming an unhandled event that ends the process.
    created.on('connection', (connection) => {
      (connection as unknown as NodeJS.EventEmitter).on('error', () => undefined);
    });
    return created;
  };

  // The pool opens no connection until the first query: creating a driver does no I/O.
  const connections = (): mysql.Pool => (pool ??= newPool());

  /** The shared pool, or with connectionPerCall a pool of its own closed once the call is done. */
  const withPool = async <T>(work: (pool: mysql.Pool) => Promise<T>): Promise<T> => {
    if (!options.connectionPerCall) return work(connections());
    const once = newPool();
    try {
      return await work(once);
    } finally {
      void once.end().catch(() => undefined);
    }
  };

  const rows = (sql: string, params: unknown[] = []) =>
    withPool(async (p) => (await p.query<mysql.RowDataPacket[]>(sql, params))[0]);
  const change = (sql: string, params: unknown[]) =>
    withPool(async (p) => (await p.query<mysql.ResultSetHeader>(sql, params))[0]);

  /** The server's max_allowed_packet, asked once: no statement may be larger. */
  const maxPacket = (): Promise<number> => {
    packetLimit ??= rows('SELECT @@max_allowed_packet AS size').then(
      (found) => Number(found[0]?.size),
      (error: unknown) => {
        packetLimit = undefined;
        throw error;
      },
    );
    return packetLimit;
  };

  const columns = 'kind, id, rev, deleted, body';
  const values = (row: RecordRow) => [row.kind, row.id, row.rev, row.deleted, row.body];

  /**
   * Stored revs of the batch's keys, locked until the transaction ends so the plan stays true.
   * Under READ COMMITTED (see inTransaction) this locks only rows that exist: no gap locks, so two
   * puts creating records next to each other no longer deadlock on their inserts. A record a
   * concurrent put creates meanwhile is settled by the insert's guard, and the re-read after it.
   */
  const lockStoredRevs = async (
    connection: mysql.PoolConnection,
    batch: RecordRow[],
  ): Promise<Map<string, string>> => {
    const idsByKind = new Map<string, Set<string>>();
    for (const row of batch)
      idsByKind.set(row.kind, (idsByKind.get(row.kind) ?? new Set()).add(row.id));
    const stored = new Map<string, string>();
    for (const [kind, ids] of [...idsByKind].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const sorted = [...ids].sort();
      for (let start = 0; start < sorted.length; start += CHUNK_ROWS) {
        const [found] = await connection.query<mysql.RowDataPacket[]>(
          `SELECT kind, id, rev FROM ${table} WHERE kind = ? AND id IN (?) FOR UPDATE`,
          [kind, sorted.slice(start, start + CHUNK_ROWS)],
        );
        for (const key of found.map(keyRow)) stored.set(keyOf(key.kind, key.id), key.rev);
      }
    }
    return stored;
  };

  const dialect: SqlDialect = {
    async createSchema() {
      await change(
        `CREATE TABLE IF NOT EXISTS ${table} (
           kind VARBINARY(64) NOT NULL,
           id VARBINARY(800) NOT NULL,
           rev VARBINARY(64) NOT NULL,
           deleted BOOLEAN NOT NULL,
           body LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
           PRIMARY KEY (kind, id),
           KEY \`${target.table}_rev\` (rev)
         ) ENGINE = InnoDB`,
        [],
      );
      await maxPacket();
    },

    async applyBatch(batch) {
      const limit = (await maxPacket()) - STATEMENT_OVERHEAD;
      const tooLarge = batch.find((row) => rowBytes(row) > limit);
      if (tooLarge) {
        throw new StorageError(
          'mysql',
          'INVALID_RECORD',
          `${tooLarge.kind}/${tooLarge.id} is larger than ${target.location} accepts (max_allowed_packet)`,
        );
      }
      return retryWhen(isDeadlock, () =>
        withPool((p) =>
          inTransaction(p, target.timeoutMs, async (connection) => {
            const { applied, writes } = planBatch(batch, await lockStoredRevs(connection, batch));
            for (const chunk of chunkRows(writes, Math.min(limit, CHUNK_BYTES))) {
              // The guard repeats the plan's decision on the server. rev is assigned last because
              // MySQL evaluates assignments left to right, each seeing the ones before.
              await connection.query(
                `INSERT INTO ${table} (${columns}) VALUES ?
               ON DUPLICATE KEY UPDATE
                 deleted = IF(VALUES(rev) > rev, VALUES(deleted), deleted),
                 body = IF(VALUES(rev) > rev, VALUES(body), body),
                 rev = IF(VALUES(rev) > rev, VALUES(rev), rev)`,
                [chunk.map(values)],
              );
            }
            // A row the plan found absent may have been created meanwhile with a higher rev (the
            // guard kept it): read what stands now, under the locks the inserts took.
            const standing = await lockStoredRevs(connection, writes);
            const wrote = new Map(writes.map((row) => [keyOf(row.kind, row.id), row.rev]));
            return applied.map((done, i) => {
              const key = keyOf(batch[i]!.kind, batch[i]!.id);
              return done && standing.get(key) === wrote.get(key);
            });
          }),
        ),
      );
    },

    async selectRecord(kind, id) {
      const found = await rows(`SELECT ${columns} FROM ${table} WHERE kind = ? AND id = ?`, [
        kind,
        id,
      ]);
      return found[0] && storedRow(found[0]);
    },
    async selectKind(kind, afterId, includeDeleted, limit) {
      const live = includeDeleted ? '' : 'AND NOT deleted';
      return (
        await rows(
          `SELECT ${columns} FROM ${table} WHERE kind = ? AND id > ? ${live} ORDER BY id LIMIT ?`,
          [kind, afterId, limit],
        )
      ).map(storedRow);
    },
    async selectChanges(afterRev, limit) {
      return (
        await rows(`SELECT ${columns} FROM ${table} WHERE rev > ? ORDER BY rev, kind, id LIMIT ?`, [
          afterRev,
          limit,
        ])
      ).map(storedRow);
    },
    async selectKeys() {
      return (await rows(`SELECT kind, id, rev FROM ${table}`)).map(keyRow);
    },
    async insertIfAbsent(row) {
      // A plain INSERT and its duplicate-key error, rather than INSERT IGNORE, which would also
      // turn other errors into warnings.
      try {
        await change(`INSERT INTO ${table} (${columns}) VALUES (?)`, [values(row)]);
        return true;
      } catch (error) {
        if ((error as { errno?: number }).errno === ER_DUP_ENTRY) return false;
        throw error;
      }
    },
    async deleteTombstones(beforeRev) {
      return (await change(`DELETE FROM ${table} WHERE deleted AND rev < ?`, [beforeRev]))
        .affectedRows;
    },
    async ping() {
      await rows('SELECT 1');
    },
    async close() {
      await pool?.end();
    },
    classify: classifyMysqlError,
  };
  return createSqlDriver('mysql', target, options, dialect);
}

async function inTransaction<T>(
  pool: mysql.Pool,
  timeoutMs: number,
  work: (connection: mysql.PoolConnection) => Promise<T>,
): Promise<T> {
  const connection = await pool.getConnection();
  let healthy = true;
  // When the caller stops waiting, stop the server too: a transaction left running keeps its row
  // and gap locks and would block every later put until it ends. Closing our end is not enough
  // (the server only notices at its next write), so the server thread is killed as well.
  const watchdog = setTimeout(() => {
    healthy = false;
    connection.destroy();
    pool.query('KILL ?', [connection.threadId]).catch(() => undefined);
  }, timeoutMs);
  try {
    // Not InnoDB's REPEATABLE READ: its locking reads of absent keys take gap locks, and two puts
    // holding the same gap deadlock as soon as both insert into it (new records of one kind are
    // neighbours). The plan needs only the rows' own locks. Applies to the next transaction only.
    await connection.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await connection.beginTransaction();
    const result = await work(connection);
    await connection.commit();
    return result;
  } catch (error) {
    await connection.rollback().catch(() => (healthy = false));
    throw error;
  } finally {
    clearTimeout(watchdog);
    // A connection that could not even roll back is not handed to the next caller.
    if (healthy) connection.release();
    else connection.destroy();
  }
}

const ER_DUP_ENTRY = 1062;
const isDeadlock = (error: unknown) => (error as { errno?: number } | null)?.errno === 1213;

/** Server error numbers: https://mariadb.com/kb/en/mariadb-error-code-reference/ */
const ERRNO_CODES: Record<number, StorageErrorCode> = {
  1044: 'AUTH', // access denied to the database
  1045: 'AUTH', // access denied (user or password)
  1142: 'AUTH', // command denied on the table
  1698: 'AUTH', // access denied without a password
  1049: 'NOT_FOUND', // unknown database
  1205: 'TIMEOUT', // lock wait timeout
  3024: 'TIMEOUT', // max_execution_time exceeded
  1153: 'INVALID_RECORD', // packet larger than max_allowed_packet
  1366: 'INVALID_RECORD', // a string the column cannot hold
  1406: 'INVALID_RECORD', // data too long
};

function classifyMysqlError(error: unknown): StorageErrorCode {
  const errno = (error as { errno?: unknown } | null)?.errno;
  if (typeof errno === 'number' && ERRNO_CODES[errno]) return ERRNO_CODES[errno];
  return networkErrorCode(error) ?? 'UNAVAILABLE';
}

export default {
  ...mysqlDescriptor,
  create: (uri, options) => createMysqlDriver(uri, options),
} satisfies DriverModule;
