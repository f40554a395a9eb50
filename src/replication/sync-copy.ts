/**
 * The copies a sync pass sends one target for one kind, fed while the kind is still being read:
 * records queue up, batches of COPY_BATCH go out with at most COPY_IN_FLIGHT in flight, and the
 * reader waits (`room`) only while a few batches are already queued, so reading the source and
 * writing the target overlap instead of taking turns.
 *
 * The queues of one pass share a target's batch slots (CopySlots), so the next kind is read and
 * its first batches sent while the last batches of the one before are still being written, and the
 * target never has more than COPY_IN_FLIGHT batches of the pass at once.
 *
 * After a failed batch no further batch starts: the failed one, whatever was queued and whatever
 * is still offered count as left behind, so an interrupted repair reports exactly what it did not
 * copy. A record the target refuses stands alone (isolate.ts) and is counted as left too.
 */
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { describeError } from './errors.ts';
import { putIsolating } from './isolate.ts';
import type { Target } from './target.ts';
import type { SyncProgress } from './types.ts';

const COPY_BATCH = 500;
/**
 * Batches a repair keeps in flight per target. A database writes several statements at once
 * faster than one after the other (PostgreSQL here: about 9,000 rows/s with one, 25,000 with
 * four), and an object store answers puts in parallel. The records of one kind have distinct ids,
 * so batches in flight never touch the same row.
 */
const COPY_IN_FLIGHT = 4;
/** Records queued beyond the batches in flight before the reader waits. */
const QUEUED_AT_MOST = COPY_BATCH * COPY_IN_FLIGHT;

/** The batches one target has in flight, shared by the copy queues of every kind of a pass. */
export class CopySlots {
  private used = 0;
  private readonly waiting = new Set<() => void>();

  get free(): number {
    return COPY_IN_FLIGHT - this.used;
  }

  take(): void {
    this.used++;
  }

  /** A batch ended: every queue waiting for a slot gets to try again. */
  give(): void {
    this.used--;
    for (const pump of [...this.waiting]) pump();
  }

  watch(pump: () => void): void {
    this.waiting.add(pump);
  }

  unwatch(pump: () => void): void {
    this.waiting.delete(pump);
  }
}

export interface CopyOutcome {
  applied: number;
  /** Records still missing there afterwards: failed, never sent, or refused. */
  left: number;
  error?: string;
}

export interface CopyQueueOptions {
  target: Target;
  slots: CopySlots;
  kind: string;
  timeoutMs: number;
  emit: (event: SyncProgress) => void;
  now: () => number;
}

export class CopyQueue {
  private queue: StoredRecord[] = [];
  private inFlight = 0;
  private found = 0;
  private copied = 0;
  private applied = 0;
  private refused = 0;
  private left = 0;
  private failure: string | undefined;
  private scanning = true;
  private lastEmitted = '';
  private readonly startedMs: number;
  private waiters: Array<() => void> = [];

  private readonly pumpBound = () => this.pump();

  constructor(private readonly options: CopyQueueOptions) {
    this.startedMs = options.now();
    options.slots.watch(this.pumpBound);
  }

  add(record: StoredRecord): void {
    this.found++;
    if (this.failure) this.left++;
    else this.queue.push(record);
    this.pump();
  }

  /** Resolves once the queue is short enough to read on, or nothing more will be sent. */
  room(): Promise<void> {
    return this.until(() => this.failure !== undefined || this.queue.length < QUEUED_AT_MOST);
  }

  /** Nothing more will be added: send the rest and wait for every batch. */
  async finish(): Promise<CopyOutcome> {
    this.scanning = false;
    this.pump();
    await this.until(() => this.inFlight === 0 && (this.queue.length === 0 || !!this.failure));
    this.options.slots.unwatch(this.pumpBound);
    this.left += this.queue.length;
    this.queue = [];
    if (this.found > 0) this.report();
    if (this.failure) return { applied: this.applied, left: this.left, error: this.failure };
    // Refused records stay missing there: reported, and counted as behind, but they stopped nothing else.
    return this.refused > 0
      ? {
          applied: this.applied,
          left: this.left + this.refused,
          error: `${this.refused} records refused by the target (see the log)`,
        }
      : { applied: this.applied, left: this.left };
  }

  private pump(): void {
    const { slots } = this.options;
    while (
      !this.failure &&
      slots.free > 0 &&
      (this.queue.length >= COPY_BATCH || (!this.scanning && this.queue.length > 0))
    ) {
      // Once nothing more will come, the rest is spread over the free slots: a kind of 200 records
      // goes out as four batches, so an object store writes it four batches wide, not one.
      const size = this.scanning
        ? COPY_BATCH
        : Math.min(COPY_BATCH, Math.ceil(this.queue.length / slots.free));
      void this.send(this.queue.splice(0, size));
    }
  }

  private async send(batch: StoredRecord[]): Promise<void> {
    this.inFlight++;
    this.options.slots.take();
    const { target, timeoutMs } = this.options;
    try {
      const result = await putIsolating(target, 'put', timeoutMs, batch);
      this.applied += result.applied.filter(Boolean).length;
      this.refused += result.refused.length;
      this.copied += batch.length;
      this.report();
    } catch (error) {
      this.failure ??= describeError(error);
      this.left += batch.length;
    } finally {
      this.inFlight--;
      this.options.slots.give();
      this.wake();
    }
  }

  private report(): void {
    const event: SyncProgress = {
      phase: 'copy',
      kind: this.options.kind,
      target: this.options.target.location,
      copied: this.copied,
      total: this.found,
      scanning: this.scanning,
      elapsedMs: this.options.now() - this.startedMs,
    };
    // The last batch and the end of the queue can tell the same thing: say it once.
    const state = `${event.copied}/${event.total}/${event.scanning}`;
    if (state === this.lastEmitted) return;
    this.lastEmitted = state;
    this.options.emit(event);
  }

  private async until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
