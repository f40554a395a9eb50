/**
 * Capped exponential backoff with jitter: initial, ×2 per failure, at most max, each delay drawn
 * from [½, 1] of its step so that agents cut off together do not reconnect in lockstep.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  random?: () => number;
}

export class Backoff {
  private failures = 0;
  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const step = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 30);
    const random = this.options.random ?? Math.random;
    return Math.round(step / 2 + (step / 2) * random());
  }

  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }
}
