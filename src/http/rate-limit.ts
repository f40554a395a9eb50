/**
 * A small in-memory fixed-window limiter (per process; enough to slow a password guesser or a
 * subscribe spammer down to a trickle), and the client address it is keyed by. Memory is
 * bounded: past `capacity` keys, expired windows go first, then the oldest.
 */

export const DEFAULT_CAPACITY = 10_000;

export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
    readonly capacity: number = DEFAULT_CAPACITY,
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it may now. Does not count. */
  blockedFor(key: string): number {
    const entry = this.live(key);
    return entry && entry.count >= this.limit ? entry.resetAt - this.now() : 0;
  }

  /** When `key`'s current window ends (ms), or undefined when it has none. */
  resetAt(key: string): number | undefined {
    return this.live(key)?.resetAt;
  }

  /** Events counted for `key` in its current window. */
  count(key: string): number {
    return this.live(key)?.count ?? 0;
  }

  /** Count `weight` events (a failed sign-in, a subscription); `limit` blocks the key for the rest of its window. */
  hit(key: string, weight = 1): void {
    const now = this.now();
    let entry = this.live(key);
    if (!entry) {
      entry = { count: 0, resetAt: now + this.windowMs };
      this.windows.delete(key);
      this.windows.set(key, entry);
    }
    entry.count = Math.min(entry.count + weight, this.limit);
    if (this.windows.size > this.capacity) this.sweep(now);
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  get size(): number {
    return this.windows.size;
  }

  private live(key: string): { count: number; resetAt: number } | undefined {
    const entry = this.windows.get(key);
    return entry && entry.resetAt > this.now() ? entry : undefined;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.windows) if (entry.resetAt <= now) this.windows.delete(key);
    // Still too many live keys (an address spray): forget the oldest rather than grow without bound,
    // down to 90% so the full scan above runs once per many hits, not on every one.
    const keep = Math.floor(this.capacity * 0.9);
    while (this.windows.size > keep) this.windows.delete(this.windows.keys().next().value!);
  }
}

export { clientAddress } from './client-address.ts';

/**
 * The key a client is limited by: its IPv4 address, or the /64 of an IPv6 one, since one
 * host is usually given a whole /64 and could otherwise try from 2^64 addresses.
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [
          ...left,
          ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'),
          ...right,
        ];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
