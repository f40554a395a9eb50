/**
 * The app's limits on what anonymous clients can make it do, built once per app by createApp
 * and shared by every surface, so moving from a page form to an API does not start over.
 */
import { CredentialThrottle } from './credential-throttle.ts';
import { RateLimiter } from './rate-limit.ts';

export interface Limits {
  /** Failed credentials: the sign-in form, Basic and bearer. */
  credentials: CredentialThrottle;
  /** Subscriptions per client (the page's form and `/v1/subscribe`): 10 an hour. */
  subscriptions: RateLimiter;
}

export function createLimits(now: () => number): Limits {
  return {
    credentials: new CredentialThrottle(now),
    subscriptions: new RateLimiter(10, 60 * 60_000, now),
  };
}
