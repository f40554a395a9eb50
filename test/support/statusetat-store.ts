/**
 * statusetat stores created the way statusetat lays them out, for the import suites: the gorm
 * tables of its SQL backends (SQLite, PostgreSQL, MySQL/MariaDB) with their column types and time
 * spellings, and the one-document-per-guid layout of its folder and S3 backends, with
 * `persistents.json` and `subscribers.json`. The content is given as statusetat's API answers it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import type { StatusetatIncident } from '../../src/domain/statusetat-import.ts';
import { withMysql } from './mysql.ts';
import { withPostgres } from './postgres.ts';

export type SqlDialect = 'sqlite' | 'postgres' | 'mysql';

/** gorm v1's AutoMigrate DDL for statusetat's models, per dialect. */
export function statusetatDdl(dialect: SqlDialect): string[] {
  const q = (name: string) => (dialect === 'mysql' ? `\`${name}\`` : `"${name}"`);
  const time = { sqlite: 'datetime', postgres: 'timestamp with time zone', mysql: 'DATETIME NULL' }[
    dialect
  ];
  const bool = { sqlite: 'bool', postgres: 'boolean', mysql: 'boolean' }[dialect];
  const int = { sqlite: 'integer', postgres: 'integer', mysql: 'int' }[dialect];
  const str = 'varchar(255)';
  return [
    `CREATE TABLE ${q('incidents')} (${q('guid')} ${str},${q('created_at')} ${time},${q('updated_at')} ${time},${q('state')} ${int},${q('component_state')} ${int},${q('components')} varchar(300),${q('is_scheduled')} ${bool},${q('scheduled_end')} ${time},${q('origin')} ${str},${q('persistent')} ${bool} , PRIMARY KEY (${q('guid')}))`,
    `CREATE TABLE ${q('messages')} (${q('guid')} ${str},${q('incident_guid')} ${str},${q('created_at')} ${time},${q('title')} ${str},${q('content')} ${str} , PRIMARY KEY (${q('guid')}))`,
    `CREATE TABLE ${q('metadata')} (${q('incident_guid')} ${str},${q('key')} ${str},${q('value')} ${str} )`,
    `CREATE TABLE ${q('subscribers')} (${q('email')} ${str} , PRIMARY KEY (${q('email')}))`,
  ];
}

/**
 * A time as each backend is handed it: SQLite gets go-sqlite3's text (`2006-01-02
 * 15:04:05.999999999-07:00`, the offset kept), PostgreSQL the same text into timestamptz, MySQL
 * the UTC wall time (go-sql-driver writes in the connection's zone, UTC).
 */
function sqlTime(rfc3339: string, dialect: SqlDialect): string {
  if (dialect === 'mysql')
    return new Date(rfc3339).toISOString().replace('T', ' ').replace('Z', '');
  const text = rfc3339.replace('T', ' ');
  return text.endsWith('Z') ? `${text.slice(0, -1)}+00:00` : text;
}

function rows(incidents: StatusetatIncident[], subscribers: string[], dialect: SqlDialect) {
  const t = (text: string) => sqlTime(text, dialect);
  const b = (value: boolean) => (dialect === 'postgres' ? value : value ? 1 : 0);
  return {
    incidents: incidents.map((i) => [
      i.guid,
      t(i.created_at),
      t(i.updated_at),
      i.state,
      i.component_state,
      JSON.stringify(i.components ?? []),
      b(i.is_scheduled),
      t(i.scheduled_end),
      i.origin,
      b(i.persistent === true),
    ]),
    messages: incidents.flatMap((i) =>
      (i.messages ?? []).map((m) => [m.guid, i.guid, t(m.created_at), m.title, m.content]),
    ),
    metadata: incidents.flatMap((i) => (i.metadata ?? []).map((m) => [i.guid, m.key, m.value])),
    subscribers: subscribers.map((email) => [email]),
  };
}

const COLUMNS = {
  incidents: [
    'guid',
    'created_at',
    'updated_at',
    'state',
    'component_state',
    'components',
    'is_scheduled',
    'scheduled_end',
    'origin',
    'persistent',
  ],
  messages: ['guid', 'incident_guid', 'created_at', 'title', 'content'],
  metadata: ['incident_guid', 'key', 'value'],
  subscribers: ['email'],
} as const;

export function createSqliteStore(
  path: string,
  incidents: StatusetatIncident[],
  subscribers: string[],
) {
  const db = new Database(path);
  for (const ddl of statusetatDdl('sqlite')) db.exec(ddl);
  const data = rows(incidents, subscribers, 'sqlite');
  for (const [table, columns] of Object.entries(COLUMNS)) {
    const insert = db.prepare(
      `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES (${columns.map(() => '?').join(',')})`,
    );
    for (const row of data[table as keyof typeof data]) insert.run(...(row as unknown[]));
  }
  db.close();
}

export async function createPostgresStore(
  url: URL,
  incidents: StatusetatIncident[],
  subscribers: string[],
) {
  const data = rows(incidents, subscribers, 'postgres');
  await withPostgres(url, async (client) => {
    for (const ddl of statusetatDdl('postgres')) await client.query(ddl);
    for (const [table, columns] of Object.entries(COLUMNS))
      for (const row of data[table as keyof typeof data])
        await client.query(
          `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(',')})`,
          row,
        );
  });
}

export async function createMysqlStore(
  url: URL,
  incidents: StatusetatIncident[],
  subscribers: string[],
) {
  const data = rows(incidents, subscribers, 'mysql');
  await withMysql(url, async (connection) => {
    for (const ddl of statusetatDdl('mysql')) await connection.query(ddl);
    for (const [table, columns] of Object.entries(COLUMNS))
      for (const row of data[table as keyof typeof data])
        await connection.query(
          `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(',')}) VALUES (${columns.map(() => '?').join(',')})`,
          row,
        );
  });
}

/** statusetat's folder and bucket documents: Go's JSON of each model (a nil slice is null). */
function documents(incidents: StatusetatIncident[], subscribers: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  const persistent = incidents
    .filter((i) => i.persistent)
    .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
  for (const incident of incidents.filter((i) => !i.persistent))
    files[incident.guid] = JSON.stringify(incident);
  files['persistents.json'] = JSON.stringify(persistent);
  files['subscribers.json'] = JSON.stringify(subscribers);
  return files;
}

export function createFolderStore(
  folder: string,
  incidents: StatusetatIncident[],
  subscribers: string[],
) {
  mkdirSync(folder, { recursive: true, mode: 0o775 });
  for (const [name, text] of Object.entries(documents(incidents, subscribers)))
    writeFileSync(join(folder, name), text);
}

export async function createBucketStore(
  endpoint: string,
  bucket: string,
  incidents: StatusetatIncident[],
  subscribers: string[],
) {
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  for (const [key, text] of Object.entries(documents(incidents, subscribers)))
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text }));
  client.destroy();
}
