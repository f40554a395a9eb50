import { describe, expect, it } from 'vitest';
import { CredentialThrottle, userAccount } from './credential-throttle.ts';
import { clientKey, RateLimiter } from './rate-limit.ts';

const WINDOW = 10 * 60_000;

describe('CredentialThrottle', () => {
  it('blocks a client after its failures until the window ends, then lets it try again', () => {
    const clock = { now: 0 };
    const throttle = new CredentialThrottle(() => clock.now, { clientLimit: 3, windowMs: WINDOW });
    for (let i = 0; i < 3; i++) {
      expect(throttle.blockedFor('203.0.113.1')).toBe(0);
      throttle.failed('203.0.113.1', userAccount('admin'));
    }
    expect(throttle.blockedFor('203.0.113.1')).toBe(WINDOW);
    clock.now += WINDOW - 1;
    expect(throttle.blockedFor('203.0.113.1')).toBe(1);
    clock.now += 1;
    expect(throttle.blockedFor('203.0.113.1')).toBe(0);
  });

  it('gives a new client one guess while the account is under attack, and none of it applies to a known client', () => {
    const clock = { now: 0 };
    const throttle = new CredentialThrottle(() => clock.now, {
      clientLimit: 5,
      accountLimit: 10,
      windowMs: WINDOW,
    });
    throttle.succeeded('192.0.2.1');
    for (let i = 0; i < 10; i++) throttle.failed(`198.51.100.${i}`, userAccount('admin'));
    throttle.failed('198.51.100.200', userAccount('admin'));
    expect(throttle.blockedFor('198.51.100.200')).toBeGreaterThan(0);
    throttle.failed('192.0.2.1', userAccount('admin'));
    expect(throttle.blockedFor('192.0.2.1')).toBe(0);
    // Another account is not under attack.
    throttle.failed('198.51.100.201', userAccount('someone-else'));
    expect(throttle.blockedFor('198.51.100.201')).toBe(0);
    clock.now += WINDOW;
    throttle.failed('198.51.100.202', userAccount('admin'));
    expect(throttle.blockedFor('198.51.100.202')).toBe(0);
  });

  it('keeps memory bounded under a spray of addresses and user names', () => {
    const throttle = new CredentialThrottle(() => 0, { capacity: 500 });
    for (let i = 0; i < 20_000; i++)
      throttle.failed(
        `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        userAccount(`user-${i}`),
      );
    expect(throttle.size).toBeLessThanOrEqual(1_000);
  });
});

describe('RateLimiter', () => {
  it('forgets the oldest keys past its capacity', () => {
    const limiter = new RateLimiter(1, WINDOW, () => 0, 100);
    for (let i = 0; i < 1_000; i++) limiter.hit(`k${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    expect(limiter.blockedFor('k999')).toBe(WINDOW);
    expect(limiter.blockedFor('k0')).toBe(0);
  });
});

describe('clientKey', () => {
  it('keys IPv4 by address and IPv6 by its /64', () => {
    expect(clientKey('203.0.113.5')).toBe('203.0.113.5');
    expect(clientKey('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(clientKey('2001:db8:1:2::7')).toBe(clientKey('2001:0db8:0001:0002:ffff:0:0:1'));
    expect(clientKey('2001:db8:1:2::7')).not.toBe(clientKey('2001:db8:1:3::7'));
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
