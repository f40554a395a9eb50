/**
 * Failed credentials, throttled on every surface at once (the admin sign-in form, Basic and
 * bearer on `/v1` and `/api/v1`): one throttle per app, shared by all of them, so a guesser
 * cannot move to another surface to start over.
 *
 * - Per client (address, or IPv6 /64): `clientLimit` failures in `windowMs`, then 429 with
 *   Retry-After until the window ends, whatever the next credentials are.
 * - Per account (the user name given, or "a token"): once `accountLimit` failures from anywhere
 *   land in a window, the account is under attack, and a client that has not signed in lately
 *   is blocked by its first failure. The account itself is never locked: a correct password
 *   from any client that is not blocked still works, so spraying guesses from many addresses
 *   cannot lock the owner out, and each address gets one guess per window instead of several.
 * - A success resets the client's failures and marks it as known for `knownMs`, which keeps
 *   the per-client allowance for the owner's own typos while the account is under attack.
 */
import { clientKey, DEFAULT_CAPACITY, RateLimiter } from './rate-limit.ts';

export interface ThrottleOptions {
  clientLimit?: number;
  accountLimit?: number;
  windowMs?: number;
  knownMs?: number;
  /** Keys kept per table; past it, the oldest are forgotten (memory stays bounded under an address spray). */
  capacity?: number;
}

const ACCOUNT_KEY_MAX = 200;

/** The account a credential names: the user of a password, or the token pool for bearer tokens. */
export const userAccount = (username: string) => `user:${username.slice(0, ACCOUNT_KEY_MAX)}`;
export const TOKEN_ACCOUNT = 'token';

export class CredentialThrottle {
  private readonly clients: RateLimiter;
  private readonly accounts: RateLimiter;
  private readonly known: RateLimiter;

  constructor(now: () => number = Date.now, options: ThrottleOptions = {}) {
    const windowMs = options.windowMs ?? 10 * 60_000;
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    this.clients = new RateLimiter(options.clientLimit ?? 5, windowMs, now, capacity);
    this.accounts = new RateLimiter(options.accountLimit ?? 20, windowMs, now, capacity);
    this.known = new RateLimiter(1, options.knownMs ?? 30 * 86_400_000, now, capacity);
  }

  /** Milliseconds the client must wait before its credentials are looked at again, or 0. */
  blockedFor(address: string): number {
    return this.clients.blockedFor(clientKey(address));
  }

  failed(address: string, account: string): void {
    const client = clientKey(address);
    this.accounts.hit(account);
    const underAttack = this.accounts.blockedFor(account) > 0;
    this.clients.hit(
      client,
      underAttack && this.known.count(client) === 0 ? this.clients.limit : 1,
    );
  }

  succeeded(address: string): void {
    const client = clientKey(address);
    this.clients.reset(client);
    this.known.reset(client);
    this.known.hit(client);
  }

  /** Keys held, for tests and the bound on memory. */
  get size(): number {
    return this.clients.size + this.accounts.size + this.known.size;
  }
}
