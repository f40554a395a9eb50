import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';

describe('Backoff', () => {
  it('doubles from the initial delay up to the cap, and starts over after reset', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it('draws each delay from the upper half of its step', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    expect(backoff.next()).toBe(50);
  });
});
