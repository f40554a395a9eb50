/**
 * Hinted handoff: the fast path that brings a target back in line after it missed writes.
 * Hints are queued per target (deduplicated), persisted on a target that accepted the write,
 * delivered with capped, jittered exponential backoff, and tombstoned on their homes once
 * delivered. The anti-entropy sync remains the guarantee; hints only make repair quick.
 */
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { backoffDelay, type BackoffPolicy } from './backoff.ts';
import type { BackgroundTasks } from './background.ts';
import { describeError } from './errors.ts';
import { revJustAfter, type HybridLogicalClock } from './hlc.ts';
import { putIsolating } from './isolate.ts';
import { fromHintRecord, hintTombstone, HintQueue, toHintRecord, type Hint } from './hints.ts';
import type { Target } from './target.ts';
import type { Logger } from './types.ts';

/** Small enough that a slow target (an S3 server doing 30 writes a second) takes one within the bulk timeout. */
const DELIVERY_BATCH = 200;

export interface HandoffOptions {
  targets: readonly Target[];
  clock: HybridLogicalClock;
  writeTimeoutMs: number;
  /** For a batch of hints: bulk work, which a target that just came back may take a while to absorb. */
  bulkTimeoutMs: number;
  backoff: BackoffPolicy;
  random: () => number;
  logger: Logger;
  background: BackgroundTasks;
}

export class HintedHandoff {
  readonly queue = new HintQueue();
  private readonly failures = new Map<number, number>();
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly delivering = new Map<number, Promise<void>>();
  private stopped = false;

  constructor(private readonly options: HandoffOptions) {}

  /** Queue `records` for every target in `missed`, keep the hints on `home`, and schedule delivery. */
  hint(missed: readonly number[], records: StoredRecord[], home: number | undefined): void {
    for (const index of missed) {
      const added = this.queue.add(index, records);
      if (added.length === 0) continue;
      if (home !== undefined)
        this.options.background.add('hint persistence', this.persist(added, home));
      else
        this.options.logger.warn(
          { target: this.targetOf(index).location, records: added.length },
          'hints kept in memory only: no target accepted the write',
        );
      this.scheduleRetry(index);
    }
  }

  /** Hints found persisted on `home` at start. Hints for a target no longer configured are tombstoned. */
  restore(persisted: StoredRecord[], home: number): void {
    const byKey = new Map(this.options.targets.map((t) => [t.key, t.index]));
    const orphans: StoredRecord[] = [];
    for (const stored of persisted) {
      const decoded = fromHintRecord(stored);
      const target = 'problem' in decoded ? undefined : byKey.get(decoded.targetKey);
      if ('problem' in decoded || target === undefined) {
        orphans.push({
          ...stored,
          rev: this.tombstoneRevFor(stored.rev),
          deleted: true,
          body: null,
        });
        continue;
      }
      this.queue.restore(target, decoded.record, home);
      this.scheduleRetry(target, 0);
    }
    if (orphans.length > 0) {
      this.options.logger.warn(
        { target: this.targetOf(home).location, hints: orphans.length },
        'dropping persisted hints for targets no longer configured',
      );
      this.options.background.add('orphan hint cleanup', this.putOn(home, orphans));
    }
  }

  /** Deliver to a target now, forgetting its backoff: it was just seen up. */
  deliverSoon(index: number): void {
    if (this.queue.count(index) === 0) return;
    this.failures.set(index, 0);
    this.scheduleRetry(index, 0);
  }

  async flush(): Promise<void> {
    await Promise.all(this.queue.targetsWithHints().map((index) => this.deliver(index)));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private scheduleRetry(
    index: number,
    delayMs = backoffDelay(
      (this.failures.get(index) ?? 0) + 1,
      this.options.backoff,
      this.options.random,
    ),
  ): void {
    if (this.stopped || this.delivering.has(index)) return;
    const existing = this.timers.get(index);
    if (existing && delayMs > 0) return;
    clearTimeout(existing);
    const timer = setTimeout(() => {
      this.timers.delete(index);
      this.options.background.add('hint delivery', this.deliver(index));
    }, delayMs);
    (timer as { unref?: () => void }).unref?.();
    this.timers.set(index, timer);
  }

  private deliver(index: number): Promise<void> {
    const running = this.delivering.get(index);
    if (running) return running;
    const run = this.deliverAll(index).then((complete) => {
      this.delivering.delete(index);
      if (!complete) this.scheduleRetry(index);
    });
    this.delivering.set(index, run);
    return run;
  }

  /** Delivers batch after batch; false when the target failed and a retry is due. */
  private async deliverAll(index: number): Promise<boolean> {
    const target = this.targetOf(index);
    while (!this.stopped) {
      const batch = this.queue.peek(index, DELIVERY_BATCH);
      if (batch.length === 0) return true;
      try {
        // A target answering "not applied" already holds a newer rev: delivered all the same. A hint
        // it refuses is reported and dropped with the delivered ones, so it never blocks the queue.
        await putIsolating(
          target,
          'put hints',
          this.options.bulkTimeoutMs,
          batch.map((h) => h.record),
        );
      } catch (error) {
        const failures = (this.failures.get(index) ?? 0) + 1;
        this.failures.set(index, failures);
        this.options.logger.warn(
          {
            target: target.location,
            hints: this.queue.count(index),
            attempt: failures,
            err: describeError(error),
          },
          'hint delivery failed, will retry',
        );
        return false;
      }
      this.failures.set(index, 0);
      await this.forget(this.queue.remove(index, batch));
    }
    return true;
  }

  /** Tombstone the persisted copies of delivered hints, so a restart does not queue them again. */
  private async forget(delivered: Hint[]): Promise<void> {
    const byHome = new Map<number, StoredRecord[]>();
    for (const hint of delivered) {
      const tombstone = hintTombstone(
        this.targetOf(hint.target).key,
        hint.record,
        this.tombstoneRevFor(hint.record.rev),
      );
      for (const home of hint.homes) byHome.set(home, [...(byHome.get(home) ?? []), tombstone]);
    }
    // A failed tombstone only means a no-op redelivery after the next restart.
    await Promise.all(
      [...byHome].map(([home, tombstones]) => this.putOn(home, tombstones).catch(() => undefined)),
    );
  }

  /** Just above the hint's own rev: it removes that copy, never a newer hint for the same record. */
  private tombstoneRevFor(rev: string): string {
    return revJustAfter(rev) ?? this.options.clock.next();
  }

  private async persist(hints: Hint[], home: number): Promise<void> {
    const records = hints.map((hint) => toHintRecord(this.targetOf(hint.target).key, hint.record));
    try {
      await this.putOn(home, records);
      for (const hint of hints) this.queue.markPersisted(hint.target, hint.record, home);
    } catch (error) {
      this.options.logger.warn(
        { target: this.targetOf(home).location, hints: hints.length, err: describeError(error) },
        'could not persist hints; they are kept in memory',
      );
    }
  }

  private async putOn(index: number, records: StoredRecord[]): Promise<void> {
    await this.targetOf(index).call('put', this.options.bulkTimeoutMs, (driver) =>
      driver.put(records),
    );
  }

  private targetOf(index: number): Target {
    const target = this.options.targets[index];
    if (!target) throw new Error(`no target #${index}`);
    return target;
  }
}
