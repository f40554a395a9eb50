/**
 * Whether the runtime knows a time zone. Intl is the only list there is on Node and workerd alike,
 * and the two ICU builds differ, so a zone is checked by asking Intl, never against a copy.
 */

/** The runtime's own name for `zone` (`utc` → `UTC`), or null when it does not know the zone. */
export function resolvedTimeZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export const isTimeZone = (zone: string): boolean => resolvedTimeZone(zone) !== null;
