/**
 * Real storage targets for the replication fault suite and benchmark: a SQLite file, PostgreSQL
 * and MariaDB databases of their own, each network server behind a TCP proxy so one target's
 * outage can be simulated (cut: refused like a stopped server; silence: accepted and never
 * answered) without touching the shared servers other suites use. Drivers that have not landed
 * yet, or servers that are not running, are left out (see require-server.ts for CI).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  DriverModule,
  DriverName,
  DriverOptions,
  StorageDriver,
} from '../../storage-drivers/types.ts';
import {
  createMysqlDatabase,
  mysqlAvailable,
  MYSQL_ADMIN_URL,
  type MysqlTestDatabase,
} from './mysql.ts';
import {
  createPostgresDatabase,
  postgresAvailable,
  POSTGRES_ADMIN_URL,
  type PostgresTestDatabase,
} from './postgres.ts';
import { startS3rver, S3RVER_KEY, S3RVER_SECRET } from './s3rver.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

const S3_BUCKET = 'staunch-replication';

export interface LabTarget {
  driver: DriverName;
  /** What the app would be configured with (through the proxy for network targets). */
  uri: URL;
  /** Present for network targets: cut or silence it to take this one target down. */
  proxy?: TcpProxy;
}

export interface ReplicationLab {
  /** Which drivers this machine can run (a subset of sqlite, file, postgres, mysql, s3). */
  available: DriverName[];
  /** Fresh, empty targets (new file, table or prefix) of the given drivers, in that order. */
  fresh(drivers: readonly DriverName[]): LabTarget[];
  /** Driver for the replicator (initialised by it). */
  create(target: LabTarget, options?: DriverOptions): Promise<StorageDriver>;
  /** Initialised driver, for reading a target directly. */
  open(target: LabTarget, options?: DriverOptions): Promise<StorageDriver>;
  close(): Promise<void>;
}

const driverFile = (name: DriverName) =>
  fileURLToPath(new URL(`../../storage-drivers/${name}.ts`, import.meta.url));

async function loadModule(name: DriverName): Promise<DriverModule> {
  return ((await import(driverFile(name))) as { default: DriverModule }).default;
}

/** A driver for a target, not yet initialised (the replicator does that); short timeouts, so an outage shows within seconds. */
export async function createTargetDriver(
  target: Pick<LabTarget, 'driver' | 'uri'>,
  options: DriverOptions = {},
): Promise<StorageDriver> {
  return (await loadModule(target.driver)).create(target.uri, { timeoutMs: 3_000, ...options });
}

/** The same, initialised: for reading a target directly in assertions. */
export async function openTarget(
  target: Pick<LabTarget, 'driver' | 'uri'>,
  options: DriverOptions = {},
): Promise<StorageDriver> {
  const driver = await createTargetDriver(target, options);
  await driver.init();
  return driver;
}

export async function createReplicationLab(): Promise<ReplicationLab> {
  const folder = mkdtempSync(join(tmpdir(), 'staunch-replication-'));
  const cleanups: Array<() => Promise<unknown>> = [
    async () => rmSync(folder, { recursive: true, force: true }),
  ];
  const fresh = new Map<DriverName, () => LabTarget>();
  let counter = 0;

  fresh.set('sqlite', () => ({
    driver: 'sqlite',
    uri: new URL(`sqlite://${join(folder, `t${++counter}.db`)}`),
  }));

  if (existsSync(driverFile('file'))) {
    fresh.set('file', () => ({
      driver: 'file',
      uri: new URL(`file://${join(folder, `dir${++counter}`)}`),
    }));
  }

  const network = async (
    name: 'postgres' | 'mysql',
    admin: URL,
    available: () => Promise<boolean>,
    create: () => Promise<PostgresTestDatabase | MysqlTestDatabase>,
  ) => {
    if (!existsSync(driverFile(name)) || !(await available())) return;
    const database = await create();
    const proxy = await startTcpProxy({ host: admin.hostname, port: Number(admin.port) });
    cleanups.push(
      () => proxy.close(),
      () => database.drop(),
    );
    fresh.set(name, () => ({
      driver: name,
      uri: new URL(proxy.via(database.freshTarget().href)),
      proxy,
    }));
  };
  await network('postgres', POSTGRES_ADMIN_URL, postgresAvailable, createPostgresDatabase);
  await network('mysql', MYSQL_ADMIN_URL, mysqlAvailable, createMysqlDatabase);

  if (existsSync(driverFile('s3'))) {
    const server = await startS3rver({ buckets: [S3_BUCKET] });
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: server.port });
    cleanups.push(
      () => proxy.close(),
      () => server.close(),
    );
    fresh.set('s3', () => ({
      driver: 's3',
      uri: new URL(
        `s3://${S3RVER_KEY}:${S3RVER_SECRET}@127.0.0.1:${proxy.port}/${S3_BUCKET}/t${++counter}?tls=false`,
      ),
      proxy,
    }));
  }

  return {
    available: [...fresh.keys()],
    fresh: (drivers) =>
      drivers.map((name) => {
        const make = fresh.get(name);
        if (!make) throw new Error(`${name} is not available in this lab`);
        return make();
      }),
    create: createTargetDriver,
    open: openTarget,
    async close() {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    },
  };
}
