import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createMysqlDatabase,
  createMysqlUserWithPassword,
  mysqlAvailable,
  withMysql,
} from '../test/support/mysql.ts';
import { startTcpProxy } from '../test/support/tcp-proxy.ts';
import { describeStorageDriver, record } from './_contract.ts';
import { describeSqlDriver, tableOf } from './_sql-contract.ts';
import mysql, { chunkRows, createMysqlDriver, mysqlOptions, rowBytes } from './mysql.ts';
import { toRow } from './sql-common.ts';
import type { StorageError } from './types.ts';

describe('mysql statements', () => {
  it('reads the URI as mysql2 reads one, query parameters included', () => {
    const options = mysqlOptions(
      new URL(
        'mariadb://us%40er:p%3Ass@db.example:3307/st%20db?table=t&timeout_ms=5&ssl={"rejectUnauthorized":true}&charset=utf8mb4',
      ),
      2500,
    );
    expect(options).toMatchObject({
      host: 'db.example',
      port: 3307,
      user: 'us@er',
      password: 'p:ss',
      database: 'st db',
      ssl: { rejectUnauthorized: true },
      charset: 'utf8mb4',
      connectTimeout: 2500,
    });
    expect(options).not.toHaveProperty('table');
    expect(options).not.toHaveProperty('timeout_ms');
    expect(() => mysqlOptions(new URL('mysql://root@127.0.0.1:3306/'), 1000)).toThrow(
      /no database/,
    );
  });

  it('splits a batch into statements below the size limit, a huge row going alone', () => {
    const rows = [1, 2, 3, 4, 5].map((n) =>
      toRow(record(`r${n}`, n, { text: 'x'.repeat(n === 3 ? 5000 : 100) })),
    );
    const chunks = chunkRows(rows, 1000);
    expect(chunks.map((chunk) => chunk.map((row) => row.id))).toEqual([
      ['r1', 'r2'],
      ['r3'],
      ['r4', 'r5'],
    ]);
    expect(chunkRows(rows, 1_000_000, 2).map((chunk) => chunk.length)).toEqual([2, 2, 1]);
    // Quotes and backslashes are escaped, so they count twice; other characters by their UTF-8 bytes.
    const row = toRow(record('q', 1));
    expect(rowBytes({ ...row, body: `'\\` }) - rowBytes({ ...row, body: 'ab' })).toBe(2);
    expect(rowBytes({ ...row, body: '€' }) - rowBytes({ ...row, body: 'a' })).toBe(2);
  });
});

if (await mysqlAvailable()) {
  const database = await createMysqlDatabase();
  const user = await createMysqlUserWithPassword(database.name);
  const server = { host: database.url.hostname, port: Number(database.url.port || 3306) };
  const hung = await startTcpProxy(server);
  hung.silence();
  afterAll(async () => {
    await hung.close();
    await database.drop();
    await user.drop();
  });

  const freshTarget = async () => database.freshTarget();
  const variant = (change: (uri: URL) => void) => () => {
    const uri = database.freshTarget();
    change(uri);
    return uri;
  };

  describeStorageDriver({
    name: 'mysql',
    module: mysql,
    freshTarget,
    failures: [
      {
        what: 'a port nothing listens on',
        uri: variant((u) => (u.port = '1')),
        code: 'UNAVAILABLE',
      },
      {
        what: 'a wrong password',
        uri: variant((u) => ((u.username = user.name), (u.password = 'wrong'))),
        code: 'AUTH',
      },
      {
        what: 'a database that does not exist',
        uri: variant((u) => (u.pathname = `/${database.name}_missing`)),
        code: 'NOT_FOUND',
      },
      {
        what: 'a server that accepts and never answers',
        uri: () => new URL(hung.via(database.freshTarget().href)),
        code: 'TIMEOUT',
      },
    ],
  });

  describeSqlDriver({
    name: 'mysql',
    module: mysql,
    freshTarget,
    insertRawRow: (target, row) =>
      withMysql(target, (connection) =>
        connection.query(
          `INSERT INTO \`${tableOf(target)}\` (kind, id, rev, deleted, body) VALUES (?)`,
          [[row.kind, row.id, row.rev, row.deleted, row.body]],
        ),
      ).then(() => undefined),
    rejectWritesOf: (target, id) =>
      withMysql(target, async (connection) => {
        const table = tableOf(target);
        for (const event of ['INSERT', 'UPDATE']) {
          await connection.query(`CREATE TRIGGER \`${table}_reject_${event}\` BEFORE ${event} ON \`${table}\` FOR EACH ROW
            BEGIN IF NEW.id = '${id}' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'rejected by the test'; END IF; END`);
        }
      }),
    delayWritesOf: (target, id, seconds) =>
      withMysql(target, async (connection) => {
        const table = tableOf(target);
        await connection.query(`CREATE TRIGGER \`${table}_delay\` BEFORE INSERT ON \`${table}\` FOR EACH ROW
          BEGIN IF NEW.id = '${id}' THEN DO SLEEP(${seconds}); END IF; END`);
      }),
    dropConnections: (target) =>
      withMysql(target, async (connection) => {
        const [sessions] = await connection.query<RowDataPacket[]>(
          'SELECT id FROM information_schema.PROCESSLIST WHERE db = DATABASE() AND id <> CONNECTION_ID()',
        );
        for (const { id } of sessions)
          await connection.query('KILL ?', [id]).catch(() => undefined);
      }),
    proxy: () => startTcpProxy(server),
  });

  describe('mysql driver', () => {
    it('works as mariadb:// with mysql2 parameters after the database name', async () => {
      const uri = database.freshTarget();
      uri.protocol = 'mariadb:';
      uri.searchParams.set('connectTimeout', '4000');
      uri.searchParams.set('charset', 'utf8mb4_unicode_ci');
      const driver = createMysqlDriver(uri);
      try {
        await driver.init();
        expect(await driver.put([record('emoji 🚨', 1, { text: '🔥' })])).toEqual([true]);
        expect((await driver.get('incident', 'emoji 🚨'))?.body).toEqual({ text: '🔥' });
      } finally {
        await driver.close();
      }
    });

    it('accepts the bodies the contract needs under the server max_allowed_packet', async () => {
      const [[{ size }]] = (await withMysql(database.url, (c) =>
        c.query('SELECT @@max_allowed_packet AS size'),
      )) as unknown as [[{ size: number }]];
      expect(Number(size)).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    });

    // Two instances writing at once: each put creates new records and updates shared ones, as
    // creates and edits of incidents do. Locking reads of absent keys under REPEATABLE READ took
    // gap locks, and two inserts into one gap deadlocked until the retries ran out.
    it('takes small concurrent puts of new and shared records from two clients without refusing any', async () => {
      // Through a proxy, as over a network: each statement's round trip keeps the locks a little longer.
      const proxy = await startTcpProxy(server);
      const uri = new URL(proxy.via(database.freshTarget().href));
      const clients = [createMysqlDriver(uri), createMysqlDriver(uri)];
      try {
        for (const client of clients) await client.init();
        const guids = ['a', 'b', 'c', 'd', 'e'];
        let n = 0;
        const failures: string[] = [];
        const best = new Map<string, string>();
        const kinds = ['incident', 'incident_field', 'incident_update'];
        await Promise.all(
          Array.from({ length: 8 }, async (_, worker) => {
            for (let i = 0; i < 60; i++) {
              // An edit of a shared incident: two of its field records and a new update (message) record.
              const guid = guids[(worker + i) % guids.length]!;
              const batch = [
                record(`${guid}/state`, ++n, {}, { kind: 'incident_field' }),
                record(`${guid}/updated_at`, ++n, {}, { kind: 'incident_field' }),
                record(`${guid}/m${worker}-${i}`, ++n, {}, { kind: 'incident_update' }),
                // And a new incident of its own, next to the other workers' new ones.
                ...(i % 3
                  ? []
                  : [
                      record(`n${i}-${worker}`, ++n),
                      record(`n${i}-${worker}/state`, ++n, {}, { kind: 'incident_field' }),
                    ]),
              ];
              for (const r of batch)
                if ((best.get(`${r.kind} ${r.id}`) ?? '') < r.rev)
                  best.set(`${r.kind} ${r.id}`, r.rev);
              await clients[worker % 2]!.put(batch).catch((error: unknown) =>
                failures.push((error as Error).message),
              );
            }
          }),
        );
        expect(failures).toEqual([]);
        const stored = (
          await Promise.all(
            kinds.map(async (kind) => (await clients[0]!.list(kind, { limit: 1000 })).items),
          )
        ).flat();
        expect(new Map(stored.map((r) => [`${r.kind} ${r.id}`, r.rev]))).toEqual(best);
      } finally {
        await Promise.all(clients.map((c) => c.close()));
        await proxy.close();
      }
    });

    it('keeps the password out of its location and its errors', async () => {
      const uri = database.freshTarget();
      uri.username = user.name;
      uri.password = 'hunter2-secret';
      const driver = createMysqlDriver(uri, { timeoutMs: 3000 });
      expect(driver.location).not.toContain('hunter2');
      const error = (await driver.ping().catch((e: unknown) => e)) as StorageError;
      expect(error.code).toBe('AUTH');
      expect(error.message).not.toContain('hunter2');
      await driver.close();
    });
  });
} else {
  describe.skip('mysql driver (no server)', () => {
    it('needs MySQL or MariaDB', () => undefined);
  });
}
