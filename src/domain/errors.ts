/**
 * Domain failures, independent of HTTP: each API maps them to its own error shape and codes
 * (statusetat's 404/412 on /v1, `{ error: { code, message, details } }` on the native API).
 */

export interface FieldProblem {
  /** Where in the input, e.g. `components[0]` or `messages`. */
  path: string;
  message: string;
}

/** `refused`: a notifier's pre-check (a plugin) refused the change; nothing was written. */
export type DomainErrorCode = 'not_found' | 'invalid' | 'refused';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) =>
  new DomainError('not_found', `${what} "${id}" not found`);

/** One or more field problems; the message is the first one, so a single-line client still learns what is wrong. */
export function invalid(problems: FieldProblem[]): DomainError {
  const first = problems[0]!;
  return new DomainError(
    'invalid',
    first.path ? `${first.path}: ${first.message}` : first.message,
    problems,
  );
}
