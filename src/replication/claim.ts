/**
 * Claims ("this notification is mine to send") across app instances.
 *
 * A claim needs one place that decides, or two instances could each win on a different target.
 * The arbiter is the first target in config order that is not known to be down; if it fails to
 * answer, the next one decides. The winner's record is then copied to the other targets (hinted
 * if they miss it), so a later arbiter knows the claim too.
 *
 * Guarantee: while the instances agree on the arbiter, exactly one of them wins. When they do
 * not (the first target is down for one instance and up for another, and the claim record has
 * not reached the second target yet), both may win: a notification is then sent twice, never
 * zero times. A claim whose arbiter timed out may still have been applied there; a retry of that
 * claim by the same instance finds its own rev on the arbiter and wins, so a timeout never makes
 * the notification unsendable.
 */
import type { Json, StoredRecord } from '../../storage-drivers/types.ts';
import { describeError } from './errors.ts';
import type { HybridLogicalClock } from './hlc.ts';
import type { Target } from './target.ts';
import { QuorumError } from './types.ts';
import type { MergedView } from './merged-view.ts';
import { draftOf, type Writer } from './writer.ts';

export interface ClaimOptions {
  targets: readonly Target[];
  clock: HybridLogicalClock;
  view: MergedView;
  writer: Writer;
  writeTimeoutMs: number;
}

export class Claims {
  /** Revs of claims sent to an arbiter that never answered, per record: they may have been applied. */
  private readonly unanswered = new Map<string, Set<string>>();

  constructor(private readonly options: ClaimOptions) {}

  async claim(kind: string, id: string, body: Json): Promise<boolean> {
    const { targets, clock, writeTimeoutMs } = this.options;
    const record: StoredRecord = { ...draftOf({ kind, id, body }), rev: clock.next() };
    const key = `${kind}\u0000${id}`;
    const failures: string[] = [];
    for (const arbiter of targets.filter((t) => !t.isDown)) {
      let won: boolean;
      try {
        won = await arbiter.call(
          'putIfAbsent',
          writeTimeoutMs,
          (driver) => driver.putIfAbsent(record),
          true,
        );
        if (!won) won = await this.wasOurs(arbiter, key, kind, id);
      } catch (error) {
        failures.push(`${arbiter.location}: ${describeError(error)}`);
        this.remember(key, record.rev);
        continue;
      }
      this.unanswered.delete(key);
      if (won) this.announce(record, arbiter);
      return won;
    }
    throw new QuorumError(1, 0, failures.length > 0 ? failures : ['every target is down']);
  }

  private async wasOurs(arbiter: Target, key: string, kind: string, id: string): Promise<boolean> {
    const revs = this.unanswered.get(key);
    if (!revs) return false;
    const held = await arbiter.call('get', this.options.writeTimeoutMs, (driver) =>
      driver.get(kind, id),
    );
    return held !== null && revs.has(held.rev);
  }

  private announce(record: StoredRecord, arbiter: Target): void {
    this.options.view.merge([record]);
    this.options.writer.propagate([record], arbiter.index);
  }

  private remember(key: string, rev: string): void {
    const revs = this.unanswered.get(key) ?? new Set<string>();
    revs.add(rev);
    this.unanswered.set(key, revs);
  }
}
