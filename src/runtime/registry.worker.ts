/** The storage drivers that run on workerd; the Node-only ones (sqlite, file) never enter this bundle. */
import memory from '../../storage-drivers/memory.ts';
import mysql from '../../storage-drivers/mysql.ts';
import postgres from '../../storage-drivers/postgres.ts';
import s3 from '../../storage-drivers/s3.ts';
import { driverRegistry } from './registry.ts';

export const workerDrivers = driverRegistry({ memory, mysql, postgres, s3 });
