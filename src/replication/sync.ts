/**
 * Anti-entropy: the guarantee that every reachable target ends up holding the same records,
 * whatever writes, hints or restarts were lost on the way. Hints are only the fast path.
 *
 * One pass:
 * 1. digest every target; kinds whose digests all match are skipped without reading them;
 * 2. for each kind that differs, read it in full from every target (tombstones included),
 *    take the highest rev of every id, and copy it to each target that holds a lower rev or
 *    none; the drivers' "apply only if newer" makes this safe against concurrent writes. The
 *    target holding the most records of the kind is read last, page by page, and each page's
 *    copies go out while the next page is read: every other target is known in full by then, so
 *    the newest rev of each id on the page is already known (see repairKind). The next kind is read
 *    as soon as one is read, its batches sharing the target's slots with the last ones before it;
 * 3. purge tombstones older than the retention on every target (and in the view).
 *
 * When the engine is started, the view takes part as a reader: a kind whose view digest differs
 * from the targets' is read as well and merged, so the view converges even on records the change
 * polling missed. The view is never a source: targets are the truth, the view follows them.
 * Engine-internal kinds (hints) are never compared or copied.
 *
 * A record's id must keep its tombstone longer than any target stays away: a target that comes
 * back after its tombstones were purged elsewhere would hand the deleted record back.
 */
import type { KindDigest, StoredRecord } from '../../storage-drivers/types.ts';
import { sameDigest } from './digests.ts';
import { describeError } from './errors.ts';
import { formatRev, revAtWallTime } from './hlc.ts';
import type { Intake } from './intake.ts';
import { isInternalKind, SYNC_MARK_KIND } from './internal-kinds.ts';
import { listPages } from './pages.ts';
import { CopyQueue, CopySlots, type CopyOutcome } from './sync-copy.ts';
import type { Target } from './target.ts';
import type { SyncOptions, SyncProgress, SyncReport, SyncTargetReport } from './types.ts';

export interface SyncView {
  digest(kind: string): KindDigest;
  kindNames(): string[];
  merge(records: StoredRecord[]): StoredRecord[];
  purgeTombstones(beforeRev: string): number;
}

export interface SyncContext {
  targets: readonly Target[];
  /** For the liveness probe before the digest, so a silent target costs this, not a bulk timeout. */
  probeTimeoutMs: number;
  bulkTimeoutMs: number;
  tombstoneRetentionMs: number;
  now: () => number;
  intake: Intake;
  /** Local writes still waiting for their quorum: never copied, never merged (they may be rolled back). */
  isPending: (rev: string) => boolean;
  /** Absent when the engine is not started (`staunch sync`): there is no view to repair. */
  view?: SyncView;
}

export async function runSync(
  context: SyncContext,
  options: SyncOptions = {},
): Promise<SyncReport> {
  const startedMs = context.now();
  const started = performance.now();
  const emit = options.onProgress ?? (() => undefined);
  const reports = new Map<Target, SyncTargetReport>(
    context.targets.map((t) => [
      t,
      { location: t.location, reachable: true, copied: {}, purged: 0, behind: 0, errors: [] },
    ]),
  );
  const reportOf = (target: Target) => reports.get(target)!;
  const behind = new Map<Target, number>();

  const digests = new Map<Target, Record<string, KindDigest>>();
  await Promise.all(
    context.targets.map(async (target) => {
      try {
        await target.call('ping', context.probeTimeoutMs, (driver) => driver.ping(), true);
        digests.set(
          target,
          await target.call('digest', context.bulkTimeoutMs, (driver) => driver.digest()),
        );
        emit({ phase: 'digest', target: target.location, ok: true });
      } catch (error) {
        reportOf(target).reachable = false;
        reportOf(target).errors.push(`digest: ${describeError(error)}`);
        emit({ phase: 'digest', target: target.location, ok: false });
      }
    }),
  );
  const reachable = context.targets.filter((t) => digests.has(t));

  const kindSet = new Set([...digests.values()].flatMap((d) => Object.keys(d)));
  for (const kind of context.view?.kindNames() ?? []) kindSet.add(kind);
  const kinds = [...kindSet].filter((kind) => !isInternalKind(kind)).sort();
  const targetsAgree = (kind: string) =>
    reachable.every((t) => sameDigest(digests.get(t)![kind], digests.get(reachable[0]!)![kind]));
  const viewAgrees = (kind: string) =>
    !context.view ||
    reachable.length === 0 ||
    sameDigest(context.view.digest(kind), digests.get(reachable[0]!)![kind]);
  const differing = kinds.filter((kind) => !targetsAgree(kind) || !viewAgrees(kind));
  emit({ phase: 'compare', kinds: kinds.length, differing });

  let viewRepaired = 0;
  const slots = new Map(reachable.map((target) => [target, new CopySlots()]));
  // A kind is read once the one before it is read, not once it is written: its last batches and
  // the next kind's first ones share the target's slots.
  const copying: Array<Promise<Map<Target, CopyOutcome>>> = [];
  for (const kind of differing) {
    // When only the view lags, one target is enough to read it from.
    const sources = targetsAgree(kind) ? reachable.slice(0, 1) : reachable;
    const repaired = await repairKind(context, kind, sources, {
      count: (target) => digests.get(target)![kind]?.count ?? 0,
      slots: (target) => slots.get(target)!,
      onReadError: (target, error) =>
        reportOf(target).errors.push(`${kind}: read failed: ${describeError(error)}`),
      emit,
      dryRun: options.dryRun === true,
    });
    viewRepaired += repaired.viewRepaired;
    copying.push(repaired.copies);
  }
  for (const [i, copies] of (await Promise.all(copying)).entries()) {
    const kind = differing[i]!;
    for (const [target, outcome] of copies) {
      if (outcome.applied > 0) reportOf(target).copied[kind] = outcome.applied;
      if (outcome.error) reportOf(target).errors.push(`${kind}: copy failed: ${outcome.error}`);
      behind.set(target, (behind.get(target) ?? 0) + outcome.left);
    }
  }

  for (const target of reachable) reportOf(target).behind = behind.get(target) ?? 0;
  // Digested again: a kind still differing after its repair (a target that stores a record as
  // something else, refuses it, or failed mid-copy) has not converged, and the report says so.
  const unconverged = options.dryRun
    ? differing
    : await stillDiffering(context, reachable, differing, (target, error) =>
        reportOf(target).errors.push(`digest after copy: ${describeError(error)}`),
      );
  const report = (): SyncReport => ({
    startedAt: new Date(startedMs).toISOString(),
    durationMs: Math.round(performance.now() - started),
    kindsCompared: kinds.length,
    kindsRepaired: differing,
    targets: context.targets.map(reportOf),
    viewRepaired,
    unconverged,
  });
  if (options.dryRun) return report();

  const purgeMark = revAtWallTime(context.now() - context.tombstoneRetentionMs);
  await Promise.all(
    reachable.map(async (target) => {
      try {
        reportOf(target).purged = await target.call(
          'purgeTombstones',
          context.bulkTimeoutMs,
          (driver) => driver.purgeTombstones(purgeMark),
        );
        emit({ phase: 'purge', target: target.location, purged: reportOf(target).purged });
      } catch (error) {
        reportOf(target).errors.push(`purge: ${describeError(error)}`);
      }
    }),
  );
  context.view?.purgeTombstones(purgeMark);

  const finishedMs = context.now();
  const finished = new Date(finishedMs).toISOString();
  await Promise.all(
    reachable.map(async (target) => {
      target.behindAtLastSync = behind.get(target) ?? 0;
      if (reportOf(target).errors.length > 0) return;
      target.lastSync = finished;
      // Kept on the target itself, so `staunch targets check` and a restarted instance know it too.
      const mark = {
        kind: SYNC_MARK_KIND,
        id: 'last',
        rev: formatRev({ wallMs: finishedMs, counter: 0, writer: 'sync' }),
        deleted: false,
        body: { at: finished },
      };
      await target
        .call('put', context.bulkTimeoutMs, (driver) => driver.put([mark]))
        .catch(() => undefined);
    }),
  );
  return report();
}

/** Of `kinds`, those whose digests still differ between the reachable targets that answer. */
async function stillDiffering(
  context: SyncContext,
  reachable: readonly Target[],
  kinds: readonly string[],
  onError: (target: Target, error: unknown) => void,
): Promise<string[]> {
  if (kinds.length === 0 || reachable.length < 2) return [];
  const digests: Array<Record<string, KindDigest>> = [];
  await Promise.all(
    reachable.map(async (target) => {
      try {
        digests.push(
          await target.call('digest', context.bulkTimeoutMs, (driver) => driver.digest()),
        );
      } catch (error) {
        onError(target, error);
      }
    }),
  );
  return kinds.filter((kind) =>
    digests.some((digest) => !sameDigest(digest[kind], digests[0]![kind])),
  );
}

interface RepairHooks {
  /** Records of the kind on a target, from its digest: the largest is read last. */
  count: (target: Target) => number;
  /** The target's batch slots, shared with the other kinds of the pass. */
  slots: (target: Target) => CopySlots;
  /** A source that fails is left out of this kind: nothing is copied to it. */
  onReadError: (target: Target, error: unknown) => void;
  emit: (event: SyncProgress) => void;
  /** Count what each target lacks (as `left`), copy and merge nothing. */
  dryRun: boolean;
}

/**
 * One kind: every source but the largest is read in full first (in parallel), then the largest
 * is read page by page. With all the others known, the newest rev of every id on a page is known
 * as soon as the page arrives, so its copies are queued at once and written while the next page
 * is read; ids the largest does not hold are settled at the end. Repairing an empty target reads
 * nothing first. The records of the largest source are held only until they are written.
 * Resolves once the kind is read; `copies` once its copies are written too.
 */
async function repairKind(
  context: SyncContext,
  kind: string,
  sources: readonly Target[],
  hooks: RepairHooks,
): Promise<{ copies: Promise<Map<Target, CopyOutcome>>; viewRepaired: number }> {
  const ordered = [...sources].sort((a, b) => hooks.count(a) - hooks.count(b));
  const last = ordered.pop()!;
  const newest = new Map<string, StoredRecord>();
  /** Per target that was read in full: id → rev held. */
  const held = new Map<Target, Map<string, string>>();
  await Promise.all(
    ordered.map(async (target) => {
      const revs = new Map<string, string>();
      const read = await readKind(context, kind, target, hooks, (records) => {
        for (const record of records) {
          revs.set(record.id, record.rev);
          if (context.isPending(record.rev)) continue;
          if ((newest.get(record.id)?.rev ?? '') < record.rev) newest.set(record.id, record);
        }
      });
      if (read) held.set(target, revs);
    }),
  );

  const copying = sources.length > 1;
  const queues = new Map<Target, CopyQueue>();
  const lacking = new Map<Target, number>();
  const offer = (target: Target, record: StoredRecord) => {
    if (hooks.dryRun) return void lacking.set(target, (lacking.get(target) ?? 0) + 1);
    let queue = queues.get(target);
    if (!queue) {
      queue = new CopyQueue({
        target,
        slots: hooks.slots(target),
        kind,
        timeoutMs: context.bulkTimeoutMs,
        emit: hooks.emit,
        now: context.now,
      });
      queues.set(target, queue);
    }
    queue.add(record);
  };
  const room = () => Promise.all([...queues.values()].map((queue) => queue.room()));
  let viewRepaired = 0;
  const merge = (records: StoredRecord[]) => {
    if (context.view && !hooks.dryRun && records.length > 0)
      viewRepaired += context.view.merge(records).length;
  };
  /** Copies of the newest rev to every target read in full that holds less. */
  const offerToHolders = (best: StoredRecord) => {
    if (!copying) return;
    for (const [target, revs] of held)
      if ((revs.get(best.id) ?? '') < best.rev) offer(target, best);
  };

  const lastRevs = new Map<string, string>();
  const lastRead = await readKind(context, kind, last, hooks, async (records) => {
    const settled: StoredRecord[] = [];
    for (const record of records) {
      lastRevs.set(record.id, record.rev);
      const other = newest.get(record.id);
      const best =
        !context.isPending(record.rev) && (other?.rev ?? '') < record.rev ? record : other;
      if (!best) continue;
      settled.push(best);
      offerToHolders(best);
      if (copying && record.rev < best.rev) offer(last, best);
    }
    merge(settled);
    await room();
  });

  // Ids that the last source does not hold (or could not be read for).
  const rest: StoredRecord[] = [];
  for (const [id, best] of newest) {
    if (lastRevs.has(id)) continue;
    rest.push(best);
    offerToHolders(best);
    if (copying && lastRead) offer(last, best);
    if (rest.length % 1000 === 0) await room();
  }
  merge(rest);

  // A target whose read failed is left out, as the others are; copies already sent to it stand.
  if (!lastRead) lacking.delete(last);
  const copies = new Map<Target, CopyOutcome>();
  for (const [target, count] of lacking) copies.set(target, { applied: 0, left: count });
  const written = Promise.all(
    [...queues].map(async ([target, queue]) => copies.set(target, await queue.finish())),
  ).then(() => copies);
  // Awaited only once every kind is read: until then a failure must not count as unhandled.
  written.catch(() => undefined);
  return { copies: written, viewRepaired };
}

/** Every page of one kind on one target through the intake; false (reported) when a read failed. */
async function readKind(
  context: SyncContext,
  kind: string,
  target: Target,
  hooks: RepairHooks,
  onPage: (records: StoredRecord[]) => void | Promise<void>,
): Promise<boolean> {
  let scanned = 0;
  try {
    for await (const page of listPages(target, kind, context.bulkTimeoutMs, true)) {
      const records = context.intake(page, target);
      scanned += records.length;
      await onPage(records);
      hooks.emit({ phase: 'scan', kind, target: target.location, scanned });
    }
    return true;
  } catch (error) {
    hooks.onReadError(target, error);
    return false;
  }
}
