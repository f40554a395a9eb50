/**
 * Anti-entropy: the guarantee that every reachable target ends up holding the same records,
 * whatever writes, hints or restarts were lost on the way. Hints are only the fast path.
 *
 * One pass:
 * 1. digest every target; kinds whose digests all match are skipped without reading them;
 * 2. for each kind that differs, read it in full from every target (tombstones included),
 *    take the highest rev of every id, and copy it to each target that holds a lower rev or
 *    none; the drivers' "apply only if newer" makes this safe against concurrent writes;
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
import { putIsolating } from './isolate.ts';
import { listPages } from './pages.ts';
import type { Target } from './target.ts';
import type { SyncOptions, SyncReport, SyncTargetReport } from './types.ts';

const COPY_BATCH = 500;
/**
 * Batches a repair keeps in flight per target. A database writes several statements at once
 * faster than one after the other (PostgreSQL here: about 9,000 rows/s with one, 25,000 with
 * four), and an object store answers puts in parallel. The records of one kind have distinct ids,
 * so batches in flight never touch the same row.
 */
const COPY_IN_FLIGHT = 4;

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

interface KindScan {
  newest: Map<string, StoredRecord>;
  /** Per target that was read in full: id → rev held. */
  held: Map<Target, Map<string, string>>;
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
  for (const kind of differing) {
    // When only the view lags, one target is enough to read it from.
    const sources = targetsAgree(kind) ? reachable.slice(0, 1) : reachable;
    const scan = await scanKind(
      context,
      kind,
      sources,
      (target, error) =>
        reportOf(target).errors.push(`${kind}: read failed: ${describeError(error)}`),
      emit,
    );
    if (context.view && !options.dryRun)
      viewRepaired += context.view.merge([...scan.newest.values()]).length;
    if (sources.length < 2) continue;
    await Promise.all(
      [...scan.held].map(async ([target, held]) => {
        const missing = [...scan.newest.values()].filter(
          (record) => (held.get(record.id) ?? '') < record.rev,
        );
        if (options.dryRun) {
          behind.set(target, (behind.get(target) ?? 0) + missing.length);
          return;
        }
        const copied = await copyRecords(context, target, kind, missing, emit);
        if (copied.applied > 0) reportOf(target).copied[kind] = copied.applied;
        if (copied.error) reportOf(target).errors.push(`${kind}: copy failed: ${copied.error}`);
        behind.set(target, (behind.get(target) ?? 0) + copied.left);
      }),
    );
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

/** Read one kind from every source in parallel; a source that fails is left out of this kind. */
async function scanKind(
  context: SyncContext,
  kind: string,
  sources: readonly Target[],
  onError: (target: Target, error: unknown) => void,
  emit: NonNullable<SyncOptions['onProgress']>,
): Promise<KindScan> {
  const newest = new Map<string, StoredRecord>();
  const held = new Map<Target, Map<string, string>>();
  await Promise.all(
    sources.map(async (target) => {
      const revs = new Map<string, string>();
      try {
        for await (const page of listPages(target, kind, context.bulkTimeoutMs)) {
          for (const record of context.intake(page, target)) {
            revs.set(record.id, record.rev);
            if (context.isPending(record.rev)) continue;
            if ((newest.get(record.id)?.rev ?? '') < record.rev) newest.set(record.id, record);
          }
          emit({ phase: 'scan', kind, target: target.location, scanned: revs.size });
        }
        held.set(target, revs);
      } catch (error) {
        onError(target, error);
      }
    }),
  );
  return { newest, held };
}

async function copyRecords(
  context: SyncContext,
  target: Target,
  kind: string,
  records: StoredRecord[],
  emit: NonNullable<SyncOptions['onProgress']>,
): Promise<{ applied: number; left: number; error?: string }> {
  let applied = 0;
  let refused = 0;
  let copied = 0;
  let next = 0;
  let failure: { error: string } | undefined;
  /** Records of batches that did not finish (failed, or not started after a failure). */
  let unfinished = 0;
  const worker = async (): Promise<void> => {
    while (next < records.length && !failure) {
      const start = next;
      next += COPY_BATCH;
      const batch = records.slice(start, start + COPY_BATCH);
      try {
        const result = await putIsolating(target, 'put', context.bulkTimeoutMs, batch);
        applied += result.applied.filter(Boolean).length;
        refused += result.refused.length;
      } catch (error) {
        failure ??= { error: describeError(error) };
        unfinished += batch.length;
        return;
      }
      copied += batch.length;
      emit({ phase: 'copy', kind, target: target.location, copied, total: records.length });
    }
  };
  await Promise.all(Array.from({ length: COPY_IN_FLIGHT }, worker));
  if (failure) {
    // What no batch got to after the failure is still missing there, as is the failed batch.
    unfinished += Math.max(0, records.length - next);
    return { applied, left: unfinished, error: failure.error };
  }
  // Refused records stay missing there: reported, and counted as behind, but they stopped nothing else.
  return refused > 0
    ? { applied, left: refused, error: `${refused} records refused by the target (see the log)` }
    : { applied, left: 0 };
}
