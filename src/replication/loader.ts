/**
 * The first full read of one target: every record of every kind it holds (kinds come from its
 * digest), tombstones included, plus the hints persisted on it and when it was last synced.
 */
import type { KindDigest, StoredRecord } from '../../storage-drivers/types.ts';
import { HINT_KIND, isInternalKind, SYNC_MARK_KIND } from './internal-kinds.ts';
import type { Intake } from './intake.ts';
import { listPages } from './pages.ts';
import type { Target } from './target.ts';

export interface LoadedTarget {
  /** Highest rev the target held when the load began: where its change polling starts. */
  cursor: string;
  /** Live hints persisted on this target. */
  hints: StoredRecord[];
}

export interface LoadTimeouts {
  /** For the liveness probe first: a silent target must not hold the start for a bulk timeout. */
  probeTimeoutMs: number;
  bulkTimeoutMs: number;
}

export async function loadTarget(
  target: Target,
  timeouts: LoadTimeouts,
  intake: Intake,
  onRecords: (records: StoredRecord[]) => void,
  /** The view's digest of a kind: a kind whose digest the target matches is not read at all. */
  viewDigest?: (kind: string) => KindDigest,
): Promise<LoadedTarget> {
  const { probeTimeoutMs, bulkTimeoutMs } = timeouts;
  await target.call('ping', probeTimeoutMs, (driver) => driver.ping(), true);
  const digests = await target.call('digest', bulkTimeoutMs, (driver) => driver.digest());
  const cursor = Object.values(digests).reduce(
    (max, digest) => (digest.maxRev > max ? digest.maxRev : max),
    '',
  );
  const hints: StoredRecord[] = [];
  if (digests[SYNC_MARK_KIND]) {
    const mark = await target.call('get sync mark', bulkTimeoutMs, (driver) =>
      driver.get(SYNC_MARK_KIND, 'last'),
    );
    const at = (mark?.body as { at?: unknown } | null)?.at;
    if (typeof at === 'string' && !target.lastSync) target.lastSync = at;
  }
  for (const [kind, digest] of Object.entries(digests)) {
    if (isInternalKind(kind) && kind !== HINT_KIND) continue;
    // Equal digests mean the same (id, rev) pairs, and a rev names one content: after a restored
    // snapshot most kinds are already in the view, and reading them again only makes garbage.
    if (kind !== HINT_KIND && viewDigest && sameDigest(viewDigest(kind), digest)) continue;
    for await (const page of listPages(target, kind, bulkTimeoutMs)) {
      const records = intake(page, target);
      if (kind === HINT_KIND) hints.push(...records.filter((r) => !r.deleted));
      else onRecords(records);
    }
  }
  return { cursor, hints };
}

const sameDigest = (a: KindDigest, b: KindDigest) =>
  a.count === b.count && a.maxRev === b.maxRev && a.hash === b.hash;
