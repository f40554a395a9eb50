/**
 * A small in-memory fixed-window limiter (per process; enough to slow a password guesser or a
 * subscribe spammer down to a trickle), and the client address it is keyed by.
 */
import type { Context } from 'hono';

export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it may now. Does not count. */
  blockedFor(key: string): number {
    const entry = this.windows.get(key);
    const now = this.now();
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= this.limit ? entry.resetAt - now : 0;
  }

  /** Count one event (a failed sign-in, a subscription). */
  hit(key: string): void {
    const now = this.now();
    let entry = this.windows.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, entry);
    }
    entry.count++;
    if (this.windows.size > 10_000) this.sweep(now);
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.windows) if (entry.resetAt <= now) this.windows.delete(key);
    // Still too many live keys (an address spray): forget the oldest rather than grow without bound.
    while (this.windows.size > 10_000) this.windows.delete(this.windows.keys().next().value!);
  }
}

/**
 * The client's address: the socket's on Node (@hono/node-server passes the IncomingMessage as
 * `env.incoming`), Cloudflare's `cf-connecting-ip` on Workers. `X-Forwarded-For` is not trusted:
 * anyone can send it.
 */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const socket = env?.incoming?.socket?.remoteAddress;
  if (socket) return socket;
  return c.req.header('cf-connecting-ip') ?? 'unknown';
}
