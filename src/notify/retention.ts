/**
 * Settled outbox entries, their claims and event markers are deleted once they are older than
 * the retention (the admin screen shows what is left). Pending entries are never pruned.
 * Expired, unconfirmed subscriber sign-ups go in the same pass.
 */
import type { Mutation, RecordStore } from '../replication/types.ts';
import { expiredSignUpMutations } from '../domain/subscribers.ts';
import { decodeClaim, decodeOutbox, OUTBOX_KIND } from './records.ts';

export function pruneMutations(
  store: Pick<RecordStore, 'list'>,
  now: number,
  retentionMs: number,
): Mutation[] {
  const before = now - retentionMs;
  const old = (iso: string | undefined) => iso !== undefined && Date.parse(iso) < before;
  const mutations: Mutation[] = [];
  const kept = new Set<string>();
  for (const record of store.list(OUTBOX_KIND.outbox)) {
    const entry = decodeOutbox(record);
    if (!entry) continue;
    if (entry.state !== 'pending' && old(entry.sentAt ?? entry.nextAttemptAt))
      mutations.push({ kind: OUTBOX_KIND.outbox, id: entry.id, deleted: true });
    else kept.add(entry.id);
  }
  for (const record of store.list(OUTBOX_KIND.claim)) {
    const claim = decodeClaim(record);
    const entryId = record.id.slice(0, record.id.lastIndexOf('/'));
    // A settled claim never expires: it goes with its entry.
    if (claim && !kept.has(entryId) && (claim.settled || claim.expiresAt < before))
      mutations.push({ kind: OUTBOX_KIND.claim, id: record.id, deleted: true });
  }
  for (const kind of [OUTBOX_KIND.event, OUTBOX_KIND.eventClaim]) {
    for (const record of store.list(kind)) {
      const at = (record.body as { at?: unknown } | null)?.at;
      if (typeof at === 'string' ? old(at) : false)
        mutations.push({ kind, id: record.id, deleted: true });
    }
  }
  // Visitors' sign-ups that were never confirmed expire too.
  return [...mutations, ...expiredSignUpMutations(store, now, 500)];
}
