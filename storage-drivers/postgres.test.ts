import { afterAll, describe, expect, it } from 'vitest';
import {
  createPostgresDatabase,
  createPostgresRoleWithPassword,
  postgresAvailable,
  withPostgres,
} from '../test/support/postgres.ts';
import { startTcpProxy } from '../test/support/tcp-proxy.ts';
import { describeStorageDriver, record } from './_contract.ts';
import { describeSqlDriver, tableOf } from './_sql-contract.ts';
import postgres, { createPostgresDriver } from './postgres.ts';
import type { StorageError } from './types.ts';

if (await postgresAvailable()) {
  const database = await createPostgresDatabase();
  const role = await createPostgresRoleWithPassword();
  const server = { host: database.url.hostname, port: Number(database.url.port || 5432) };
  const hung = await startTcpProxy(server);
  hung.silence();
  afterAll(async () => {
    await hung.close();
    await database.drop();
    await role.drop();
  });

  const freshTarget = async () => database.freshTarget();
  const variant = (change: (uri: URL) => void) => () => {
    const uri = database.freshTarget();
    change(uri);
    return uri;
  };
  const wrongPassword = {
    what: 'a wrong password',
    uri: variant((u) => ((u.username = role.name), (u.password = 'wrong'))),
    code: 'AUTH' as const,
  };

  describeStorageDriver({
    name: 'postgres',
    module: postgres,
    freshTarget,
    failures: [
      {
        what: 'a port nothing listens on',
        uri: variant((u) => (u.port = '1')),
        code: 'UNAVAILABLE',
      },
      {
        what: 'a database that does not exist',
        uri: variant((u) => (u.pathname = `/${database.name}_missing`)),
        code: 'NOT_FOUND',
      },
      {
        what: 'a role that does not exist',
        uri: variant((u) => ((u.username = 'staunch_nobody'), (u.password = 's3cret-pw'))),
        code: 'AUTH',
      },
      {
        what: 'a server that accepts and never answers',
        uri: () => new URL(hung.via(database.freshTarget().href)),
        code: 'TIMEOUT',
      },
      // Under trust auth (the local default) every password is right, so this case needs a server that checks.
      ...(role.checked ? [wrongPassword] : []),
    ],
  });

  describeSqlDriver({
    name: 'postgres',
    module: postgres,
    freshTarget,
    insertRawRow: (target, row) =>
      withPostgres(target, (client) =>
        client.query(
          `INSERT INTO "${tableOf(target)}" (kind, id, rev, deleted, body) VALUES ($1, $2, $3, $4, $5)`,
          [row.kind, row.id, row.rev, row.deleted, row.body],
        ),
      ).then(() => undefined),
    rejectWritesOf: (target, id) =>
      withPostgres(target, async (client) => {
        const table = tableOf(target);
        await client.query(`CREATE FUNCTION "${table}_reject"() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW.id = '${id}' THEN RAISE EXCEPTION 'rejected by the test'; END IF; RETURN NEW; END $$`);
        await client.query(
          `CREATE TRIGGER "${table}_reject" BEFORE INSERT OR UPDATE ON "${table}" FOR EACH ROW EXECUTE FUNCTION "${table}_reject"()`,
        );
      }),
    delayWritesOf: (target, id, seconds) =>
      withPostgres(target, async (client) => {
        const table = tableOf(target);
        await client.query(`CREATE FUNCTION "${table}_delay"() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW.id = '${id}' THEN PERFORM pg_sleep(${seconds}); END IF; RETURN NEW; END $$`);
        await client.query(
          `CREATE TRIGGER "${table}_delay" BEFORE INSERT OR UPDATE ON "${table}" FOR EACH ROW EXECUTE FUNCTION "${table}_delay"()`,
        );
      }),
    dropConnections: (target) =>
      withPostgres(target, (client) =>
        client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        ),
      ).then(() => undefined),
    proxy: () => startTcpProxy(server),
  });

  describe('postgres driver', () => {
    it('takes postgresql:// and hands the other query parameters to pg', async () => {
      const uri = database.freshTarget();
      uri.protocol = 'postgresql:';
      uri.searchParams.set('sslmode', 'disable');
      uri.searchParams.set('application_name', 'staunch_param_check');
      const driver = createPostgresDriver(uri);
      try {
        await driver.init();
        expect(await driver.put([record('p', 1)])).toEqual([true]);
        const sessions = await withPostgres(database.url, (client) =>
          client.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'staunch_param_check'",
            [database.name],
          ),
        );
        expect(sessions.rows[0].n).toBeGreaterThan(0);
      } finally {
        await driver.close();
      }
    });

    it('compares keys in byte order whatever the database locale', async () => {
      const driver = createPostgresDriver(database.freshTarget());
      await driver.init();
      const columns = await withPostgres(database.url, (client) =>
        client.query(
          `SELECT column_name, collation_name FROM information_schema.columns WHERE table_name = $1 AND column_name IN ('kind', 'id', 'rev') ORDER BY column_name`,
          [tableOf(new URL(driver.location))],
        ),
      );
      expect(columns.rows).toEqual(
        ['id', 'kind', 'rev'].map((column_name) => ({ column_name, collation_name: 'C' })),
      );
      await driver.close();
    });

    it('keeps the password out of its location and its errors', async () => {
      const uri = database.freshTarget();
      uri.username = 'staunch_nobody';
      uri.password = 'hunter2-secret';
      const driver = createPostgresDriver(uri, { timeoutMs: 3000 });
      expect(driver.location).not.toContain('hunter2');
      const error = (await driver.ping().catch((e: unknown) => e)) as StorageError;
      expect(error.code).toBe('AUTH');
      expect(error.message).not.toContain('hunter2');
      expect(error.message).toContain(driver.location);
      await driver.close();
    });
  });
} else {
  describe.skip('postgres driver (no server)', () => {
    it('needs PostgreSQL', () => undefined);
  });
}
