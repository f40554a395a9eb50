import { describe, expect, it } from 'vitest';
import {
  formatInstant,
  instant,
  isZeroTime,
  parseInstant,
  startOfDay,
  ZERO_INSTANT,
} from './time.ts';

describe('parseInstant', () => {
  it('accepts RFC3339 with any offset and up to nanoseconds', () => {
    expect(parseInstant('2026-11-20T10:00:00Z')).toBe(Date.UTC(2026, 10, 20, 10));
    expect(parseInstant('2026-11-20T10:00:00+05:00')).toBe(Date.UTC(2026, 10, 20, 5));
    expect(parseInstant('2026-11-21T23:32:11.025836548+01:00')).toBe(
      Date.UTC(2026, 10, 21, 22, 32, 11, 25),
    );
    expect(parseInstant('0001-01-01T00:00:00Z')).toBe(ZERO_INSTANT);
  });

  it('rejects what is not RFC3339 (statusetat answered these with a 500)', () => {
    for (const bad of [
      '2026-11-01',
      '2026-11-20 10:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-02-31T00:00:00Z',
      '2026-11-20T25:00:00Z',
      'yesterday',
      '',
      '2026-11-20T10:00:00+0100',
    ]) {
      expect(parseInstant(bad), bad).toBeNull();
    }
  });

  it('compares instants, not strings', () => {
    // As text the first sorts after the second; as instants it is earlier.
    const a = '2026-11-20T10:30:00+05:00';
    const b = '2026-11-20T06:00:00Z';
    expect(a > b).toBe(true);
    expect(instant(a) < instant(b)).toBe(true);
  });

  it('treats the Go zero time and unset values as zero', () => {
    expect(isZeroTime('0001-01-01T00:00:00Z')).toBe(true);
    expect(isZeroTime('')).toBe(true);
    expect(isZeroTime(undefined)).toBe(true);
    expect(isZeroTime('2026-01-01T00:00:00Z')).toBe(false);
  });
});

describe('formatInstant', () => {
  it('writes RFC3339 in the zone offset, which parses back to the same instant', () => {
    const ms = Date.UTC(2026, 10, 21, 22, 32, 11, 25);
    expect(formatInstant(ms)).toBe('2026-11-21T22:32:11.025Z');
    expect(formatInstant(ms, 'Europe/Paris')).toBe('2026-11-21T23:32:11.025+01:00');
    expect(formatInstant(Date.UTC(2026, 6, 1, 12), 'Europe/Paris')).toBe(
      '2026-07-01T14:00:00.000+02:00',
    );
    expect(formatInstant(ms, 'America/St_Johns')).toBe('2026-11-21T19:02:11.025-03:30');
    expect(parseInstant(formatInstant(ms, 'Asia/Kolkata'))).toBe(ms);
  });

  it('finds local midnight across DST', () => {
    expect(startOfDay(Date.UTC(2026, 2, 29, 12), 'Europe/Paris')).toBe(Date.UTC(2026, 2, 28, 23));
    expect(startOfDay(Date.UTC(2026, 9, 25, 12), 'Europe/Paris')).toBe(Date.UTC(2026, 9, 24, 22));
  });
});
