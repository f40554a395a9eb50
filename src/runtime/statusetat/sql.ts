/**
 * statusetat's SQL stores, read as its gorm models laid them out: tables `incidents` (guid,
 * created_at, updated_at, state, component_state, components as a JSON array of strings,
 * is_scheduled, scheduled_end, origin, persistent), `messages` (guid, incident_guid, created_at,
 * title, content), `metadata` (incident_guid, key, value) and `subscribers` (email). Times come
 * back as statusetat's API prints them: SQLite keeps the offset they were written with (text);
 * PostgreSQL (timestamptz) and MySQL (DATETIME, read with parseTime in UTC) keep the instant,
 * which is printed in UTC. Messages are read newest first, as statusetat's SQL store reads them.
 */
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import {
  goTime,
  type StatusetatContent,
  type StatusetatIncident,
} from '../../domain/statusetat-import.ts';

type Row = Record<string, unknown>;

interface Tables {
  incidents: Row[];
  messages: Row[];
  metadata: Row[];
  subscribers: Row[];
}

const text = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : value instanceof Date
      ? goTime(value.toISOString())
      : String(value);
const bool = (value: unknown): boolean =>
  value === true || value === 1 || value === '1' || value === 't' || value === 'true';

function components(value: unknown): string[] {
  if (typeof value !== 'string' || value === '') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
}

function assemble(tables: Tables): StatusetatContent {
  const messages = new Map<string, StatusetatIncident['messages'] & object>();
  // Newest first, as `ORDER BY created_at DESC`; compared as instants, since SQLite's text is not.
  const sorted = [...tables.messages].sort(
    (a, b) => Date.parse(text(b.created_at)) - Date.parse(text(a.created_at)),
  );
  for (const row of sorted) {
    const guid = text(row.incident_guid);
    const list = messages.get(guid) ?? [];
    list.push({
      guid: text(row.guid),
      incident_guid: guid,
      created_at: goTime(text(row.created_at)),
      title: text(row.title),
      content: text(row.content),
    });
    messages.set(guid, list);
  }
  const metadata = new Map<string, Array<{ key: string; value: string }>>();
  for (const row of tables.metadata) {
    const guid = text(row.incident_guid);
    metadata.set(guid, [
      ...(metadata.get(guid) ?? []),
      { key: text(row.key), value: text(row.value) },
    ]);
  }
  return {
    incidents: tables.incidents.map((row) => {
      const guid = text(row.guid);
      return {
        guid,
        created_at: goTime(text(row.created_at)),
        updated_at: goTime(text(row.updated_at)),
        state: Number(row.state ?? 0),
        component_state: Number(row.component_state ?? 0),
        components: components(row.components),
        messages: messages.get(guid) ?? [],
        metadata: metadata.get(guid) ?? [],
        is_scheduled: bool(row.is_scheduled),
        scheduled_end: row.scheduled_end ? goTime(text(row.scheduled_end)) : '0001-01-01T00:00:00Z',
        origin: text(row.origin),
        persistent: bool(row.persistent),
      };
    }),
    subscribers: tables.subscribers.map((row) => text(row.email)).filter(Boolean),
  };
}

/** `persistent` came with a later statusetat version; a store from before has no such column. */
const TABLES = ['incidents', 'messages', 'metadata', 'subscribers'] as const;

export function readSqlite(path: string): StatusetatContent {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = Object.fromEntries(
      TABLES.map((table) => [table, db.prepare(`SELECT * FROM "${table}"`).all() as Row[]]),
    ) as unknown as Tables;
    return assemble(tables);
  } finally {
    db.close();
  }
}

export async function readPostgres(uri: string): Promise<StatusetatContent> {
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    // Times as UTC text with microseconds (a Date would drop them); named like the columns they
    // follow, so each row keeps the text (pg keeps the last of two equal names).
    const utc = (column: string) =>
      `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ${column}`;
    const read = async (sql: string) => (await client.query(sql)).rows as Row[];
    return assemble({
      incidents: await read(
        `SELECT *, ${utc('created_at')}, ${utc('updated_at')}, ${utc('scheduled_end')} FROM incidents`,
      ),
      messages: await read(`SELECT *, ${utc('created_at')} FROM messages`),
      metadata: await read('SELECT * FROM metadata'),
      subscribers: await read('SELECT * FROM subscribers'),
    });
  } finally {
    await client.end();
  }
}

export async function readMysql(uri: URL): Promise<StatusetatContent> {
  // statusetat's working MySQL URIs carry `?parseTime=true` percent-encoded into the path.
  const database = decodeURIComponent(uri.pathname.slice(1)).split('?')[0]!;
  const connection = await mysql.createConnection({
    host: uri.hostname,
    port: Number(uri.port || 3306),
    user: decodeURIComponent(uri.username),
    password: decodeURIComponent(uri.password),
    database,
    timezone: 'Z',
    dateStrings: true,
  });
  try {
    const read = async (sql: string) => (await connection.query(sql))[0] as Row[];
    const utc = (rows: Row[], columns: string[]) =>
      rows.map((row) => {
        const out = { ...row };
        for (const column of columns)
          if (typeof out[column] === 'string' && out[column])
            out[column] = `${String(out[column])}Z`;
        return out;
      });
    return assemble({
      incidents: utc(await read('SELECT * FROM incidents'), [
        'created_at',
        'updated_at',
        'scheduled_end',
      ]),
      messages: utc(await read('SELECT * FROM messages'), ['created_at']),
      metadata: await read('SELECT * FROM metadata'),
      subscribers: await read('SELECT * FROM subscribers'),
    });
  } finally {
    await connection.end();
  }
}
