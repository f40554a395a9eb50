/**
 * What the three SQL drivers share: target settings read from the URI, the batch plan that gives
 * `put` its one-after-another semantics, and one driver shell around a dialect's queries. The shell
 * owns everything that is not SQL: validation, paging, bad-row reporting, timeouts, error mapping
 * and the closed state, so the dialects stay plain queries.
 */
import {
  StorageError,
  type DriverName,
  type DriverOptions,
  type Page,
  type StorageDriver,
  type StorageErrorCode,
  type StoredRecord,
  type UriCheck,
} from './types.ts';
import { checkedText, keepCheckedText } from './stored-text.ts';
import { hostIdentity, numberParameter, unknownParameters, uriCheck } from './uri-check.ts';
import {
  DEFAULT_TIMEOUT_MS,
  assertHeader,
  assertRecord,
  clampLimit,
  compareText,
  digestRows,
  keyOf,
  keyProblem,
  queryNumber,
  recordFromColumns,
  redactUri,
  sleep,
  withTimeout,
} from './utils.ts';

export const DEFAULT_TABLE = 'staunch_records';
/** Short enough that `<table>_rev` still fits PostgreSQL's 63-byte identifiers. */
const TABLE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;
/** Query parameters the SQL drivers read themselves; everything else is the client library's. */
export const DRIVER_PARAMS = ['table', 'timeout_ms'];

export interface SqlTarget {
  table: string;
  timeoutMs: number;
  location: string;
  /** Strings that must never reach an error message: the password and secret-looking parameters. */
  secrets: string[];
}

export function sqlTarget(driver: DriverName, uri: URL, options: DriverOptions = {}): SqlTarget {
  const table = uri.searchParams.get('table') ?? DEFAULT_TABLE;
  const location = redactUri(uri);
  if (!TABLE_PATTERN.test(table)) {
    throw new StorageError(
      driver,
      'INVALID_URI',
      `table must be a plain identifier (letters, digits, _; at most 48): ${location}`,
    );
  }
  const secrets = [...uri.searchParams]
    .filter(([key]) => /secret|password|token|key/i.test(key))
    .map(([, value]) => value);
  if (uri.password) secrets.push(uri.password, safeDecode(uri.password));
  return {
    table,
    // A target's own `timeout_ms` wins over the process-wide option: one slow backend should not slow every target.
    timeoutMs: queryNumber(uri, 'timeout_ms', options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    location,
    secrets: secrets.filter((secret) => secret.length > 0),
  };
}

/** Problems with the parameters every SQL driver reads itself. */
export function sqlParameterProblems(uri: URL): string[] {
  const problems: string[] = [];
  const table = uri.searchParams.get('table');
  if (table !== null && !TABLE_PATTERN.test(table))
    problems.push(
      `table=${JSON.stringify(table)} is not a plain identifier (letters, digits, _; at most 48)`,
    );
  numberParameter(uri, 'timeout_ms', problems);
  return problems;
}

export interface ServerUriRules {
  family: string;
  defaultPort: number;
  /** Parameters the client library reads, besides the driver's own. */
  clientParameters: readonly string[];
  /** The parameter that names a local socket instead of a host. */
  socketParameter: string;
  /** The database when the path names none (PostgreSQL: the user's name), or undefined when one is required. */
  defaultDatabase?: (uri: URL) => string;
}

/** Host, port and database checks shared by the PostgreSQL and MySQL drivers, and the identity of the database named. */
export function checkServerUri(uri: URL, rules: ServerUriRules, problems: string[]): UriCheck {
  problems.push(
    ...unknownParameters(uri, [...DRIVER_PARAMS, ...rules.clientParameters]),
    ...sqlParameterProblems(uri),
  );
  const socket = uri.searchParams.get(rules.socketParameter);
  const example = `${rules.family}://user@db.internal:${rules.defaultPort}/staunch`;
  if (!uri.hostname && !socket) problems.push(`host: missing (e.g. ${example})`);
  if (uri.port === '0') problems.push('port: 0 is not a port');
  const database = safeDecode(uri.pathname.replace(/^\//, ''));
  if (database.includes('/'))
    problems.push(`path: "${database}" is not a database name (e.g. ${example})`);
  if (!database && !rules.defaultDatabase)
    problems.push(`path: the database name is missing (e.g. ${example})`);
  const host = hostIdentity(uri.hostname || socket || '');
  const table = uri.searchParams.get('table') ?? DEFAULT_TABLE;
  const identity = `${rules.family}://${host}:${uri.port || rules.defaultPort}/${database || rules.defaultDatabase?.(uri)}?table=${table}`;
  return uriCheck(uri, problems, identity);
}

/** The URI as the client library should see it: without the parameters this module consumes. */
export function clientUri(uri: URL): URL {
  const copy = new URL(uri.href);
  for (const name of DRIVER_PARAMS) copy.searchParams.delete(name);
  return copy;
}

/** decodeURIComponent that leaves a malformed escape as it is rather than throwing. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A record as the dialects write it: the body already serialized. */
export interface RecordRow {
  kind: string;
  id: string;
  rev: string;
  deleted: boolean;
  body: string;
}

/** A row as read back; anything may be wrong with it, so it is checked before it becomes a record. */
export interface StoredRow {
  kind: string;
  id: string;
  rev: string;
  deleted: unknown;
  body: unknown;
}

export interface KeyRow {
  kind: string;
  id: string;
  rev: string;
}

export function toRow(record: StoredRecord): RecordRow {
  return {
    kind: record.kind,
    id: record.id,
    rev: record.rev,
    deleted: record.deleted,
    body: JSON.stringify(record.body),
  };
}

/**
 * The outcome of applying `rows` one after another over the `stored` revs: whether each was applied
 * (in input order, so a repeated id is judged against the earlier copies too), and the one row per
 * key that must end up stored, sorted by key so concurrent writers lock rows in the same order.
 * Revs are ASCII, so JavaScript string order is the byte order the tables use.
 */
export function planBatch(
  rows: RecordRow[],
  stored: ReadonlyMap<string, string>,
): { applied: boolean[]; writes: RecordRow[] } {
  const current = new Map(stored);
  const writes = new Map<string, RecordRow>();
  const applied = rows.map((row) => {
    const key = keyOf(row.kind, row.id);
    const rev = current.get(key);
    if (rev !== undefined && rev >= row.rev) return false;
    current.set(key, row.rev);
    writes.set(key, row);
    return true;
  });
  const sorted = [...writes].sort(([a], [b]) => compareText(a, b)).map(([, row]) => row);
  return { applied, writes: sorted };
}

/** Run a transaction again when the server picked it as a deadlock victim; puts are idempotent. */
export async function retryWhen<T>(
  isRetryable: (error: unknown) => boolean,
  work: () => Promise<T>,
  attempts = 4,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await sleep(5 * attempt + Math.random() * 20);
    }
  }
}

const NETWORK_CODES: Record<string, StorageErrorCode> = {
  ECONNREFUSED: 'UNAVAILABLE',
  ECONNRESET: 'UNAVAILABLE',
  EPIPE: 'UNAVAILABLE',
  EHOSTUNREACH: 'UNAVAILABLE',
  ENETUNREACH: 'UNAVAILABLE',
  ENOTFOUND: 'UNAVAILABLE',
  EAI_AGAIN: 'UNAVAILABLE',
  ETIMEDOUT: 'TIMEOUT',
};

/** The code for errors raised by the socket rather than the server, or undefined. */
export function networkErrorCode(error: unknown): StorageErrorCode | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? NETWORK_CODES[code] : undefined;
}

/** The queries one SQL dialect runs; rows come back with kind, id and rev as strings. */
export interface SqlDialect {
  createSchema(): Promise<void>;
  /** Apply the rows (already validated) in one transaction; see planBatch for the semantics. */
  applyBatch(rows: RecordRow[]): Promise<boolean[]>;
  selectRecord(kind: string, id: string): Promise<StoredRow | undefined>;
  /** Rows of one kind with an id above `afterId`, in byte order of id. */
  selectKind(
    kind: string,
    afterId: string,
    includeDeleted: boolean,
    limit: number,
  ): Promise<StoredRow[]>;
  /** Rows of every kind with a rev above `afterRev`, ordered by rev, kind, id. */
  selectChanges(afterRev: string, limit: number): Promise<StoredRow[]>;
  selectKeys(): Promise<KeyRow[]>;
  insertIfAbsent(row: RecordRow): Promise<boolean>;
  deleteTombstones(beforeRev: string): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Which StorageError code a failure of this backend deserves. */
  classify(error: unknown): StorageErrorCode;
}

/** A StorageDriver around a dialect. */
export function createSqlDriver(
  name: DriverName,
  target: SqlTarget,
  options: DriverOptions,
  dialect: SqlDialect,
): StorageDriver {
  const { table, location, timeoutMs } = target;
  let closed = false;

  const ensureOpen = () => {
    if (closed) throw new StorageError(name, 'CLOSED', `driver for ${location} is closed`);
  };

  const scrub = (text: string) =>
    target.secrets.reduce((message, secret) => message.split(secret).join('***'), text);

  const toStorageError = (what: string, error: unknown): StorageError => {
    if (error instanceof StorageError) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new StorageError(
      name,
      dialect.classify(error),
      scrub(`${what} failed on ${location}: ${reason}`),
      { cause: error },
    );
  };

  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    ensureOpen();
    try {
      return await withTimeout(name, `${what} on ${location}`, timeoutMs, work());
    } catch (error) {
      throw toStorageError(what, error);
    }
  };

  const reportBad = (row: { kind: string; id: string }, problem: string) => {
    options.onBadRecord?.({ location: `${table} ${row.kind}/${row.id}`, error: problem });
  };

  /** Records from rows, leaving out (and reporting) the rows that are not records. */
  const decode = (rows: StoredRow[], keepText = false): StoredRecord[] => {
    const records: StoredRecord[] = [];
    for (const row of rows) {
      const { record, problem } = recordFromColumns(row);
      if (!record) reportBad(row, problem);
      else {
        if (keepText && typeof row.body === 'string') keepCheckedText(record, row.body);
        records.push(record);
      }
    }
    return records;
  };

  return {
    name,
    location,

    init: () => call('init', () => dialect.createSchema()),

    async put(records) {
      ensureOpen();
      // Validate the whole batch first so that one bad record writes nothing. A body whose
      // checked text was kept is written as that text, so its strings need no second walk.
      const rows = records.map((record) => {
        const text = checkedText(record);
        if (text === undefined) {
          assertRecord(name, record);
          return toRow(record);
        }
        assertHeader(name, record);
        return {
          kind: record.kind,
          id: record.id,
          rev: record.rev,
          deleted: record.deleted,
          body: text,
        };
      });
      if (rows.length === 0) return [];
      return call('put', () => dialect.applyBatch(rows));
    },

    async get(kind, id) {
      const row = await call('get', () => dialect.selectRecord(kind, id));
      return row ? (decode([row])[0] ?? null) : null;
    },

    async list(kind, listOptions = {}) {
      const limit = clampLimit(listOptions.limit);
      const rows = await call('list', () =>
        dialect.selectKind(
          kind,
          listOptions.cursor ?? '',
          listOptions.includeDeleted === true,
          limit + 1,
        ),
      );
      const page = rows.slice(0, limit);
      const items = decode(page, listOptions.storedText === true);
      // The cursor is the last row read, not the last good record, so bad rows cannot stall paging.
      return rows.length > limit ? { items, cursor: page[page.length - 1]!.id } : { items };
    },

    async changes(changesOptions = {}) {
      const limit = clampLimit(changesOptions.limit);
      const since = changesOptions.sinceRev ?? '';
      const { rows, cursor } = await call('changes', () => changesPage(dialect, since, limit));
      const page: Page<StoredRecord> = { items: decode(rows) };
      if (cursor !== undefined) page.cursor = cursor;
      return page;
    },

    async digest() {
      const keys = await call('digest', () => dialect.selectKeys());
      return digestRows(
        keys.filter((key) => {
          // Only the key columns are read; a garbage rev must still not become a kind's maxRev.
          const problem = keyProblem(key.kind, key.id, key.rev);
          if (problem) reportBad(key, problem);
          return !problem;
        }),
      );
    },

    async putIfAbsent(record) {
      ensureOpen();
      assertRecord(name, record);
      const row = toRow(record);
      return call('putIfAbsent', () => dialect.insertIfAbsent(row));
    },

    purgeTombstones: (beforeRev) =>
      call('purgeTombstones', () => dialect.deleteTombstones(beforeRev)),

    ping: () => call('ping', () => dialect.ping()),

    async close() {
      if (closed) return;
      closed = true;
      // Closing a target whose server is gone or hung is not worth an error, nor a wait without end.
      await withTimeout(name, `close of ${location}`, timeoutMs, dialect.close()).catch(
        () => undefined,
      );
    },
  };
}

/**
 * One page of changes. The cursor is a rev, so a page must never end inside a run of equal revs:
 * the rest of the run would be skipped by the next call. The page is cut back to the last complete
 * run, or grown when a single run is longer than the limit.
 */
async function changesPage(
  dialect: SqlDialect,
  since: string,
  limit: number,
): Promise<{ rows: StoredRow[]; cursor?: string }> {
  for (let size = limit; ; size *= 2) {
    const rows = await dialect.selectChanges(since, size + 1);
    if (rows.length <= size) return { rows };
    let end = size;
    while (end > 0 && rows[end - 1]!.rev === rows[end]!.rev) end--;
    if (end > 0) return { rows: rows.slice(0, end), cursor: rows[end - 1]!.rev };
  }
}
