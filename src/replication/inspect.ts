/**
 * A read-only look at the targets for tools that do not start the engine (`staunch targets
 * check`): the hints persisted for each target anywhere, and, from a dry-run sync, how many
 * records each one lacks.
 */
import { fromHintRecord } from './hints.ts';
import { HINT_KIND, SYNC_MARK_KIND } from './internal-kinds.ts';
import { listPages } from './pages.ts';
import type { Target } from './target.ts';
import type { SyncReport, TargetInspection } from './types.ts';

/** Live hints per target key, each counted once however many homes hold a copy. */
export async function countPersistedHints(
  targets: readonly Target[],
  timeoutMs: number,
): Promise<Map<string, number>> {
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  await Promise.all(
    targets.map(async (home) => {
      try {
        for await (const page of listPages(home, HINT_KIND, timeoutMs)) {
          for (const stored of page) {
            const hint = fromHintRecord(stored);
            if (stored.deleted || 'problem' in hint || seen.has(stored.id)) continue;
            seen.add(stored.id);
            counts.set(hint.targetKey, (counts.get(hint.targetKey) ?? 0) + 1);
          }
        }
      } catch {
        // An unreachable home shows as down in its own row; its hints are counted when it answers.
      }
    }),
  );
  return counts;
}

/** When a sync pass last completed on each target, from the mark it keeps there. */
export async function lastSyncMarks(
  targets: readonly Target[],
  timeoutMs: number,
): Promise<Map<Target, string>> {
  const marks = new Map<Target, string>();
  await Promise.all(
    targets.map(async (target) => {
      const mark = await target
        .call('get sync mark', timeoutMs, (driver) => driver.get(SYNC_MARK_KIND, 'last'))
        .catch(() => null);
      const at = (mark?.body as { at?: unknown } | null)?.at;
      if (typeof at === 'string') marks.set(target, at);
    }),
  );
  return marks;
}

export function inspectionRows(
  targets: readonly Target[],
  hints: Map<string, number>,
  dryRun: SyncReport,
  lastSync: Map<Target, string>,
): TargetInspection[] {
  return targets.map((target, i) => {
    const status = target.status(0);
    const compared = dryRun.targets[i];
    return {
      location: target.location,
      driver: status.driver,
      state: status.state === 'up' ? 'up' : 'down',
      latencyMs: status.latencyMs,
      ...(status.lastError
        ? { error: status.lastError }
        : compared?.errors.length
          ? { error: compared.errors.join('; ') }
          : {}),
      queuedHints: hints.get(target.key) ?? 0,
      behind: compared?.reachable ? compared.behind : null,
      lastSync: lastSync.get(target) ?? null,
    };
  });
}
