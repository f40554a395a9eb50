import { describe, expect, it } from 'vitest';
import { isTimeZone, resolvedTimeZone } from './time-zone.ts';

describe('time zones', () => {
  it('knows IANA zones and UTC in any case', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(resolvedTimeZone('utc')).toBe('UTC');
  });

  it('refuses names that are not zones', () => {
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(resolvedTimeZone('Europe/Pariss')).toBeNull();
  });
});
