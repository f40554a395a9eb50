/**
 * The merged in-memory view every read is served from: per (kind, id) the highest rev seen on
 * any target or written locally. One view per instance, so reads never alternate between
 * replicas, and it keeps the last known state when every target is unreachable.
 * Tombstones are kept (until the sync purges them) so an older rev arriving late cannot
 * resurrect a deleted record.
 */
import type { KindDigest, StoredRecord } from '../../storage-drivers/types.ts';
import { digestRows } from '../../storage-drivers/utils.ts';
import { EMPTY_DIGEST } from './digests.ts';
import { describeError } from './errors.ts';
import { isInternalKind } from './internal-kinds.ts';
import type { Logger, ViewLoadState } from './types.ts';

type Listener = (changed: StoredRecord[]) => void;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export class MergedView {
  private readonly kinds = new Map<string, Map<string, StoredRecord>>();
  /** Live records per kind in id order, rebuilt lazily after a change. */
  private readonly listCache = new Map<string, StoredRecord[]>();
  private readonly listeners = new Set<Listener>();
  private changes = 0;
  private load: ViewLoadState = { source: 'none' };

  constructor(private readonly logger: Logger) {}

  get version(): number {
    return this.changes;
  }

  /** Where the view's content comes from: nothing yet, a local snapshot only, or a target. */
  get loadState(): ViewLoadState {
    return this.load;
  }

  /**
   * Record that a snapshot or a target filled the view. Never goes back (a target outranks a
   * snapshot), and moves the version, because every surface answers differently once loaded.
   */
  markLoaded(state: Exclude<ViewLoadState, { source: 'none' }>): void {
    if (
      this.load.source === 'target' ||
      (this.load.source === 'snapshot' && state.source === 'snapshot')
    )
      return;
    this.load = Object.freeze(state);
    this.changes++;
  }

  get(kind: string, id: string): StoredRecord | undefined {
    const record = this.kinds.get(kind)?.get(id);
    return record && !record.deleted ? record : undefined;
  }

  /** The record as the view holds it, tombstone included. */
  current(kind: string, id: string): StoredRecord | undefined {
    return this.kinds.get(kind)?.get(id);
  }

  list(kind: string): StoredRecord[] {
    let cached = this.listCache.get(kind);
    if (!cached) {
      cached = [...(this.kinds.get(kind)?.values() ?? [])]
        .filter((r) => !r.deleted)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      this.listCache.set(kind, cached);
    }
    return [...cached];
  }

  /** Every record the view holds, tombstones included: what a snapshot keeps. */
  allRecords(): StoredRecord[] {
    return [...this.kinds.values()].flatMap((records) => [...records.values()]);
  }

  kindNames(): string[] {
    return [...this.kinds.keys()];
  }

  /** Same summary the drivers compute, so the sync can tell whether the view lags a target. */
  digest(kind: string): KindDigest {
    const records = this.kinds.get(kind);
    return records ? (digestRows(records.values())[kind] ?? EMPTY_DIGEST) : EMPTY_DIGEST;
  }

  /** Keep every record newer than what the view holds; returns those, after telling the listeners. */
  merge(records: Iterable<StoredRecord>): StoredRecord[] {
    const changed: StoredRecord[] = [];
    for (const record of records) {
      if (isInternalKind(record.kind)) continue;
      let ofKind = this.kinds.get(record.kind);
      if (!ofKind) this.kinds.set(record.kind, (ofKind = new Map()));
      const held = ofKind.get(record.id);
      if (held && held.rev >= record.rev) continue;
      // Frozen, because every reader shares these objects.
      ofKind.set(record.id, deepFreeze(record));
      this.listCache.delete(record.kind);
      changed.push(record);
    }
    if (changed.length > 0) this.announce(changed);
    return changed;
  }

  /** Drop tombstones below the mark, as the sync does on the targets. */
  purgeTombstones(beforeRev: string): number {
    let purged = 0;
    for (const records of this.kinds.values()) {
      for (const [id, record] of records) {
        if (record.deleted && record.rev < beforeRev) {
          records.delete(id);
          purged++;
        }
      }
    }
    return purged;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(changed: StoredRecord[]): void {
    this.changes++;
    for (const listener of this.listeners) {
      try {
        listener(changed);
      } catch (error) {
        this.logger.error({ err: describeError(error) }, 'a view listener failed');
      }
    }
  }
}
