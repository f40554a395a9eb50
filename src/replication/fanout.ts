/**
 * Parallel fan-out of one batch to every target, and the quorum wait over the answers.
 * The caller's answer depends only on the quorum: a slow or hanging target can delay nothing
 * but its own delivery, which keeps running in the background and is hinted if it fails.
 */
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { describeError } from './errors.ts';
import type { Target } from './target.ts';
import type { WriteQuorum } from './types.ts';

export interface Delivery {
  index: number;
  ok: boolean;
  /** Why it failed, redacted. */
  error?: string;
}

export interface FanOut {
  /** Targets actually called; only these can hold the batch, so only these need a compensation. */
  attempted: number[];
  /** One per target, by target index; never rejects. */
  deliveries: Map<number, Promise<Delivery>>;
}

export function quorumSize(quorum: WriteQuorum, targetCount: number): number {
  if (quorum === 'all') return targetCount;
  if (quorum === 'majority') return Math.floor(targetCount / 2) + 1;
  return Math.min(1, targetCount);
}

/**
 * Sends the batch to `only` (default: every target). A target already known to be down is not
 * called: its delivery fails at once, so it is hinted without tying up a connection or a timer;
 * the health check and hint delivery find out when it is back. Unless too few targets are up to
 * reach `needed`: then the down ones are tried too, since failing is the only alternative.
 */
export type Send = (target: Target, records: StoredRecord[]) => Promise<unknown>;

export function fanOut(
  targets: readonly Target[],
  records: StoredRecord[],
  send: Send,
  { only, needed = 0 }: { only?: readonly number[]; needed?: number } = {},
): FanOut {
  const chosen = only ? targets.filter((t) => only.includes(t.index)) : targets;
  const skipDown = chosen.filter((t) => !t.isDown).length >= needed;
  const attempted: number[] = [];
  const deliveries = new Map<number, Promise<Delivery>>();
  for (const target of chosen) {
    if (skipDown && target.isDown) {
      deliveries.set(
        target.index,
        Promise.resolve({
          index: target.index,
          ok: false,
          error: `target is down (${target.lastError ?? 'no answer'})`,
        }),
      );
      continue;
    }
    attempted.push(target.index);
    const delivery = send(target, records).then(
      (): Delivery => ({ index: target.index, ok: true }),
      (error: unknown): Delivery => ({
        index: target.index,
        ok: false,
        error: describeError(error),
      }),
    );
    deliveries.set(target.index, delivery);
  }
  return { attempted, deliveries };
}

export interface QuorumVerdict {
  met: boolean;
  /** Targets that had applied the batch when the verdict was reached. */
  acknowledged: number[];
  /** Failures known when the verdict was reached, as `location: reason`. */
  failures: string[];
}

/** Settles as soon as `needed` deliveries succeeded, or as soon as too many failed for that to happen. */
export function waitForQuorum(
  targets: readonly Target[],
  fanned: FanOut,
  needed: number,
): Promise<QuorumVerdict> {
  const deliveries = [...fanned.deliveries.values()];
  return new Promise((resolve) => {
    const acknowledged: number[] = [];
    const failures: string[] = [];
    let settled = false;
    const decide = () => {
      if (settled) return;
      if (acknowledged.length >= needed) settled = true;
      else if (failures.length > deliveries.length - needed) settled = true;
      if (settled)
        resolve({
          met: acknowledged.length >= needed,
          acknowledged: [...acknowledged],
          failures: [...failures],
        });
    };
    decide();
    for (const delivery of deliveries) {
      void delivery.then((d) => {
        if (d.ok) acknowledged.push(d.index);
        else failures.push(`${targets[d.index]?.location ?? d.index}: ${d.error ?? 'failed'}`);
        decide();
      });
    }
  });
}
