/**
 * Kinds starting with `_` belong to the engine (hints). They live on the targets but are never
 * merged into the view, never copied by the sync and never written by the domain.
 */
export const HINT_KIND = '_hint';

export function isInternalKind(kind: string): boolean {
  return kind.startsWith('_');
}
