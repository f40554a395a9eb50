/**
 * Kinds starting with `_` belong to the engine (hints, sync marks). They live on the targets but are never
 * merged into the view, never copied by the sync and never written by the domain.
 */
export const HINT_KIND = '_hint';
/** One record per target (id `last`): when a sync pass last completed on it, for tools and restarts. */
export const SYNC_MARK_KIND = '_sync';

export function isInternalKind(kind: string): boolean {
  return kind.startsWith('_');
}
