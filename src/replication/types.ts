/**
 * What the replication engine offers the layers above it. The domain reads from the merged
 * in-memory view (synchronous, never touches a backend) and writes through `write`, which
 * stamps revs and fans the records out to every target.
 */
import type {
  BadRecord,
  DriverName,
  Json,
  StorageDriver,
  StoredRecord,
} from '../../storage-drivers/types.ts';
import type { HybridLogicalClock } from './hlc.ts';
import type { SnapshotStore } from './snapshot.ts';

export type WriteQuorum = 1 | 'majority' | 'all';

export type Mutation =
  | { kind: string; id: string; body: Json; deleted?: false }
  | { kind: string; id: string; deleted: true };

export interface TargetStatus {
  /** Position-stable name for display: the redacted URI. */
  location: string;
  driver: DriverName;
  state: 'up' | 'down' | 'unknown';
  /** Round trip of the last ping or write, in milliseconds. */
  latencyMs: number | null;
  /** Redacted: never holds a password or secret key. */
  lastError?: string;
  /** Records the merged view holds at a higher rev than this target (estimated from hints and the last sync). */
  lag: number;
  queuedHints: number;
  /** ISO time of the last completed sync pass that reached this target. */
  lastSync?: string;
  /** Records this target held that could not be read (corrupt file, bad row); skipped, never fatal. */
  badRecords: number;
  /** Records this target refused to store (a string or size it cannot hold); skipped, the rest of their batch applied. */
  refusedRecords: number;
}

/** The write reached fewer targets than the quorum; nothing of it will be applied later. */
export class QuorumError extends Error {
  override readonly name = 'QuorumError';
  constructor(
    readonly needed: number,
    readonly acknowledged: number,
    readonly failures: string[],
  ) {
    super(`write reached ${acknowledged} of the ${needed} storage targets it needs`);
  }
}

/**
 * A mutation no target could store as given (NUL, a lone surrogate, a bad kind or id): refused by
 * the writer before any target is called, so nothing of its write was acknowledged or stored.
 */
export class InvalidRecordError extends Error {
  override readonly name = 'InvalidRecordError';
  readonly code = 'INVALID_RECORD';
  constructor(
    readonly kind: string,
    readonly problem: string,
  ) {
    super(`a ${kind} record cannot be stored: ${problem}`);
  }
}

/**
 * What the merged view knows. `none`: nothing loaded yet, so no surface may state a status;
 * `snapshot`: the last known state this instance saved locally, as of `asOf` (ISO), until a
 * target answers; `target`: loaded from at least one target.
 */
export type ViewLoadState =
  | { readonly source: 'none' }
  | { readonly source: 'snapshot'; readonly asOf: string }
  | { readonly source: 'target' };

export interface RecordStore {
  /** A live record from the merged view; tombstones read as undefined. */
  get(kind: string, id: string): StoredRecord | undefined;
  /** Every live record of a kind, from the merged view, in id order. */
  list(kind: string): StoredRecord[];
  /** Stamp new revs, apply to the view and to at least the quorum of targets. Rejects with QuorumError. */
  write(mutations: Mutation[]): Promise<StoredRecord[]>;
  /** True when this call created the record on the targets (putIfAbsent): "this notification is mine to send". */
  claim(kind: string, id: string, body: Json): Promise<boolean>;
  /** Called after the view changed, from local writes or from other instances' writes. */
  subscribe(listener: (changed: StoredRecord[]) => void): () => void;
  /** Grows on every change of the view (and of its load state): a cheap cache key for rendered pages. */
  readonly version: number;
  /** Whether the view holds anything loaded; read through `knownState()` in src/http/known-state.ts. */
  readonly loadState: ViewLoadState;
  targets(): TargetStatus[];
}

/** pino-compatible: `logger.warn({ target }, 'message')`. */
export interface Logger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ReplicatorOptions {
  /** The targets, in config order; the order decides the claim arbiter and where hints are kept. */
  drivers: StorageDriver[];
  /** How many targets must apply a write before it is acknowledged (default 1). */
  writeQuorum?: WriteQuorum;
  /** Give up on one target's write or ping after this long (default 5 s); the target is then hinted. */
  writeTimeoutMs?: number;
  /** Give up on one page of bulk work (digest, list, changes, sync copies, purge) after this long (default 30 s). */
  bulkTimeoutMs?: number;
  /** Anti-entropy pass interval (default 60 s); 0 turns the periodic pass off. */
  syncIntervalMs?: number;
  /** Change-feed polling interval (default 2 s); 0 turns polling off. */
  pollIntervalMs?: number;
  /** How far behind its cursor each poll re-reads, for records that arrive late with a lower rev (default 5 min). */
  pollLookbackMs?: number;
  /** Ping interval of the background health check (default 3 s); 0 turns it off. */
  healthIntervalMs?: number;
  /** Tombstones older than this are purged by the sync (default 30 days). */
  tombstoneRetentionMs?: number;
  /** Hint retry backoff: first delay and cap (defaults 500 ms and 60 s), with jitter. */
  hintRetryBaseMs?: number;
  hintRetryMaxMs?: number;
  clock?: HybridLogicalClock;
  logger?: Logger;
  /** Called for every record a target could not serve, after it is logged. */
  onBadRecord?: (report: BadRecordReport) => void;
  /** Wall clock, for retention marks and report times (default Date.now). */
  now?: () => number;
  /** Jitter source (default Math.random). */
  random?: () => number;
  /** Where the last known state of the view is kept across restarts (none: a restart knows nothing until a target answers). */
  snapshot?: SnapshotStore;
  /** Wait this long after a change of the view before writing the snapshot (default 1 s). */
  snapshotDebounceMs?: number;
  /**
   * With a snapshot, the targets' loads begin once this settles (at most 10 s later): the Node
   * server passes "listening, front page rendered", so the first visitors are answered from the
   * snapshot without the loads competing for the event loop. Writes wait for the loads as always.
   */
  loadAfter?: Promise<unknown>;
}

export interface BadRecordReport extends BadRecord {
  /** The target's redacted location. */
  target: string;
}

export interface SyncTargetReport {
  location: string;
  /** False when the target could not even be asked for its digest. */
  reachable: boolean;
  /** Records copied to this target, per kind (only kinds with copies appear). */
  copied: Record<string, number>;
  /** Tombstones past retention removed from this target. */
  purged: number;
  /** Records this target still lacks or holds at an older rev after the pass (all of them in a dry run). */
  behind: number;
  errors: string[];
}

export interface SyncReport {
  startedAt: string;
  durationMs: number;
  /** Kinds held by any reachable target (engine-internal kinds excluded). */
  kindsCompared: number;
  /** Kinds whose digests differed and were read in full. */
  kindsRepaired: string[];
  targets: SyncTargetReport[];
  /** Records of the merged view that the pass corrected (0 when the engine is not started). */
  viewRepaired: number;
  /** Kinds whose digests still differ between the reachable targets after the pass (a dry run: every differing kind). */
  unconverged: string[];
}

export type SyncProgress =
  | { phase: 'digest'; target: string; ok: boolean }
  | { phase: 'compare'; kinds: number; differing: string[] }
  | { phase: 'scan'; kind: string; target: string; scanned: number }
  | {
      phase: 'copy';
      kind: string;
      target: string;
      copied: number;
      /** Records found missing there so far: final once `scanning` is false. */
      total: number;
      /** The kind is still being read, so more may be found. */
      scanning?: boolean;
      /** Since the copies of this kind to this target began, for the rate. */
      elapsedMs?: number;
    }
  | { phase: 'purge'; target: string; purged: number };

export interface SyncOptions {
  onProgress?: (event: SyncProgress) => void;
  /** Compare and count what each target lacks, but copy, purge and merge nothing. */
  dryRun?: boolean;
}

/** A look at the targets without starting the engine (`staunch targets check`). */
export interface TargetInspection {
  location: string;
  driver: TargetStatus['driver'];
  state: 'up' | 'down';
  latencyMs: number | null;
  error?: string;
  /** Hints persisted on any reachable target and still waiting for this one. */
  queuedHints: number;
  /** Records this target lacks or holds at an older rev than another target (null when it could not be compared). */
  behind: number | null;
  /** When a sync pass last completed on this target, as recorded on the target. */
  lastSync: string | null;
}

export interface Replicator extends RecordStore {
  /** Resolves once the first load of every reachable target has been merged into the view. */
  readonly ready: Promise<void>;
  /** Resolves once start() has merged the local snapshot, or found none (a local read: quick, never waits for a target). */
  readonly restored: Promise<void>;
  /** Load the view and hints, then start polling, health checks, hint delivery and the periodic sync. */
  start(): Promise<void>;
  /** Stop every timer and wait for background work to settle; closing the drivers is the caller's job. */
  stop(): Promise<void>;
  /** One anti-entropy pass; also what `staunch sync` runs (without `start`). */
  syncOnce(options?: SyncOptions): Promise<SyncReport>;
  /** Ping every target, count the hints waiting for it and what it lacks; writes nothing. */
  inspect(): Promise<TargetInspection[]>;
  /** Read every reachable target's change feed now. */
  pollOnce(): Promise<void>;
  /** Read every reachable target's change feed in a read that begins now, not one already in flight: afterwards the view holds every write that was acknowledged before the call. */
  refresh(): Promise<void>;
  /** Ping every target now. */
  checkHealth(): Promise<void>;
  /** Try to deliver every queued hint now, ignoring backoff. */
  flushHints(): Promise<void>;
  /** Wait for background work in flight (late fan-out answers, hint persistence). */
  settle(): Promise<void>;
  /** Wire drivers' `onBadRecord` here: `onBadRecord: (bad) => replicator.reportBadRecord(driver.location, bad)`. */
  reportBadRecord(targetLocation: string, bad: BadRecord): void;
}
