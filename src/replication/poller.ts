/**
 * Keeps the view current with writes made by other instances, by reading each target's change
 * feed. A target that was never loaded (down at start) is loaded in full instead.
 *
 * Why the lookback: the feed is ordered by rev, but a record can arrive after others with
 * higher revs (another instance's clock running behind, a write still in flight, a hint
 * replayed). Reading strictly after the cursor would skip it forever. So every poll re-reads
 * what was stamped in the last `lookbackMs` of wall time, besides everything after the cursor;
 * merging is idempotent (highest rev wins). The window ends at the clock, not at the cursor: a
 * quiet page then re-reads nothing, where a window behind the cursor would re-read its last
 * burst (an import, a sync) on every poll until the next write. Anything later than the lookback
 * is caught by the next sync, which also compares the view's digests with the targets'.
 */
import { parseRev, revAtWallTime } from './hlc.ts';
import { changePages } from './pages.ts';
import type { Intake } from './intake.ts';
import type { Target } from './target.ts';
import type { StoredRecord } from '../../storage-drivers/types.ts';

export interface PollerOptions {
  bulkTimeoutMs: number;
  lookbackMs: number;
  now: () => number;
  intake: Intake;
  /** Full first read of a target; returns the rev polling starts from. */
  load: (target: Target) => Promise<string>;
  onRecords: (records: StoredRecord[]) => void;
}

export class ChangePoller {
  /** Highest rev read from each loaded target. */
  private readonly cursors = new Map<number, string>();
  private readonly running = new Map<number, Promise<void>>();

  constructor(private readonly options: PollerOptions) {}

  isLoaded(target: Target): boolean {
    return this.cursors.has(target.index);
  }

  /** One poll (or first load) of the target; concurrent callers share the one in flight. */
  poll(target: Target): Promise<void> {
    const running = this.running.get(target.index);
    if (running) return running;
    const run = this.pollTarget(target).finally(() => this.running.delete(target.index));
    this.running.set(target.index, run);
    return run;
  }

  /** A poll that begins after this call: one already in flight may have read before a write it must show. */
  pollFresh(target: Target): Promise<void> {
    const running = this.running.get(target.index);
    if (!running) return this.poll(target);
    return running.catch(() => undefined).then(() => this.poll(target));
  }

  private async pollTarget(target: Target): Promise<void> {
    const cursor = this.cursors.get(target.index);
    if (cursor === undefined) {
      this.cursors.set(target.index, await this.options.load(target));
      return;
    }
    let highest = cursor;
    for await (const page of changePages(
      target,
      this.lookbackMark(cursor),
      this.options.bulkTimeoutMs,
    )) {
      const records = this.options.intake(page, target);
      this.options.onRecords(records);
      for (const record of records) if (record.rev > highest) highest = record.rev;
    }
    this.cursors.set(target.index, highest);
  }

  private lookbackMark(cursor: string): string | undefined {
    if (!parseRev(cursor)) return undefined;
    const window = revAtWallTime(this.options.now() - this.options.lookbackMs);
    return window < cursor ? window : cursor;
  }
}
