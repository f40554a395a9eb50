import {
  StorageError,
  type DriverName,
  type Json,
  type KindDigest,
  type StoredRecord,
} from './types.ts';
import { addPairHashes, hex32 } from './hash.ts';

export const DEFAULT_LIST_LIMIT = 500;
export const MAX_LIST_LIMIT = 5000;
export const DEFAULT_TIMEOUT_MS = 10_000;

export const KIND_PATTERN = /^[a-z0-9_]{1,64}$/;
export const REV_PATTERN = /^[0-9a-f]{12}-[0-9a-f]{6}-[a-z0-9]{1,32}$/;

/** The one map key for a record: U+0000 cannot occur in a kind or an id, so no two records share one. */
export const keyOf = (kind: string, id: string): string => `${kind}\u0000${id}`;

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** String order by UTF-16 code unit, the order ids and revs are compared in everywhere. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit) || limit <= 0) return DEFAULT_LIST_LIMIT;
  return Math.min(Math.floor(limit), MAX_LIST_LIMIT);
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Why a string cannot be stored the same on every backend, or null. PostgreSQL refuses U+0000 in
 * text and jsonb, and a lone surrogate has no UTF-8 form, so SQL columns, S3 keys and JSON files
 * would each keep a different replacement: the record would never compare equal across targets.
 * (With the `u` flag the pattern matches only unpaired surrogates; astral characters pass.)
 */
export function stringProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains U+0000 (NUL)';
  if (LONE_SURROGATE.test(text)) return 'contains a lone surrogate (not well-formed Unicode)';
  return null;
}

/** The first string of a JSON value (keys included) that cannot be stored, with where it is. */
function bodyProblem(value: Json, path: string): string | null {
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    return problem && `${path} ${problem}`;
  }
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = bodyProblem(value[i]!, `${path}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = stringProblem(key);
    if (keyProblem) return `a key in ${path} ${keyProblem}`;
    const problem = bodyProblem(item, `${path}.${key}`);
    if (problem) return problem;
  }
  return null;
}

/** Why a value is not a storable record, or null when it is one. */
export function recordProblem(value: unknown): string | null {
  return headerProblem(value) ?? bodyProblem((value as StoredRecord).body, 'body');
}

/** What is wrong with a key a digest reads (kind, id, rev), or null. */
export function keyProblem(kind: unknown, id: unknown, rev: unknown): string | null {
  if (typeof kind !== 'string' || !KIND_PATTERN.test(kind))
    return 'kind must match [a-z0-9_]{1,64}';
  if (typeof id !== 'string' || id.length === 0 || id.length > 200)
    return 'id must be 1 to 200 characters';
  const idProblem = stringProblem(id);
  if (idProblem) return `id ${idProblem}`;
  if (typeof rev !== 'string' || !REV_PATTERN.test(rev))
    return `rev ${JSON.stringify(rev)} is not a clock stamp`;
  return null;
}

/** recordProblem without the walk through the body's strings. */
export function headerProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const r = value as Partial<StoredRecord>;
  const problem = keyProblem(r.kind, r.id, r.rev);
  if (problem) return problem;
  if (typeof r.deleted !== 'boolean') return 'deleted must be a boolean';
  if (!('body' in r) || r.body === undefined) return 'body is missing';
  return null;
}

/**
 * bodyProblem for a body parsed from `text`. JSON.parse refuses a raw U+0000, and only a `\u`
 * escape or a lone surrogate already in the text can put a NUL or half a character into one of
 * the parsed strings, so a text with neither (nearly every stored body) needs no walk.
 */
export function parsedBodyProblem(text: string, body: Json): string | null {
  if (!text.includes('\\u') && !LONE_SURROGATE.test(text)) return null;
  return bodyProblem(body, 'body');
}

export function assertRecord(driver: DriverName, value: unknown): asserts value is StoredRecord {
  const problem = recordProblem(value);
  if (problem) throw new StorageError(driver, 'INVALID_RECORD', problem);
}

/** assertRecord for a record whose body was checked already (stored-text.ts). */
export function assertHeader(driver: DriverName, value: unknown): asserts value is StoredRecord {
  const problem = headerProblem(value);
  if (problem) throw new StorageError(driver, 'INVALID_RECORD', problem);
}

/** Parse a stored body, keeping the original error for the bad-record report. */
export function parseBody(text: string): Json {
  return JSON.parse(text) as Json;
}

/** A record from its stored columns, or null with `problem` set when the columns are not a record. */
export function recordFromColumns(columns: {
  kind: unknown;
  id: unknown;
  rev: unknown;
  deleted: unknown;
  body: unknown;
}): { record: StoredRecord; problem?: undefined } | { record?: undefined; problem: string } {
  let body: Json;
  try {
    body = typeof columns.body === 'string' ? parseBody(columns.body) : (columns.body as Json);
  } catch (error) {
    return { problem: `body is not JSON: ${(error as Error).message}` };
  }
  const record = {
    kind: String(columns.kind),
    id: String(columns.id),
    rev: String(columns.rev),
    deleted: columns.deleted === true || columns.deleted === 1 || columns.deleted === '1',
    body,
  };
  const problem =
    headerProblem(record) ??
    (typeof columns.body === 'string'
      ? parsedBodyProblem(columns.body, body)
      : bodyProblem(body, 'body'));
  return problem ? { problem } : { record };
}

/**
 * Order-independent digest accumulator: two 32-bit hashes per (id, rev), FNV-1a and a shifted
 * variant, summed. Every driver computes it in JavaScript from the same strings, so digests
 * compare across backends.
 */
export class DigestBuilder {
  private count = 0;
  private maxRev = '';
  private readonly sums: [number, number] = [0, 0];

  add(id: string, rev: string): void {
    addPairHashes(this.sums, id, rev);
    this.count++;
    if (rev > this.maxRev) this.maxRev = rev;
  }

  result(): KindDigest {
    return {
      count: this.count,
      maxRev: this.maxRev,
      hash: hex32(this.sums[0]) + hex32(this.sums[1]),
    };
  }
}

/** Digests of a set of (kind, id, rev) rows, grouped by kind. */
export function digestRows(
  rows: Iterable<{ kind: string; id: string; rev: string }>,
): Record<string, KindDigest> {
  const builders = new Map<string, DigestBuilder>();
  for (const row of rows) {
    let builder = builders.get(row.kind);
    if (!builder) builders.set(row.kind, (builder = new DigestBuilder()));
    builder.add(row.id, row.rev);
  }
  return Object.fromEntries([...builders].map(([kind, builder]) => [kind, builder.result()]));
}

/** The URI as it may be shown: password and secret key replaced by `***`. */
export function redactUri(uri: URL): string {
  const copy = new URL(uri.href);
  if (copy.password) copy.password = '***';
  for (const key of [...copy.searchParams.keys()]) {
    if (/secret|password|token|key/i.test(key)) copy.searchParams.set(key, '***');
  }
  return copy.href;
}

/** Reject after `ms` with a TIMEOUT error naming what was being waited for. */
export async function withTimeout<T>(
  driver: DriverName,
  what: string,
  ms: number,
  work: Promise<T>,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StorageError(driver, 'TIMEOUT', `${what} did not answer within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Numbers from a URI query parameter, with a default. */
export function queryNumber(uri: URL, name: string, fallback: number): number {
  const raw = uri.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * `work` over every item with at most `limit` calls in flight; results keep the input order, and
 * the first failure rejects the whole call.
 * Drivers whose backend is many small requests (S3 objects, files) use it to overlap latency.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    // After a failure the other workers finish the call they are in but start no new one.
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await work(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const TRUE_WORDS = /^(true|1|yes|on)$/i;
const FALSE_WORDS = /^(false|0|no|off)$/i;

/**
 * A yes/no URI query parameter, strictly parsed (statusetat took any non-empty value, even `false`, as true).
 * With `problems`, a bad value is added there (and undefined returned) instead of thrown.
 */
export function booleanParameter(
  driver: DriverName,
  uri: URL,
  name: string,
  problems?: string[],
): boolean | undefined {
  const raw = uri.searchParams.get(name);
  if (raw === null) return undefined;
  if (TRUE_WORDS.test(raw.trim())) return true;
  if (FALSE_WORDS.test(raw.trim())) return false;
  const problem = `${name}=${JSON.stringify(raw)} is not a boolean (use true or false)`;
  if (problems) {
    problems.push(problem);
    return undefined;
  }
  throw new StorageError(driver, 'INVALID_URI', `${problem} in ${redactUri(uri)}`);
}
