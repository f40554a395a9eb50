/**
 * The audit log: every write carries one `audit` record in the same `store.write` call, so a
 * change and its audit entry land together or not at all.
 */
import type { Mutation, RecordStore } from '../replication/types.ts';
import type { Json } from '../../storage-drivers/types.ts';
import { newId, nowOf, type DomainContext } from './context.ts';
import { decodeAudit, KIND } from './records.ts';
import type { Actor, AuditEntry } from './types.ts';

export interface AuditInput {
  action: string;
  target: { kind: string; id: string };
  summary: string;
}

let sequence = 0;

/**
 * Ids start with the time in fixed-width milliseconds, then a per-process sequence (entries
 * written in the same millisecond keep their order), then randomness (instances never collide):
 * id order is time order, and "newest first" pages with a plain id cursor.
 */
export function auditMutation(ctx: DomainContext, actor: Actor, input: AuditInput): Mutation {
  const at = nowOf(ctx);
  sequence = (sequence + 1) % 1_000_000;
  const id = `${String(at).padStart(15, '0')}-${String(sequence).padStart(6, '0')}-${newId(ctx).replace(/-/g, '').slice(0, 8)}`;
  const body: AuditEntry = {
    id,
    at: new Date(at).toISOString(),
    actor: { type: actor.type, name: actor.name },
    ...input,
  };
  return { kind: KIND.audit, id, body: body as unknown as Json };
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass back as `before` for the next (older) page. */
  next?: string;
}

export function listAudit(
  store: Pick<RecordStore, 'list'>,
  options: { before?: string; limit?: number } = {},
): AuditPage {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const ids = store
    .list(KIND.audit)
    .filter((r) => options.before === undefined || r.id < options.before)
    .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const entries = ids.slice(0, limit).flatMap((r) => decodeAudit(r) ?? []);
  return ids.length > limit ? { entries, next: ids[limit - 1]!.id } : { entries };
}
