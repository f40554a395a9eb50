/**
 * What happens to an outbox entry after a failed attempt: another attempt later (exponential
 * backoff with equal jitter, so instances never retry in lockstep), or `failed` when the error
 * can never succeed (a 4xx: NotifierError.retryable false) or the retry window has passed.
 */
import { NotifierError } from '../../notifiers/types.ts';
import { backoffDelay } from '../replication/backoff.ts';
import type { OutboxEntry } from './records.ts';

export interface RetryPolicy {
  /** First delay; each failure doubles it up to `maxMs`. */
  baseMs: number;
  maxMs: number;
  /** Retries stop this long after the entry was enqueued (or retried by hand). */
  retryForMs: number;
}

/** Anything that is not a NotifierError (a bug, a DNS hiccup) is retried: a message is never dropped on a guess. */
export const isRetryable = (error: unknown) => !(error instanceof NotifierError) || error.retryable;

/** The error as the admin screen shows it: the channel's own words (never holding secrets), capped. */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}

export function afterFailure(
  entry: OutboxEntry,
  error: unknown,
  now: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Pick<OutboxEntry, 'state' | 'attempts' | 'nextAttemptAt' | 'lastError'> {
  const attempts = entry.attempts + 1;
  const lastError = describeFailure(error);
  if (!isRetryable(error))
    return { state: 'failed', attempts, nextAttemptAt: entry.nextAttemptAt, lastError };
  const next = now + backoffDelay(attempts, { baseMs: policy.baseMs, maxMs: policy.maxMs }, random);
  const from = Date.parse(entry.retryFrom ?? entry.createdAt);
  if (next > from + policy.retryForMs)
    return {
      state: 'failed',
      attempts,
      nextAttemptAt: entry.nextAttemptAt,
      lastError: `gave up after ${attempts} attempts: ${lastError}`,
    };
  return { state: 'pending', attempts, nextAttemptAt: new Date(next).toISOString(), lastError };
}
