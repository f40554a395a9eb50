/**
 * PostgreSQL target through pg: `postgres://user:pass@host:5432/db?sslmode=...` (or
 * `postgresql://`). The URI goes to pg as a connection string, so its parameters work as in libpq.
 * Text key columns use COLLATE "C" so that comparisons are byte order, whatever the database's
 * locale: string order of revs is clock order, and paging by id is stable.
 */
import pg from 'pg';
import type { DriverModule, DriverOptions, StorageDriver, StorageErrorCode } from './types.ts';
import { throwProblems } from './uri-check.ts';
import { booleanArray, textArray } from './postgres-arrays.ts';
import { checkPostgresUri, postgresDescriptor } from './postgres-uri.ts';
import {
  clientUri,
  createSqlDriver,
  networkErrorCode,
  planBatch,
  retryWhen,
  sqlTarget,
  type KeyRow,
  type RecordRow,
  type SqlDialect,
  type StoredRow,
} from './sql-common.ts';
import { keyOf } from './utils.ts';

export function createPostgresDriver(uri: URL, options: DriverOptions = {}): StorageDriver {
  throwProblems('postgres', uri, checkPostgresUri(uri).problems);
  const target = sqlTarget('postgres', uri, options);
  const table = `"${target.table}"`;
  let pool: pg.Pool | undefined;

  // The pool opens no connection until the first query: creating a driver does no I/O.
  const connections = (): pg.Pool => {
    if (!pool) {
      pool = new pg.Pool({
        connectionString: clientUri(uri).href,
        connectionTimeoutMillis: target.timeoutMs,
        // The server stops a statement the caller no longer waits for, so its locks do not block
        // later writes. Behind PgBouncer, which refuses this startup parameter, `?statement_timeout=0`
        // in the URI turns it off; the client-side timeout still closes the connection of a query
        // that did not answer, rather than handing it to the next caller.
        statement_timeout: target.timeoutMs,
        query_timeout: target.timeoutMs,
        keepAlive: true,
        allowExitOnIdle: true,
        application_name: 'staunch',
        ...(options.connectionPerCall ? { maxUses: 1 } : {}),
      });
      // An idle connection dies when the server restarts; the pool drops it and reconnects on the
      // next call, but without a listener the 'error' event would crash the process.
      pool.on('error', () => undefined);
    }
    return pool;
  };

  const query = async <R extends object>(
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> => connections().query<R>(sql, params);

  const columns = 'kind, id, rev, deleted, body';

  const dialect: SqlDialect = {
    async createSchema() {
      // Two instances starting together would race on CREATE TABLE IF NOT EXISTS (it is not atomic
      // in PostgreSQL): a lock per table name makes the second one wait and find the table.
      await inTransaction(connections(), async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `staunch:${target.table}`,
        ]);
        await client.query(`
          CREATE TABLE IF NOT EXISTS ${table} (
            kind TEXT COLLATE "C" NOT NULL,
            id TEXT COLLATE "C" NOT NULL,
            rev TEXT COLLATE "C" NOT NULL,
            deleted BOOLEAN NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (kind, id))`);
        await client.query(`CREATE INDEX IF NOT EXISTS "${target.table}_rev" ON ${table} (rev)`);
      });
    },

    async applyBatch(rows) {
      // One statement, so one round trip and atomic without an explicit transaction.
      const { writes } = planBatch(rows, new Map());
      const arrays = [
        textArray(writes.map((r) => r.kind)),
        textArray(writes.map((r) => r.id)),
        textArray(writes.map((r) => r.rev)),
        booleanArray(writes.map((r) => r.deleted)),
        textArray(writes.map((r) => r.body)),
      ];
      const incoming = `SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[]) AS incoming (kind, id, rev, deleted, body)`;
      const upsert = `INSERT INTO ${table} AS t (${columns}) SELECT ${columns} FROM incoming
             ON CONFLICT (kind, id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted, body = excluded.body
             WHERE excluded.rev > t.rev
             RETURNING t.kind, t.id`;
      if (writes.length === rows.length) {
        // Every key once (a sync's batches, most writes): a record was applied exactly when the
        // upsert wrote it, so the revs stored before are not needed, and the server skips one
        // index lookup per row (a third of the statement's time on an empty table).
        const result = await retryWhen(isDeadlock, () =>
          query<KeyRow>(`WITH incoming AS (${incoming}) ${upsert}`, arrays),
        );
        const written = new Set(result.rows.map((row) => keyOf(row.kind, row.id)));
        return rows.map((row) => written.has(keyOf(row.kind, row.id)));
      }
      // A key more than once: the upsert writes its newest copy, and the revs stored before, from
      // the statement's snapshot, tell which of the earlier copies were applied one after another.
      const result = await retryWhen(isDeadlock, () =>
        query<{ source: 'stored' | 'written'; kind: string; id: string; rev: string | null }>(
          `WITH incoming AS (${incoming}), stored AS (
             SELECT t.kind, t.id, t.rev FROM ${table} t JOIN incoming ON t.kind = incoming.kind AND t.id = incoming.id
           ), written AS (${upsert})
           SELECT 'stored' AS source, kind, id, rev FROM stored
           UNION ALL SELECT 'written', kind, id, NULL FROM written`,
          arrays,
        ),
      );
      const stored = new Map<string, string>();
      const written = new Set<string>();
      for (const row of result.rows) {
        if (row.source === 'written') written.add(keyOf(row.kind, row.id));
        else stored.set(keyOf(row.kind, row.id), row.rev!);
      }
      // A writer racing on the same key can make the server refuse a copy the snapshot said was newer.
      return planBatch(rows, stored).applied.map(
        (applied, i) => applied && written.has(keyOf(rows[i]!.kind, rows[i]!.id)),
      );
    },

    async selectRecord(kind, id) {
      return (
        await query<StoredRow>(`SELECT ${columns} FROM ${table} WHERE kind = $1 AND id = $2`, [
          kind,
          id,
        ])
      ).rows[0];
    },
    async selectKind(kind, afterId, includeDeleted, limit) {
      const live = includeDeleted ? '' : 'AND NOT deleted';
      return (
        await query<StoredRow>(
          `SELECT ${columns} FROM ${table} WHERE kind = $1 AND id > $2 ${live} ORDER BY id LIMIT $3`,
          [kind, afterId, limit],
        )
      ).rows;
    },
    async selectChanges(afterRev, limit) {
      return (
        await query<StoredRow>(
          `SELECT ${columns} FROM ${table} WHERE rev > $1 ORDER BY rev, kind, id LIMIT $2`,
          [afterRev, limit],
        )
      ).rows;
    },
    async selectKeys() {
      return (await query<KeyRow>(`SELECT kind, id, rev FROM ${table}`)).rows;
    },
    async insertIfAbsent(row: RecordRow) {
      const result = await query(
        `INSERT INTO ${table} (${columns}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, id) DO NOTHING`,
        [row.kind, row.id, row.rev, row.deleted, row.body],
      );
      return result.rowCount === 1;
    },
    async deleteTombstones(beforeRev) {
      return (
        (await query(`DELETE FROM ${table} WHERE deleted AND rev < $1`, [beforeRev])).rowCount ?? 0
      );
    },
    async ping() {
      await query('SELECT 1');
    },
    async close() {
      await pool?.end();
    },
    classify: classifyPostgresError,
  };
  return createSqlDriver('postgres', target, options, dialect);
}

async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no error listener of the pool's; a connection dying mid-transaction
  // would otherwise be an unhandled 'error' event.
  let broken = false;
  const onError = () => (broken = true);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.off('error', onError);
    // A broken connection is destroyed rather than handed to the next caller.
    client.release(broken);
  }
}

const isDeadlock = (error: unknown) =>
  ['40P01', '40001'].includes((error as { code?: string } | null)?.code ?? '');

/** SQLSTATE classes and codes, https://www.postgresql.org/docs/current/errcodes-appendix.html */
function classifyPostgresError(error: unknown): StorageErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (code.startsWith('28') || code === '42501') return 'AUTH';
    if (code === '3D000') return 'NOT_FOUND';
    if (code === '57014' || code === '55P03') return 'TIMEOUT';
    // Data exceptions: a value the server cannot store, such as a NUL character in an id.
    if (code.startsWith('22')) return 'INVALID_RECORD';
    return 'UNAVAILABLE';
  }
  const network = networkErrorCode(error);
  if (network) return network;
  // pg's own connect timeouts carry no code, only a message.
  return /timeout/i.test((error as Error | null)?.message ?? '') ? 'TIMEOUT' : 'UNAVAILABLE';
}

export default {
  ...postgresDescriptor,
  create: (uri, options) => createPostgresDriver(uri, options),
} satisfies DriverModule;
