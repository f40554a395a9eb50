/**
 * Times are kept as the RFC3339 strings clients sent (offset included, as statusetat does) and
 * compared as instants. statusetat's SQLite backend compared them as text, which misorders
 * values with different offsets; everything here goes through `instant()`.
 */

import { LruCache } from './lru-cache.ts';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

// Every rebuild of the pages and API documents compares the same stored times again: parsing each
// string once keeps a rebuild from spending most of its time in this function.
const parsed = new LruCache<string, number | null>(20_000);

/** Milliseconds since the epoch of a strict RFC3339 time, or null (`2026-11-01` alone is not one). */
export function parseInstant(text: string): number | null {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  const ms = parseUncached(text);
  parsed.set(text, ms);
  return ms;
}

const digitsAt = (text: string, at: number, count: number): number => {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
};

/**
 * The shape every time Staunch writes has (`2026-11-21T12:00:00Z`, `...:00.123+01:00`), read
 * without the regular expression: with more stored times than the cache holds, parsing is what
 * a rebuild of the read model spends its time on. Anything else goes the general way (undefined).
 */
function parseCommon(text: string): number | null | undefined {
  const n = text.length;
  if (n < 20 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':')
    return undefined;
  if (text[16] !== ':') return undefined;
  let end = 19;
  let ms = 0;
  if (text[19] === '.') {
    if (digitsAt(text, 20, 3) < 0 || (text[23] !== 'Z' && text[23] !== '+' && text[23] !== '-'))
      return undefined;
    ms = digitsAt(text, 20, 3);
    end = 23;
  }
  let offset = 0;
  if (text[end] === 'Z') {
    if (n !== end + 1) return undefined;
  } else if ((text[end] === '+' || text[end] === '-') && n === end + 6 && text[end + 3] === ':') {
    const hours = digitsAt(text, end + 1, 2);
    const minutes = digitsAt(text, end + 4, 2);
    if (hours < 0 || minutes < 0) return undefined;
    if (hours > 23 || minutes > 59) return null;
    offset = (text[end] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  } else return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  // Years below 100 go the general way: Date.UTC reads them as 19xx.
  if (year < 100 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms);
  // Reject dates that would roll over (2026-02-31 → March 3), as the general way does.
  if (new Date(local).getUTCDate() !== day) return null;
  return local - offset;
}

function parseUncached(text: string): number | null {
  const common = parseCommon(text);
  if (common !== undefined) return common;
  const match = RFC3339.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction = '', zone] = match;
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31) return null;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 60) return null;
  if (
    zone !== 'Z' &&
    zone !== 'z' &&
    (Number(zone!.slice(1, 3)) > 23 || Number(zone!.slice(4, 6)) > 59)
  )
    return null;
  // Date.parse takes at most milliseconds reliably; extra digits (Go writes nanoseconds) are dropped.
  const normalised = `${year}-${month}-${day}T${hour}:${minute}:${Math.min(Number(second), 59).toString().padStart(2, '0')}${fraction.slice(0, 4)}${zone!.toUpperCase()}`;
  const ms = Date.parse(normalised);
  if (Number.isNaN(ms)) return null;
  // Reject dates that Date.parse rolled over (2026-02-31 → March 3).
  const offsetMs =
    zone === 'Z' || zone === 'z'
      ? 0
      : (zone!.startsWith('-') ? -1 : 1) *
        (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(4, 6))) *
        60_000;
  if (new Date(ms + offsetMs).getUTCDate() !== Number(day)) return null;
  return ms;
}

export function isRfc3339(text: string): boolean {
  return parseInstant(text) !== null;
}

/** The instant of a stored time; unparseable stored values sort as the zero time rather than throwing. */
export function instant(text: string): number {
  return parseInstant(text) ?? ZERO_INSTANT;
}

/** `0001-01-01T00:00:00Z`; Date.UTC maps years 0..99 to 1900..1999, hence setUTCFullYear. */
export const ZERO_INSTANT = new Date(0).setUTCFullYear(1, 0, 1);

/** True for statusetat's `0001-01-01T00:00:00Z` and anything before 2000, which it treats as "not set". */
export function isZeroTime(text: string | undefined): boolean {
  if (!text) return true;
  return instant(text) < Date.UTC(2000, 0, 1);
}

/** Absent, or a valid time meaning "not set"; a malformed time is not unset, so validation can name it. */
export function isUnsetTime(text: string | undefined): boolean {
  return !text || (parseInstant(text) !== null && isZeroTime(text));
}

// One formatter per zone: building one costs far more than formatting, and pages ask often.
const offsetFormatters = new LruCache<string, Intl.DateTimeFormat>(1000);

/** Offset of a time zone at an instant, in minutes east of UTC. */
function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const format = offsetFormatters.getOrSet(
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }),
  );
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(ms))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  return Math.round((asUtc - (ms - (((ms % 1000) + 1000) % 1000))) / 60_000);
}

/** RFC3339 with milliseconds in the given IANA zone's offset, e.g. `2026-11-21T23:32:11.025+01:00`. */
export function formatInstant(ms: number, timeZone = 'UTC'): string {
  const offset = timeZone === 'UTC' || timeZone === 'Etc/UTC' ? 0 : zoneOffsetMinutes(ms, timeZone);
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, -1);
  if (offset === 0) return `${local}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Midnight of the day containing `ms` in a time zone, as an instant. */
export function startOfDay(ms: number, timeZone = 'UTC'): number {
  const offset = zoneOffsetMinutes(ms, timeZone) * 60_000;
  const local = new Date(ms + offset);
  const midnightLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  return midnightLocal - zoneOffsetMinutes(midnightLocal - offset, timeZone) * 60_000;
}

export const DAY_MS = 86_400_000;
