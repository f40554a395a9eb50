/**
 * The last known state of the merged view, kept by this instance so that a restart can serve
 * it before any target answers, instead of an empty view that would read as "all clear".
 *
 * Where it lives is the runtime's business (a local file on Node, nothing on Workers): the
 * engine only gets a SnapshotStore. A snapshot is one more source of records, merged by rev
 * like any target's, so a target's newer record always wins and the tombstones it keeps stop
 * older revs from coming back. It is discarded once older than the tombstone retention: past
 * that, a delete it missed may have been purged from the targets, and its copy of the record
 * would then be the newest one left.
 */
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { KIND_PATTERN, REV_PATTERN } from '../../storage-drivers/utils.ts';
import { describeError } from './errors.ts';
import type { HybridLogicalClock } from './hlc.ts';
import type { Logger } from './types.ts';
import type { MergedView } from './merged-view.ts';

export interface ViewSnapshot {
  format: 1;
  /** ISO time the view was captured: what "last known state as of" shows. */
  writtenAt: string;
  /** Every record of the view, tombstones included. */
  records: StoredRecord[];
}

export interface SnapshotStore {
  /** Where it is kept, for logs. */
  readonly location: string;
  /** The last snapshot written; null when there is none. May reject when it cannot be read. */
  read(): Promise<unknown>;
  /** Replace the snapshot as one step: a crash leaves the old one or the new one, never half. */
  write(snapshot: ViewSnapshot): Promise<void>;
}

export interface SnapshotKeeperOptions {
  store: SnapshotStore;
  view: MergedView;
  clock: HybridLogicalClock;
  now: () => number;
  logger: Logger;
  /** Wait this long after a change before writing, so a burst of changes is one write. */
  debounceMs: number;
  /** Snapshots older than this are not restored (the tombstone retention). */
  maxAgeMs: number;
}

/** Why a stored snapshot is not usable, or null. */
function snapshotProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const { format, writtenAt, records } = value as Partial<ViewSnapshot>;
  if (format !== 1) return `unknown format ${String(format)}`;
  if (typeof writtenAt !== 'string' || Number.isNaN(Date.parse(writtenAt)))
    return 'writtenAt is not a time';
  if (!Array.isArray(records)) return 'records is not a list';
  for (const record of records) {
    const problem = shapeProblem(record);
    if (problem) return `a record is not valid: ${problem}`;
  }
  return null;
}

/**
 * The record's shape only, not every string of its body as a target's records are checked: the
 * file holds what this instance's view held, each record checked when it came in, and a deep
 * walk of every body was a fifth of a start with 10,000 incidents.
 */
function shapeProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const { kind, id, rev, deleted, body } = value as Partial<StoredRecord>;
  if (typeof kind !== 'string' || !KIND_PATTERN.test(kind))
    return 'kind must match [a-z0-9_]{1,64}';
  if (typeof id !== 'string' || id.length === 0 || id.length > 200)
    return 'id must be 1 to 200 characters';
  if (typeof rev !== 'string' || !REV_PATTERN.test(rev))
    return `rev ${JSON.stringify(rev)} is not a clock stamp`;
  if (typeof deleted !== 'boolean') return 'deleted must be a boolean';
  if (body === undefined) return 'body is missing';
  return null;
}

export class SnapshotKeeper {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: SnapshotKeeperOptions) {}

  /** Merge the stored snapshot into the view; false when there is none or it is not usable. */
  async restore(): Promise<boolean> {
    const { store, view, clock, logger, now, maxAgeMs } = this.options;
    let stored: unknown;
    try {
      stored = await store.read();
    } catch (error) {
      logger.warn(
        { snapshot: store.location, err: describeError(error) },
        'could not read the view snapshot; starting without it',
      );
      return false;
    }
    if (stored === null) return false;
    const problem = snapshotProblem(stored);
    if (problem) {
      logger.warn(
        { snapshot: store.location, problem },
        'ignored the view snapshot: it is not valid',
      );
      return false;
    }
    const snapshot = stored as ViewSnapshot;
    const ageMs = now() - Date.parse(snapshot.writtenAt);
    if (ageMs > maxAgeMs) {
      logger.warn(
        { snapshot: store.location, writtenAt: snapshot.writtenAt },
        'ignored the view snapshot: older than the tombstone retention',
      );
      return false;
    }
    // As with a target's records: the next local write must be newer than anything restored.
    for (const record of snapshot.records) clock.observe(record.rev);
    view.merge(snapshot.records);
    view.markLoaded({ source: 'snapshot', asOf: snapshot.writtenAt });
    logger.info(
      { snapshot: store.location, writtenAt: snapshot.writtenAt, records: snapshot.records.length },
      'served the last known state from the view snapshot',
    );
    return true;
  }

  /** Write after every change of the view, debounced. */
  start(): void {
    this.unsubscribe ??= this.options.view.subscribe(() => this.schedule());
  }

  /** Ask for a write soon (also when a target loaded without changing anything). */
  schedule(): void {
    if (this.timer || !this.unsubscribe) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeNow();
    }, this.options.debounceMs);
    this.timer.unref?.();
  }

  /** Stop watching; a write still waiting for its debounce is done now. */
  async stop(): Promise<void> {
    const due = this.timer !== undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (due) await this.writeNow();
    await this.writing;
  }

  /** One write at a time, each capturing the view as it is when it starts. */
  writeNow(): Promise<void> {
    const { store, view, now, logger } = this.options;
    this.writing = this.writing.then(async () => {
      // Only a view loaded from a target is worth keeping: re-stamping a restored snapshot
      // would make its "as of" time later than what it knows.
      if (view.loadState.source !== 'target') return;
      const snapshot: ViewSnapshot = {
        format: 1,
        writtenAt: new Date(now()).toISOString(),
        records: view.allRecords(),
      };
      try {
        await store.write(snapshot);
      } catch (error) {
        // Serving goes on; the next change tries again.
        logger.warn(
          { snapshot: store.location, err: describeError(error) },
          'could not write the view snapshot',
        );
      }
    });
    return this.writing;
  }
}
