/**
 * Every storage driver Node can run, by name; the only place that imports them all. The drivers
 * built on a large client library (the AWS SDK, pg, mysql2, better-sqlite3) are imported when a
 * target first uses one (lazy-driver.ts); their URIs are checked from their descriptors.
 */
import file from '../../storage-drivers/file.ts';
import memory from '../../storage-drivers/memory.ts';
import { mysqlDescriptor } from '../../storage-drivers/mysql-uri.ts';
import { postgresDescriptor } from '../../storage-drivers/postgres-uri.ts';
import { s3Descriptor } from '../../storage-drivers/s3-uri.ts';
import { sqliteDescriptor } from '../../storage-drivers/sqlite-uri.ts';
import type { DriverModule } from '../../storage-drivers/types.ts';
import { lazyDriverModule } from './lazy-driver.ts';
import { driverRegistry } from './registry.ts';

export const nodeDrivers = driverRegistry({
  file,
  memory,
  mysql: lazyDriverModule(mysqlDescriptor, () => import('../../storage-drivers/mysql.ts')),
  postgres: lazyDriverModule(postgresDescriptor, () => import('../../storage-drivers/postgres.ts')),
  s3: lazyDriverModule(s3Descriptor, () => import('../../storage-drivers/s3.ts')),
  sqlite: lazyDriverModule(sqliteDescriptor, () => import('../../storage-drivers/sqlite.ts')),
} satisfies Record<string, DriverModule>);
