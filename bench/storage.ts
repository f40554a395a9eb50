/**
 * Storage driver throughput: for each driver, 10,000 records of 2 KiB written in batches,
 * a sample written one record per put, and every record (or the first BENCH_GETS) read back one
 * get at a time.
 * Prints puts/s, gets/s and the batched : one-at-a-time ratio side by side.
 *
 *   npm run bench:storage                 # all drivers
 *   BENCH_DRIVERS=sqlite,postgres BENCH_RECORDS=2000 npm run bench:storage
 *   BENCH_RECORDS=1000 BENCH_SINGLE_PUTS=100 BENCH_GETS=200 npm run bench:storage   # under a minute
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fileDriver from '../storage-drivers/file.ts';
import memory from '../storage-drivers/memory.ts';
import mysql from '../storage-drivers/mysql.ts';
import postgres from '../storage-drivers/postgres.ts';
import s3 from '../storage-drivers/s3.ts';
import sqlite from '../storage-drivers/sqlite.ts';
import type { DriverModule, StorageDriver, StoredRecord } from '../storage-drivers/types.ts';
import { createMysqlDatabase } from '../test/support/mysql.ts';
import { createPostgresDatabase } from '../test/support/postgres.ts';
import { startS3rver } from '../test/support/s3rver.ts';
import { envCount, formatNumber, perSecond, printTable, progress, timed } from './lib.ts';

const RECORDS = envCount('BENCH_RECORDS', 10_000);
const SINGLE_PUTS = envCount('BENCH_SINGLE_PUTS', 1_000);
const BATCH_SIZE = envCount('BENCH_BATCH', 500);
// One get at a time is slow on the network drivers (s3rver most): a sample bounds it.
const GETS = Math.min(RECORDS, envCount('BENCH_GETS', RECORDS));
const BODY_BYTES = 2048;

interface Subject {
  name: string;
  module: DriverModule;
  target: () => Promise<{ uri: URL; cleanup: () => Promise<void> }>;
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'staunch-bench-'));
const removeDir = (dir: string) => async () => rmSync(dir, { recursive: true, force: true });

const subjects: Subject[] = [
  {
    name: 'memory',
    module: memory,
    target: async () => ({ uri: new URL('memory://'), cleanup: async () => undefined }),
  },
  {
    name: 'sqlite',
    module: sqlite,
    target: async () => {
      const dir = tempDir();
      return { uri: new URL(`sqlite://${join(dir, 'bench.db')}`), cleanup: removeDir(dir) };
    },
  },
  {
    name: 'file',
    module: fileDriver,
    target: async () => {
      const dir = tempDir();
      return { uri: new URL(`file://${dir}`), cleanup: removeDir(dir) };
    },
  },
  {
    name: 'postgres',
    module: postgres,
    target: async () => {
      const database = await createPostgresDatabase();
      return { uri: database.freshTarget(), cleanup: database.drop };
    },
  },
  {
    name: 'mysql',
    module: mysql,
    target: async () => {
      const database = await createMysqlDatabase();
      return { uri: database.freshTarget(), cleanup: database.drop };
    },
  },
  {
    name: 's3',
    module: s3,
    target: async () => {
      const server = await startS3rver();
      return { uri: server.freshTarget(), cleanup: server.close };
    },
  },
];

function makeRecords(count: number, prefix: string): StoredRecord[] {
  const filler = 'x'.repeat(BODY_BYTES - 100);
  return Array.from({ length: count }, (_, i) => ({
    kind: 'incident',
    id: `${prefix}-${String(i).padStart(6, '0')}`,
    rev: `${(1_700_000_000_000 + i).toString(16).padStart(12, '0')}-000000-bench`,
    deleted: false,
    body: { title: `Incident ${i}`, state: i % 5, filler },
  }));
}

interface Figures {
  batchedPutsPerSecond: number;
  singlePutsPerSecond: number;
  getsPerSecond: number;
}

async function measure(driver: StorageDriver, name: string): Promise<Figures> {
  const batched = makeRecords(RECORDS, 'batch');
  const showBatch = progress(`${name} batched put`);
  const batchedRun = await timed(async () => {
    for (let i = 0; i < batched.length; i += BATCH_SIZE) {
      await driver.put(batched.slice(i, i + BATCH_SIZE));
      showBatch(Math.min(i + BATCH_SIZE, batched.length), batched.length);
    }
  });

  const singles = makeRecords(SINGLE_PUTS, 'single');
  const showSingle = progress(`${name} one-at-a-time put`);
  const singleRun = await timed(async () => {
    for (const [i, record] of singles.entries()) {
      await driver.put([record]);
      showSingle(i + 1, singles.length);
    }
  });

  const showGet = progress(`${name} get`);
  const getRun = await timed(async () => {
    for (const [i, record] of batched.slice(0, GETS).entries()) {
      const back = await driver.get(record.kind, record.id);
      if (back?.rev !== record.rev)
        throw new Error(`${name}: read back ${back?.rev} for ${record.id}, wrote ${record.rev}`);
      showGet(i + 1, GETS);
    }
  });
  return {
    batchedPutsPerSecond: perSecond(RECORDS, batchedRun.ms),
    singlePutsPerSecond: perSecond(SINGLE_PUTS, singleRun.ms),
    getsPerSecond: perSecond(GETS, getRun.ms),
  };
}

const only = process.env.BENCH_DRIVERS?.split(',').map((s) => s.trim());
const rows: string[][] = [];
console.log(
  `storage drivers: ${RECORDS} records of ${BODY_BYTES} bytes in batches of ${BATCH_SIZE}; ${SINGLE_PUTS} one-at-a-time puts; ${GETS} gets\n`,
);
for (const subject of subjects.filter((s) => !only || only.includes(s.name))) {
  let target: Awaited<ReturnType<Subject['target']>> | undefined;
  try {
    target = await subject.target();
    const driver = subject.module.create(target.uri);
    await driver.init();
    try {
      const figures = await measure(driver, subject.name);
      rows.push([
        subject.name,
        formatNumber(figures.batchedPutsPerSecond),
        formatNumber(figures.singlePutsPerSecond),
        `${formatNumber(figures.batchedPutsPerSecond / figures.singlePutsPerSecond, 1)}x`,
        formatNumber(figures.getsPerSecond),
      ]);
    } finally {
      await driver.close();
    }
  } catch (error) {
    console.error(`${subject.name}: ${(error as Error).message}`);
    rows.push([subject.name, 'error', '-', '-', '-']);
  } finally {
    await target?.cleanup().catch(() => undefined);
  }
}
console.log('');
printTable(['driver', 'batched puts/s', 'single puts/s', 'batched : single', 'gets/s'], rows);
