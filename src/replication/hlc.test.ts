import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRev, HybridLogicalClock, parseRev, revAtWallTime, revJustAfter } from './hlc.ts';

describe('HybridLogicalClock', () => {
  it('issues strictly increasing revs even when the wall clock stalls or goes backwards', () => {
    const times = [1000, 1000, 999, 500, 1001, 1001, 2000];
    let i = 0;
    const clock = new HybridLogicalClock('a', () => times[i++]!);
    const revs = times.map(() => clock.next());
    expect([...revs].sort()).toEqual(revs);
    expect(new Set(revs).size).toBe(revs.length);
    expect(parseRev(revs[3]!)).toEqual({ wallMs: 1000, counter: 3, writer: 'a' });
    expect(parseRev(revs[6]!)).toEqual({ wallMs: 2000, counter: 0, writer: 'a' });
  });

  it('issues revs above any rev it has observed, even from a clock far ahead', () => {
    const clock = new HybridLogicalClock('local', () => 1000);
    const remote = formatRev({ wallMs: 5_000_000, counter: 7, writer: 'remote' });
    clock.observe(remote);
    const next = clock.next();
    expect(next > remote).toBe(true);
    expect(parseRev(next)).toEqual({ wallMs: 5_000_000, counter: 8, writer: 'local' });
    clock.observe('garbage');
    expect(clock.next() > next).toBe(true);
  });

  it('orders revs as strings exactly as it orders clock readings', () => {
    const stamp = fc.record({
      wallMs: fc.integer({ min: 0, max: 2 ** 47 }),
      counter: fc.integer({ min: 0, max: 0xffffff }),
      writer: fc.stringMatching(/^[a-z0-9]{1,8}$/),
    });
    fc.assert(
      fc.property(stamp, stamp, (a, b) => {
        const byClock =
          a.wallMs - b.wallMs ||
          a.counter - b.counter ||
          (a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0);
        const ra = formatRev(a);
        const rb = formatRev(b);
        const byString = ra < rb ? -1 : ra > rb ? 1 : 0;
        expect(Math.sign(byString)).toBe(Math.sign(byClock));
        expect(parseRev(ra)).toEqual(a);
      }),
    );
  });

  it('keeps going past 16 million revs in one millisecond without wrapping', () => {
    const clock = new HybridLogicalClock('a', () => 42);
    clock.observe(formatRev({ wallMs: 42, counter: 0xfffffe, writer: 'z' }));
    const [a, b, c] = [clock.next(), clock.next(), clock.next()];
    expect(a < b && b < c).toBe(true);
    expect(parseRev(c)).toMatchObject({ wallMs: 43, counter: 1 });
  });

  it('gives two writers distinct revs at the same instant, and refuses bad writer ids', () => {
    const [a, b] = [new HybridLogicalClock('a', () => 7), new HybridLogicalClock('b', () => 7)];
    expect(a.next()).not.toBe(b.next());
    expect(() => new HybridLogicalClock('Not Valid')).toThrow(/writer id/);
    expect(new HybridLogicalClock().writer).toMatch(/^[a-z0-9]{8}$/);
  });

  it('marks a wall time below every rev stamped at or after it', () => {
    const clock = new HybridLogicalClock('a', () => 10_000);
    expect(revAtWallTime(10_000) <= clock.next()).toBe(true);
    expect(revAtWallTime(10_001) > clock.next()).toBe(true);
  });

  it('finds the smallest rev above a rev: above it, below every other rev that is', () => {
    const arbitraryRev = fc
      .record({
        wallMs: fc.integer({ min: 0, max: 2 ** 40 }),
        counter: fc.integer({ min: 0, max: 0xffffff }),
        writer: fc.stringMatching(/^[a-z0-9]{1,31}$/),
      })
      .map(formatRev);
    // Neighbours matter most: the same instant and counter, another writer.
    const neighbours = arbitraryRev.chain((rev) =>
      fc.tuple(
        fc.constant(rev),
        fc
          .stringMatching(/^[a-z0-9]{1,32}$/)
          .map((writer) => formatRev({ ...parseRev(rev)!, writer })),
      ),
    );
    fc.assert(
      fc.property(fc.oneof(fc.tuple(arbitraryRev, arbitraryRev), neighbours), ([rev, other]) => {
        const after = revJustAfter(rev)!;
        expect(parseRev(after)).not.toBeNull();
        expect(after > rev).toBe(true);
        if (other > rev) expect(other >= after).toBe(true);
      }),
    );
    expect(revJustAfter(formatRev({ wallMs: 1, counter: 0, writer: 'w'.repeat(32) }))).toBeNull();
  });
});
