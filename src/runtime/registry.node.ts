/** Every storage driver Node can run, by name; the only place that imports them all. */
import file from '../../storage-drivers/file.ts';
import memory from '../../storage-drivers/memory.ts';
import mysql from '../../storage-drivers/mysql.ts';
import postgres from '../../storage-drivers/postgres.ts';
import s3 from '../../storage-drivers/s3.ts';
import sqlite from '../../storage-drivers/sqlite.ts';
import type { DriverModule } from '../../storage-drivers/types.ts';
import { driverRegistry } from './registry.ts';

export const nodeDrivers = driverRegistry({
  file,
  memory,
  mysql,
  postgres,
  s3,
  sqlite,
} satisfies Record<string, DriverModule>);
