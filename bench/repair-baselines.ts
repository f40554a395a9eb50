/**
 * What each backend accepts when Staunch is not in the way: the records a repair copies, written
 * with the backend's own client, already serialized before the clock starts, in the same batches
 * and at the same concurrency as a sync's copy (four batches of 500 in flight; an object store's
 * batch runs 16 records at a time, so 64 records in flight). The repair's rate is read against
 * this figure from the same run.
 */
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DriverName, StoredRecord } from '../storage-drivers/types.ts';
import { recordText } from '../storage-drivers/object-store-common.ts';
import { KeyLayout } from '../storage-drivers/s3-keys.ts';
import { parseS3Uri } from '../storage-drivers/s3-uri.ts';

const BATCH = 500;
const BATCHES_IN_FLIGHT = 4;
const OBJECTS_IN_FLIGHT = BATCHES_IN_FLIGHT * 16;

/** `work` over every item, `limit` at a time. */
async function inFlight<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

const batches = <T>(items: T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / BATCH) }, (_, i) =>
    items.slice(i * BATCH, (i + 1) * BATCH),
  );

const rowsOf = (records: StoredRecord[]) =>
  records.map((r) => ({ ...r, body: JSON.stringify(r.body) }));

/** The driver's statement for a batch of distinct keys, through node-pg, into the table the URI names. */
async function postgresRaw(uri: URL, records: StoredRecord[]): Promise<number> {
  const table = `"${uri.searchParams.get('table')}"`;
  const url = new URL(uri.href);
  url.search = '';
  const pool = new pg.Pool({ connectionString: url.href, max: BATCHES_IN_FLIGHT });
  const prepared = batches(rowsOf(records)).map((rows) => [
    rows.map((r) => r.kind),
    rows.map((r) => r.id),
    rows.map((r) => r.rev),
    rows.map((r) => r.deleted),
    rows.map((r) => r.body),
  ]);
  const started = performance.now();
  await inFlight(prepared, BATCHES_IN_FLIGHT, (arrays) =>
    pool.query(
      `INSERT INTO ${table} AS t (kind, id, rev, deleted, body)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[])
       ON CONFLICT (kind, id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted, body = excluded.body
       WHERE excluded.rev > t.rev RETURNING t.kind, t.id`,
      arrays,
    ),
  );
  const ms = performance.now() - started;
  await pool.end();
  return ms;
}

/** One multi-row upsert per batch in a transaction, through mysql2. */
async function mysqlRaw(uri: URL, records: StoredRecord[]): Promise<number> {
  const table = `\`${uri.searchParams.get('table')}\``;
  const pool = mysql.createPool({
    host: uri.hostname,
    port: Number(uri.port || 3306),
    user: decodeURIComponent(uri.username),
    password: decodeURIComponent(uri.password) || undefined,
    database: decodeURIComponent(uri.pathname.slice(1)),
    connectionLimit: BATCHES_IN_FLIGHT,
  });
  const prepared = batches(rowsOf(records)).map((rows) =>
    rows.map((r) => [r.kind, r.id, r.rev, r.deleted, r.body]),
  );
  const started = performance.now();
  await inFlight(prepared, BATCHES_IN_FLIGHT, async (values) => {
    const connection = await pool.getConnection();
    try {
      await connection.beginTransaction();
      await connection.query(
        `INSERT INTO ${table} (kind, id, rev, deleted, body) VALUES ?
         ON DUPLICATE KEY UPDATE deleted = IF(VALUES(rev) > rev, VALUES(deleted), deleted),
           body = IF(VALUES(rev) > rev, VALUES(body), body), rev = IF(VALUES(rev) > rev, VALUES(rev), rev)`,
        [values],
      );
      await connection.commit();
    } finally {
      connection.release();
    }
  });
  const ms = performance.now() - started;
  await pool.end();
  return ms;
}

/** The two objects the driver writes per record (index entry, then the record), with its client settings. */
async function s3Raw(uri: URL, records: StoredRecord[]): Promise<number> {
  const target = parseS3Uri(uri);
  const client = new S3Client(target.clientConfig);
  const keys = new KeyLayout(target.prefix);
  const objects = records.map((r) => ({
    entry: keys.indexKey(r.rev, r.kind, r.id, r.deleted),
    key: keys.recordKey(r.kind, r.id),
    text: recordText(r),
    metadata: { rev: r.rev, deleted: String(r.deleted) },
  }));
  const started = performance.now();
  await inFlight(objects, OBJECTS_IN_FLIGHT, async (o) => {
    await client.send(
      new PutObjectCommand({ Bucket: target.bucket, Key: o.entry, Body: new Uint8Array(0) }),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: o.key,
        Body: new TextEncoder().encode(o.text),
        Metadata: o.metadata,
        ContentType: 'application/json; charset=utf-8',
      }),
    );
  });
  const ms = performance.now() - started;
  client.destroy();
  return ms;
}

/** Per record: an entry file, the record in a synced temporary file renamed into place. */
async function folderRaw(uri: URL, records: StoredRecord[]): Promise<number> {
  const root = decodeURIComponent(uri.pathname);
  const objects = records.map((r, n) => ({
    dir: join(root, r.kind),
    name: `r${n}.json`,
    text: recordText(r),
  }));
  for (const dir of new Set(objects.map((o) => o.dir))) await mkdir(dir, { recursive: true });
  const started = performance.now();
  await inFlight(objects, OBJECTS_IN_FLIGHT, async (o) => {
    await writeFile(join(o.dir, `${o.name}.entry`), '');
    const temporary = join(o.dir, `~${o.name}.tmp`);
    const handle = await open(temporary, 'wx');
    await handle.writeFile(o.text, 'utf8');
    await handle.sync();
    await handle.close();
    await rename(temporary, join(o.dir, o.name));
  });
  return performance.now() - started;
}

/** Milliseconds to write `records` raw into the (empty, initialised) target at `uri`. */
export const rawWrite: Partial<
  Record<DriverName, (uri: URL, records: StoredRecord[]) => Promise<number>>
> = {
  postgres: postgresRaw,
  mysql: mysqlRaw,
  s3: s3Raw,
  file: folderRaw,
};
