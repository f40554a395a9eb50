/**
 * Signed-out admin sessions, as records, so that signing out on one instance ends the session on
 * every instance sharing the targets (sessions themselves live only in their signed cookie).
 * A revocation is kept until the session would have expired anyway; expired ones are deleted in
 * the same write as the next revocation.
 */
import type { Mutation } from '../replication/types.ts';
import { nowOf, type DomainContext } from './context.ts';

const KIND = 'session_revocation';

export function isSessionRevoked(ctx: DomainContext, sid: string): boolean {
  return ctx.store.get(KIND, sid) !== undefined;
}

export async function revokeSession(
  ctx: DomainContext,
  sid: string,
  expiresAt: number,
): Promise<void> {
  const now = nowOf(ctx);
  const expired: Mutation[] = ctx.store
    .list(KIND)
    .filter(
      (record) => Number((record.body as { expires_at?: unknown } | null)?.expires_at ?? 0) <= now,
    )
    .map((record) => ({ kind: KIND, id: record.id, deleted: true }));
  await ctx.store.write([{ kind: KIND, id: sid, body: { expires_at: expiresAt } }, ...expired]);
}
