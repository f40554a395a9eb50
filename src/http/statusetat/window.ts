/**
 * statusetat's date window for `GET /v1/incidents`: `from` defaults to local midnight seven days
 * ago, `to` to `from` + 7 calendar days + 23:59:59 (the end of today by default). A malformed date is a 400 here
 * (statusetat answered 500).
 */
import { DAY_MS, parseInstant, startOfDay } from '../../domain/time.ts';
import { V1Error } from './respond.ts';

const DAYS_BACK = 7;

function daysLater(midnight: number, days: number, timeZone: string): number {
  // Calendar days, not 24-hour steps: across a DST change a day is 23 or 25 hours.
  return startOfDay(midnight + days * DAY_MS + DAY_MS / 2, timeZone);
}

export function incidentWindow(
  query: { from?: string; to?: string },
  now: number,
  timeZone: string,
): { from: number; to: number } {
  const parse = (name: 'from' | 'to') => {
    const text = query[name];
    if (text === undefined || text === '') return undefined;
    const ms = parseInstant(text);
    if (ms === null)
      throw new V1Error(
        400,
        `${name}: ${JSON.stringify(text)} is not an RFC3339 time such as 2026-11-20T10:00:00Z`,
      );
    return ms;
  };
  const from = parse('from') ?? daysLater(startOfDay(now, timeZone), -DAYS_BACK, timeZone);
  const midnight = startOfDay(from, timeZone);
  const to =
    parse('to') ?? daysLater(midnight, DAYS_BACK, timeZone) + (from - midnight) + DAY_MS - 1000;
  return { from, to };
}
