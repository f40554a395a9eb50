/**
 * A PostgreSQL database of its own for one test file, on the server named by TEST_POSTGRES_URL
 * (default: the local trust-auth server), dropped again when the file is done.
 */
import pg from 'pg';
import { freshTables, serverAvailable, uniqueSuffix } from './require-server.ts';

export const POSTGRES_ADMIN_URL = new URL(
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
);

/** Run work on one plain connection (not through any driver). */
export async function withPostgres<T>(
  uri: URL,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const plain = new URL(uri.href);
  plain.searchParams.delete('table');
  const client = new pg.Client({ connectionString: plain.href, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresAvailable = (): Promise<boolean> =>
  serverAvailable(`PostgreSQL at ${POSTGRES_ADMIN_URL.host}`, () =>
    withPostgres(POSTGRES_ADMIN_URL, (client) => client.query('SELECT 1')),
  );

export interface PostgresTestDatabase {
  name: string;
  url: URL;
  /** The database's URI with a table name never handed out before. */
  freshTarget(): URL;
  drop(): Promise<void>;
}

export async function createPostgresDatabase(): Promise<PostgresTestDatabase> {
  const name = `staunch_${uniqueSuffix()}`;
  await withPostgres(POSTGRES_ADMIN_URL, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(POSTGRES_ADMIN_URL.href);
  url.pathname = `/${name}`;
  return {
    name,
    url,
    freshTarget: freshTables(url),
    // FORCE: a test that failed half-way may leave a driver connected.
    drop: () =>
      withPostgres(POSTGRES_ADMIN_URL, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      ).then(() => undefined),
  };
}

/**
 * A login role with the password `right`, for the wrong-password case; `checked` is false when the
 * server trusts every password (the default local setup), where that case cannot be tested.
 */
export async function createPostgresRoleWithPassword(): Promise<{
  name: string;
  checked: boolean;
  drop(): Promise<void>;
}> {
  const name = `staunch_pw_${uniqueSuffix()}`;
  await withPostgres(POSTGRES_ADMIN_URL, (client) =>
    client.query(`CREATE ROLE "${name}" LOGIN PASSWORD 'right'`),
  );
  const wrong = new URL(POSTGRES_ADMIN_URL.href);
  wrong.username = name;
  wrong.password = 'wrong';
  const checked = await withPostgres(wrong, async () => false).catch(() => true);
  return {
    name,
    checked,
    drop: () =>
      withPostgres(POSTGRES_ADMIN_URL, (client) =>
        client.query(`DROP ROLE IF EXISTS "${name}"`),
      ).then(() => undefined),
  };
}
