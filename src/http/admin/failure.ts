/**
 * The one place that says which failures of a change an admin screen turns into a page: the
 * domain refusing the input, the thing being gone, or the write missing its quorum (nothing was
 * saved). Each screen says what page to show for each; anything else, and any failure a screen
 * has no page for, is thrown to the app's error handler.
 */
import { DomainError, type FieldProblem } from '../../domain/errors.ts';
import { QuorumError } from '../../replication/types.ts';
import type { Notice } from '../site/layout.tsx';

type Page = Response | Promise<Response>;

export interface FailurePages {
  /** The domain refused the input (`invalid`): its problems, to show next to the fields. */
  invalid?: (problems: readonly FieldProblem[]) => Page;
  /** What the change was about no longer exists (`not_found`). */
  notFound?: () => Page;
  /** Any refusal by the domain without a page of its own above. */
  refused?: (error: DomainError) => Page;
  /** The write missed its quorum, so nothing was saved. */
  unavailable?: () => Page;
}

/** Runs a change, answering its response, or the screen's page for the way it failed. */
export async function changeOr(
  change: () => Promise<Response>,
  pages: FailurePages,
): Promise<Response> {
  try {
    return await change();
  } catch (error) {
    const page = pageFor(error, pages);
    if (page) return page();
    throw error;
  }
}

function pageFor(error: unknown, pages: FailurePages): (() => Page) | undefined {
  if (error instanceof QuorumError) return pages.unavailable;
  if (!(error instanceof DomainError)) return undefined;
  const own =
    error.code === 'invalid'
      ? pages.invalid && (() => pages.invalid!(error.details))
      : error.code === 'not_found'
        ? pages.notFound
        : undefined;
  return own ?? (pages.refused && (() => pages.refused!(error)));
}

/** The notice of a change that storage could not take: `title` says what did not happen. */
export const storageDown = (title: string): Notice => ({
  tone: 'error',
  title,
  text: 'Storage is unavailable; try again in a moment.',
});
