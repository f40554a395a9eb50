/**
 * The write path: stamp revs, fan out to every target in parallel, answer when the quorum has
 * applied the batch, hint the targets that missed it.
 *
 * No ghost writes. A write that fails its quorum must never appear later, neither here nor on
 * another instance, nor through a hint or a sync. statusetat queued its failed writes and
 * applied them later; here the rule is:
 *
 *   A write whose quorum failed is compensated: for each of its records, the state it replaced
 *   (the view's record for that id, or a tombstone when the view held none) is written again
 *   with a NEW rev, the smallest one above the failed write's, to every target that was called.
 *   Targets that miss the compensation are hinted with it like any write. The failed write
 *   itself is never hinted and never merged into the view.
 *
 * Since the compensation's rev is just above the failed write's, "highest rev wins" makes every
 * replica converge to "the write never happened", even where the failed write lands late (a
 * timed-out target that applied it after all), and the sync copies the compensation, never the
 * write. And since it is JUST above, it beats only what the failed write would have beaten: a
 * write by another instance that landed meanwhile with a higher rev still wins everywhere,
 * where a compensation stamped "now" would have overwritten it. Until convergence:
 * - this instance never shows the write: its revs stay "pending" until the verdict, and reads
 *   of the targets (polling, sync) ignore pending revs;
 * - another instance polling a target that applied it may show it for one poll interval, until
 *   the compensation reaches that target.
 * Limits: "previous state" is what this instance's view holds when the verdict comes, so an
 * older write by another instance that this view has not seen yet is overwritten, exactly as
 * the failed write would have overwritten it. If every target fails the compensation too and
 * the process dies before a target returns, the compensation (in memory only) is lost, and a
 * target that applied the write after timing out keeps it.
 *
 * Writes to the same record are serialised within the instance, so a compensation can never
 * roll back a later, acknowledged write of the same record.
 */
import type { Json, StoredRecord } from '../../storage-drivers/types.ts';
import { keyOf as recordKey, recordProblem } from '../../storage-drivers/utils.ts';
import type { BackgroundTasks } from './background.ts';
import {
  fanOut,
  quorumSize,
  waitForQuorum,
  type FanOut,
  type QuorumVerdict,
  type Send,
} from './fanout.ts';
import type { HintedHandoff } from './handoff.ts';
import { revJustAfter, type HybridLogicalClock } from './hlc.ts';
import { isInternalKind } from './internal-kinds.ts';
import { KeyLock } from './key-lock.ts';
import { PutPipeline } from './put-pipeline.ts';
import type { Target } from './target.ts';
import {
  InvalidRecordError,
  QuorumError,
  type Logger,
  type Mutation,
  type WriteQuorum,
} from './types.ts';
import type { MergedView } from './merged-view.ts';

export interface WriterOptions {
  targets: readonly Target[];
  view: MergedView;
  clock: HybridLogicalClock;
  handoff: HintedHandoff;
  background: BackgroundTasks;
  quorum: WriteQuorum;
  writeTimeoutMs: number;
  logger: Logger;
}

type Draft = Omit<StoredRecord, 'rev'>;

const keyOf = (record: { kind: string; id: string }) => recordKey(record.kind, record.id);

/** The record a mutation asks for, minus its rev; throws InvalidRecordError on anything a driver would refuse. */
export function draftOf(mutation: Mutation): Draft {
  const draft: Draft = mutation.deleted
    ? { kind: mutation.kind, id: mutation.id, deleted: true, body: null }
    : // A copy, so the caller changing its object later cannot change what is being replicated.
      {
        kind: mutation.kind,
        id: mutation.id,
        deleted: false,
        body: structuredClone(mutation.body) as Json,
      };
  const problem = recordProblem({ ...draft, rev: '000000000000-000000-check' });
  // The id itself may be what is wrong, so it is not quoted (a NUL or half a character in a message or log helps no one).
  if (problem) throw new InvalidRecordError(String(mutation.kind), problem);
  if (isInternalKind(draft.kind))
    throw new TypeError(
      `kind ${JSON.stringify(draft.kind)} is reserved for the replication engine`,
    );
  return draft;
}

export class Writer {
  private readonly locks = new KeyLock();
  /** Revs of local writes waiting for their verdict. */
  private readonly pending = new Set<string>();
  private readonly send: Send;

  constructor(private readonly options: WriterOptions) {
    const pipelines = options.targets.map((target) => new PutPipeline(target));
    this.send = (target, records) => pipelines[target.index]!.put(records, options.writeTimeoutMs);
  }

  isPending(rev: string): boolean {
    return this.pending.has(rev);
  }

  async write(mutations: Mutation[]): Promise<StoredRecord[]> {
    const drafts = mutations.map(draftOf);
    if (drafts.length === 0) return [];
    return this.locks.run(drafts.map(keyOf), async () => {
      const records = drafts.map((draft): StoredRecord => ({
        ...draft,
        rev: this.options.clock.next(),
      }));
      for (const record of records) this.pending.add(record.rev);
      try {
        const { targets, quorum } = this.options;
        const needed = quorumSize(quorum, targets.length);
        const sent = fanOut(targets, records, this.send, { needed });
        const verdict = await waitForQuorum(targets, sent, needed);
        if (!verdict.met) {
          await this.compensate(records, sent, verdict);
          throw new QuorumError(needed, verdict.acknowledged.length, verdict.failures);
        }
        this.options.view.merge(records);
        this.hintMisses(sent, records);
        return records;
      } finally {
        for (const record of records) this.pending.delete(record.rev);
      }
    });
  }

  /**
   * Send records that `holder` already has to other targets, without a quorum (a claim after its
   * arbiter accepted it); misses are hinted, and the hints can be kept on `holder`.
   */
  propagate(records: StoredRecord[], holder: number): void {
    const others = this.options.targets.filter((t) => t.index !== holder).map((t) => t.index);
    this.hintMisses(
      fanOut(this.options.targets, records, this.send, { only: others }),
      records,
      holder,
    );
  }

  /** See the rule at the top of this file. */
  private async compensate(
    records: StoredRecord[],
    sent: FanOut,
    verdict: QuorumVerdict,
  ): Promise<void> {
    const { view, clock, targets, logger } = this.options;
    const lastOfEachKey = new Map(records.map((r) => [keyOf(r), r]));
    const restores = [...lastOfEachKey.values()].map((record): StoredRecord => {
      const rev = revJustAfter(record.rev) ?? clock.next();
      // Later local writes of this record must still be stamped above its compensation.
      clock.observe(rev);
      const previous = view.current(record.kind, record.id);
      return previous
        ? { ...previous, rev }
        : { kind: record.kind, id: record.id, rev, deleted: true, body: null };
    });
    // In the view first: the failed write's rev is now below the restore's, so a late copy of it is ignored.
    view.merge(restores);
    logger.warn(
      {
        records: records.length,
        acknowledged: verdict.acknowledged.length,
        failures: verdict.failures,
      },
      'write failed its quorum; rolling it back where it was applied',
    );
    if (sent.attempted.length === 0) return;
    const undo = fanOut(targets, restores, this.send, { only: sent.attempted });
    this.hintMisses(undo, restores);
    // Targets that applied the write are up: wait for their rollback, so the caller hears of the
    // failure once it is undone there. Timed-out targets are left to their hints.
    await Promise.all(verdict.acknowledged.map((index) => undo.deliveries.get(index)));
  }

  /** Once every delivery has answered or timed out, hint the records to the targets that missed them. */
  private hintMisses(sent: FanOut, records: StoredRecord[], holder?: number): void {
    this.options.background.add(
      'hint queueing',
      Promise.all(sent.deliveries.values()).then((deliveries) => {
        const missed = deliveries.filter((d) => !d.ok).map((d) => d.index);
        if (missed.length === 0) return;
        // Kept on the first target in config order that has the batch, so a restart finds them.
        const holders = deliveries.filter((d) => d.ok).map((d) => d.index);
        if (holder !== undefined) holders.push(holder);
        const home = holders.sort((a, b) => a - b)[0];
        this.options.handoff.hint(missed, records, home);
      }),
    );
  }
}
