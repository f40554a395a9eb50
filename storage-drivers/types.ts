/**
 * The record contract every storage target implements.
 *
 * A driver stores versioned records for one target and knows nothing about the others.
 * The conflict rule lives here, in every driver: a record is applied only when its rev is
 * higher than the stored one, so replays, retries and syncs converge in any order.
 */

/** Names of the drivers; the same string is the URI scheme family, the file name and the registry key. */
export type DriverName = 'memory' | 'sqlite' | 'postgres' | 'mysql' | 's3' | 'file';

/** JSON values a record body may hold. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface StoredRecord {
  /** What the record is: `incident`, `subscriber`, `component`, ... Matches /^[a-z0-9_]{1,64}$/. */
  kind: string;
  /**
   * Identity within the kind: 1..200 UTF-16 units of any character (unicode, slashes, spaces, control
   * characters) except U+0000 and lone surrogates, which no SQL backend stores as they are. Body
   * strings and keys follow the same rule (`stringProblem` in utils.ts).
   */
  id: string;
  /** Hybrid logical clock stamp; string order equals clock order. */
  rev: string;
  /** Deletes are tombstones so that a delete cannot be undone by a replica that missed it. */
  deleted: boolean;
  /** The document; `null` for tombstones. */
  body: Json;
}

export interface Page<T> {
  items: T[];
  /** Present when there may be more: pass it back to get the next page. */
  cursor?: string;
}

export interface ListOptions {
  cursor?: string;
  /** At most this many items (default 500, capped at 5000). */
  limit?: number;
  /** Tombstones are left out unless asked for. */
  includeDeleted?: boolean;
  /**
   * A copy to another target will follow: a driver that stores bodies as JSON text keeps each
   * checked text beside its record (stored-text.ts), so a SQL driver writing the record sends
   * that text instead of serializing the body again. Drivers that store no such text ignore it; the records listed are the same either way.
   */
  storedText?: boolean;
}

export interface ChangesOptions {
  /** Only records whose rev is strictly greater. */
  sinceRev?: string;
  limit?: number;
}

/** A cheap summary of one kind, equal on two targets exactly when they hold the same (id, rev) pairs. */
export interface KindDigest {
  count: number;
  maxRev: string;
  /** Order-independent hash over (id, rev), hex. */
  hash: string;
}

/** Where a record could not be read, and why; passed to `onBadRecord` and then skipped. */
export interface BadRecord {
  location: string;
  error: string;
}

export interface DriverOptions {
  /** Called for data that is not a valid record (corrupt file, foreign object, bad row). */
  onBadRecord?: (bad: BadRecord) => void;
  /** Give up on one backend call after this many milliseconds (default 10 s). */
  timeoutMs?: number;
  /**
   * Close each database connection after one use: workerd ties a socket to the request that
   * opened it, so a connection kept in a pool fails (it hangs) in every later request.
   */
  connectionPerCall?: boolean;
  /** The runtime refuses code generated from strings (workerd): clients parse rows without it. */
  noEval?: boolean;
}

export interface StorageDriver {
  readonly name: DriverName;
  /** The target's URI with any password or secret key removed, safe for logs and pages. */
  readonly location: string;
  /** Create tables, folders or the bucket prefix; idempotent. */
  init(): Promise<void>;
  /** Apply each record whose rev is newer than the stored one; `applied[i]` says whether records[i] was. */
  put(records: StoredRecord[]): Promise<boolean[]>;
  /** The record, tombstones included; null when the target has never seen it. */
  get(kind: string, id: string): Promise<StoredRecord | null>;
  /** Records of one kind in id order (UTF-8 byte or UTF-16 unit order, stable per driver), paginated. */
  list(kind: string, options?: ListOptions): Promise<Page<StoredRecord>>;
  /** Records of every kind with a rev above the mark, in rev order, tombstones included. */
  changes(options?: ChangesOptions): Promise<Page<StoredRecord>>;
  /** One digest per kind held (tombstones count). */
  digest(): Promise<Record<string, KindDigest>>;
  /** Store the record only if no record with its kind and id exists; atomic on the backend. */
  putIfAbsent(record: StoredRecord): Promise<boolean>;
  /** Remove tombstones whose rev is below the mark; returns how many went. */
  purgeTombstones(beforeRev: string): Promise<number>;
  /** Resolve when the backend answers, reject with a StorageError otherwise. */
  ping(): Promise<void>;
  /** Release connections; later calls reject with code CLOSED. Idempotent. */
  close(): Promise<void>;
}

export type StorageErrorCode =
  'INVALID_URI' | 'UNAVAILABLE' | 'AUTH' | 'NOT_FOUND' | 'INVALID_RECORD' | 'TIMEOUT' | 'CLOSED';

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly driver: DriverName,
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`[storage:${driver}] ${message}`, options);
  }
}

/** Builds a driver from its target URI; drivers connect lazily, so creating one never does I/O. */
export type StorageDriverFactory = (uri: URL, options?: DriverOptions) => StorageDriver;

export interface UriContext {
  /** Folder that relative paths are resolved against (the config file's); default the working directory. */
  baseDir?: string;
  /** The target as written, before URL parsing normalised it (`file:x` and `file:///x` parse alike). */
  raw?: string;
}

export interface UriCheck {
  /** Everything wrong with the URI, each naming the part or parameter; empty when it is usable. */
  problems: string[];
  /** The target as the driver will open it, relative paths resolved. */
  target: string;
  /** Equal for two targets that reach the same store, so a config cannot list one store twice. */
  identity?: string;
}

export interface DriverModule {
  /** URI schemes this driver answers to (`mysql` also takes `mariadb`). */
  schemes: readonly string[];
  /** Whether the driver can run inside workerd. */
  runtimes: readonly ('node' | 'workerd')[];
  /** Checks a target URI without creating anything, so a config is refused before anything starts. */
  checkUri(uri: URL, context?: UriContext): UriCheck;
  create: StorageDriverFactory;
}

/**
 * What a driver whose client library is large (an SDK, a database client) says about itself without
 * loading it, in its `<name>-uri.ts`: enough to check a config and to name the target, so a runtime
 * can load the library only when a target uses it.
 */
export interface DriverDescriptor extends Omit<DriverModule, 'create'> {
  name: DriverName;
  /** The driver's `location` for this URI (secrets removed), known before the driver exists. */
  location(uri: URL): string;
}
