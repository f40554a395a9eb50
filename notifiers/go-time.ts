/**
 * Times as statusetat's templates and messages print them: Go's reference-time layouts
 * ("2006-01-02 15:04:05", "Jan 02, 15:04 MST") in an IANA zone, Go's default time.Time text, and
 * durafmt's one-unit durations ("2 hours", "few seconds") that statusetat puts in maintenance
 * notifications.
 */

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  millisecond: number;
  offsetMinutes: number;
  zoneName: string;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
    });
    if (formatters.size > 64) formatters.clear();
    formatters.set(zone, formatter);
  }
  return formatter;
}

const britishNames = new Map<string, Intl.DateTimeFormat>();

/** Go prints "CET" and "EST"; en-US knows the American names, en-GB the European ones. */
function zoneAbbreviation(date: Date, zone: string, american: string): string {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  if (!/^GMT[+-]/.test(american)) return american;
  let formatter = britishNames.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'short' });
    if (britishNames.size > 64) britishNames.clear();
    britishNames.set(zone, formatter);
  }
  return (
    formatter.formatToParts(date).find((part) => part.type === 'timeZoneName')?.value ?? american
  );
}

function partsOf(date: Date, zone: string): Parts {
  const values: Record<string, string> = {};
  for (const part of formatterFor(zone).formatToParts(date)) values[part.type] = part.value;
  const local = Date.UTC(
    Number(values.year),
    Number(values.month) - 1,
    Number(values.day),
    Number(values.hour),
    Number(values.minute),
    Number(values.second),
  );
  const offsetMinutes = Math.round((local - (date.getTime() - date.getUTCMilliseconds())) / 60_000);
  const zoneName = zoneAbbreviation(date, zone, values.timeZoneName ?? zone);
  return {
    year: Number(values.year),
    month: Number(values.month),
    day: Number(values.day),
    hour: Number(values.hour),
    minute: Number(values.minute),
    second: Number(values.second),
    weekday: new Date(local).getUTCDay(),
    millisecond: date.getUTCMilliseconds(),
    offsetMinutes,
    zoneName: /^GMT[+-]/.test(zoneName) ? numericZone(offsetMinutes, '') : zoneName,
  };
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function numericZone(offsetMinutes: number, separator: string, seconds = false): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(absolute / 60))}${separator}${pad(absolute % 60)}${seconds ? `${separator}00` : ''}`;
}

// Longest first, so "2006" is not read as "2" then "006", and "January" not as "Jan".
const TOKENS: [string, (p: Parts) => string][] = [
  ['January', (p) => MONTHS[p.month - 1]!],
  ['Monday', (p) => DAYS[p.weekday]!],
  ['Z07:00', (p) => (p.offsetMinutes === 0 ? 'Z' : numericZone(p.offsetMinutes, ':'))],
  ['-07:00', (p) => numericZone(p.offsetMinutes, ':')],
  ['Z0700', (p) => (p.offsetMinutes === 0 ? 'Z' : numericZone(p.offsetMinutes, ''))],
  ['-0700', (p) => numericZone(p.offsetMinutes, '')],
  ['2006', (p) => pad(p.year, 4)],
  ['.000', (p) => `.${pad(p.millisecond, 3)}`],
  ['-07', (p) => numericZone(p.offsetMinutes, '').slice(0, 3)],
  ['Jan', (p) => MONTHS[p.month - 1]!.slice(0, 3)],
  ['Mon', (p) => DAYS[p.weekday]!.slice(0, 3)],
  ['MST', (p) => p.zoneName],
  ['_2', (p) => String(p.day).padStart(2, ' ')],
  ['01', (p) => pad(p.month)],
  ['02', (p) => pad(p.day)],
  ['03', (p) => pad(p.hour % 12 || 12)],
  ['04', (p) => pad(p.minute)],
  ['05', (p) => pad(p.second)],
  ['06', (p) => pad(p.year % 100)],
  ['15', (p) => pad(p.hour)],
  ['PM', (p) => (p.hour >= 12 ? 'PM' : 'AM')],
  ['pm', (p) => (p.hour >= 12 ? 'pm' : 'am')],
  ['1', (p) => String(p.month)],
  ['2', (p) => String(p.day)],
  ['3', (p) => String(p.hour % 12 || 12)],
  ['4', (p) => String(p.minute)],
  ['5', (p) => String(p.second)],
];

/** Go's `time.Format(layout)` for a moment in an IANA zone. */
export function formatGoLayout(date: Date, layout: string, zone: string): string {
  const parts = partsOf(date, zone);
  let out = '';
  let i = 0;
  outer: while (i < layout.length) {
    for (const [token, render] of TOKENS) {
      if (layout.startsWith(token, i)) {
        out += render(parts);
        i += token.length;
        continue outer;
      }
    }
    out += layout[i];
    i += 1;
  }
  return out;
}

/**
 * A time.Time inside template data: prints as Go prints one, and offers the methods statusetat's
 * users call on it (`.Format`, `.Unix`, `.In`-free since the zone is the page's).
 */
export class GoTime {
  constructor(
    readonly date: Date,
    readonly zone: string,
  ) {}

  Format(layout: string): string {
    return formatGoLayout(this.date, layout, this.zone);
  }

  Unix(): number {
    return Math.floor(this.date.getTime() / 1000);
  }

  IsZero(): boolean {
    return this.date.getTime() === Date.UTC(1, 0, 1) || Number.isNaN(this.date.getTime());
  }

  toString(): string {
    return this.Format('2006-01-02 15:04:05 -0700 MST');
  }
}

const UNITS: [string, number][] = [
  ['year', 365 * 24 * 3_600_000],
  ['week', 7 * 24 * 3_600_000],
  ['day', 24 * 3_600_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** statusetat's humanDuration: the largest unit only ("2 hours", "1 day"), "few seconds" under a minute. */
export function humanDuration(from: Date, to: Date): string {
  const ms = to.getTime() - from.getTime();
  if (ms < 60_000) return 'few seconds';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(ms / size);
    if (count >= 1) return `${count} ${unit}${count === 1 ? '' : 's'}`;
  }
  return 'few seconds';
}
