/**
 * A MariaDB/MySQL database of its own for one test file, on the server named by TEST_MYSQL_URL
 * (default: the local server, root without a password), dropped again when the file is done.
 */
import mysql from 'mysql2/promise';
import { freshTables, serverAvailable, uniqueSuffix } from './require-server.ts';

export const MYSQL_ADMIN_URL = new URL(
  process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
);

/** Run work on one plain connection (not through any driver). */
export async function withMysql<T>(
  uri: URL,
  work: (connection: mysql.Connection) => Promise<T>,
): Promise<T> {
  const connection = await mysql.createConnection({
    host: uri.hostname,
    port: Number(uri.port || 3306),
    user: decodeURIComponent(uri.username),
    password: decodeURIComponent(uri.password) || undefined,
    database: decodeURIComponent(uri.pathname.slice(1)) || undefined,
    connectTimeout: 5000,
  });
  connection.on('error', () => undefined);
  try {
    return await work(connection);
  } finally {
    await connection.end().catch(() => undefined);
  }
}

export const mysqlAvailable = (): Promise<boolean> =>
  serverAvailable(`MySQL/MariaDB at ${MYSQL_ADMIN_URL.host}`, () =>
    withMysql(MYSQL_ADMIN_URL, (connection) => connection.query('SELECT 1')),
  );

export interface MysqlTestDatabase {
  name: string;
  url: URL;
  /** The database's URI with a table name never handed out before. */
  freshTarget(): URL;
  drop(): Promise<void>;
}

export async function createMysqlDatabase(): Promise<MysqlTestDatabase> {
  const name = `staunch_${uniqueSuffix()}`;
  await withMysql(MYSQL_ADMIN_URL, (connection) =>
    connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`),
  );
  const url = new URL(MYSQL_ADMIN_URL.href);
  url.pathname = `/${name}`;
  return {
    name,
    url,
    freshTarget: freshTables(url),
    drop: () =>
      withMysql(MYSQL_ADMIN_URL, (connection) =>
        connection.query(`DROP DATABASE IF EXISTS \`${name}\``),
      ).then(() => undefined),
  };
}

/** A user `staunch_pw_<suffix>` identified by the password `right`, allowed into `database`. */
export async function createMysqlUserWithPassword(
  database: string,
): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `staunch_pw_${uniqueSuffix()}`.slice(0, 32); // MySQL user names stop at 32 characters
  await withMysql(MYSQL_ADMIN_URL, async (connection) => {
    await connection.query(`CREATE USER ?@'%' IDENTIFIED BY 'right'`, [name]);
    await connection.query(`GRANT ALL ON \`${database}\`.* TO ?@'%'`, [name]);
  });
  return {
    name,
    drop: () =>
      withMysql(MYSQL_ADMIN_URL, (connection) =>
        connection.query(`DROP USER IF EXISTS ?@'%'`, [name]),
      ).then(() => undefined),
  };
}
