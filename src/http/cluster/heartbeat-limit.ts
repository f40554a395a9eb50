/**
 * k8s-controller-heartbeat's rate limit: a fixed window per client, counting every request
 * (refused and unauthenticated ones too, since it runs before the token check), with the
 * `X-RateLimit-*` headers its clients read on every answer.
 */
import { RateLimiter } from '../rate-limit.ts';

export interface HeartbeatLimitConfig {
  rate_limit: number;
  rate_limit_period: number;
}

export interface LimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class HeartbeatLimiter {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly config: HeartbeatLimitConfig,
    private readonly now: () => number,
  ) {
    this.limiter = new RateLimiter(config.rate_limit, config.rate_limit_period, now);
  }

  take(client: string): LimitDecision {
    const allowed = this.limiter.blockedFor(client) === 0;
    if (allowed) this.limiter.hit(client);
    const resetAt = this.limiter.resetAt(client) ?? this.now() + this.config.rate_limit_period;
    return {
      allowed,
      headers: {
        'X-RateLimit-Limit': String(this.config.rate_limit),
        'X-RateLimit-Remaining': String(
          Math.max(0, this.config.rate_limit - this.limiter.count(client)),
        ),
        'X-RateLimit-Reset': String(Math.ceil(resetAt / 1000)),
      },
    };
  }
}
