/**
 * Retry delays for hint delivery: exponential so a long outage is not hammered, capped so a
 * target that returns is caught up within a minute, and jittered ("equal jitter": half fixed,
 * half random) so several instances do not retry in lockstep.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export function backoffDelay(
  failures: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return exponential / 2 + (random() * exponential) / 2;
}
