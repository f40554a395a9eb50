/**
 * What the replication engine offers the layers above it. The domain reads from the merged
 * in-memory view (synchronous, never touches a backend) and writes through `write`, which
 * stamps revs and fans the records out to every target.
 */
import type { DriverName, Json, StoredRecord } from '../../storage-drivers/types.ts';

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
  lastError?: string;
  /** Records the merged view holds at a higher rev than this target (estimated from hints and the last sync). */
  lag: number;
  queuedHints: number;
  /** ISO time of the last completed sync pass that reached this target. */
  lastSync?: string;
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

export interface RecordStore {
  /** A live record from the merged view; tombstones read as undefined. */
  get(kind: string, id: string): StoredRecord | undefined;
  /** Every live record of a kind, from the merged view. */
  list(kind: string): StoredRecord[];
  /** Stamp new revs, apply to the view and to at least the quorum of targets. Rejects with QuorumError. */
  write(mutations: Mutation[]): Promise<StoredRecord[]>;
  /** True when this call created the record on the targets (putIfAbsent): "this notification is mine to send". */
  claim(kind: string, id: string, body: Json): Promise<boolean>;
  /** Called after the view changed, from local writes or from other instances' writes. */
  subscribe(listener: (changed: StoredRecord[]) => void): () => void;
  /** Grows on every change of the view: a cheap cache key for rendered pages. */
  readonly version: number;
  targets(): TargetStatus[];
}
