/**
 * The times Staunch writes itself are read by a fast path; it must agree with the strict reading
 * of every other RFC3339 time, including the refusals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInstant } from './time.ts';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('parseInstant on the times Staunch writes', () => {
  it('reads every instant with Z or an offset, with or without milliseconds, as Date.parse does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.boolean(),
        (ms, offsetMinutes, withMs) => {
          const at = withMs ? ms : ms - (ms % 1000);
          const local = new Date(at + offsetMinutes * 60_000);
          const zone =
            offsetMinutes === 0
              ? 'Z'
              : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
          const text = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${withMs ? `.${pad(local.getUTCMilliseconds(), 3)}` : ''}${zone}`;
          expect(parseInstant(text)).toBe(at);
        },
      ),
    );
  });

  it('refuses what does not exist, as the strict reading does', () => {
    for (const text of [
      '2026-02-31T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-11-21T24:00:00Z',
      '2026-11-21T10:00:00+24:00',
      '2026-11-21T10:00:00+01:60',
      '2026-11-21T10:00:00',
      '2026-11-21 10:00:00Z',
    ])
      expect({ text, ms: parseInstant(text) }).toEqual({ text, ms: null });
  });
});
