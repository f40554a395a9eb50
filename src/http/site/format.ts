/**
 * Dates, times and durations for people, in one time zone. Intl formatters are costly to build,
 * so they are built once per zone and kept.
 */
import { LruCache } from '../../domain/lru-cache.ts';

export interface TimeFormat {
  readonly zone: string;
  /** `30 Mar 2026, 14:05 CEST` */
  dateTime(ms: number): string;
  /** `30 Mar, 14:05 CEST` within the current year, with the year otherwise. */
  short(ms: number, now: number): string;
  /** `Mon 30 Mar 2026` */
  day(ms: number): string;
  /** `14:05` */
  time(ms: number): string;
  /** `March 2026` */
  month(ms: number): string;
  /** Zone abbreviation at that instant: `CEST`, `UTC`, `GMT+5:30`. */
  zoneName(ms: number): string;
  /** `YYYY-MM-DDTHH:mm` in the zone, for `<input type="datetime-local">`. */
  local(ms: number): string;
}

const cache = new LruCache<string, TimeFormat>(1000);

function parts(format: Intl.DateTimeFormat, ms: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of format.formatToParts(ms)) out[p.type] = p.value;
  return out;
}

export function timeFormat(zone: string): TimeFormat {
  const cached = cache.get(zone);
  if (cached) return cached;
  const full = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const noYear = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const month = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    month: 'long',
    year: 'numeric',
  });
  const year = new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric' });
  const zoneUs = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
  const zoneGb = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'short' });
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  // Zone abbreviations change only at DST transitions (on the hour, or the half hour): one lookup per zone and half hour.
  const names = new LruCache<number, string>(20_000);
  const zoneName = (ms: number) => {
    const slot = Math.floor(ms / 1_800_000);
    let name = names.get(slot);
    if (name === undefined) {
      const us = parts(zoneUs, ms).timeZoneName ?? '';
      if (!us.startsWith('GMT')) name = us;
      else {
        const gb = parts(zoneGb, ms).timeZoneName ?? us;
        name = gb === 'GMT' && zone !== 'Europe/London' && zone !== 'GMT' ? 'UTC' : gb;
      }
      names.set(slot, name);
    }
    return name;
  };
  // Pages show the same instants again every minute: remember their text, per minute shown.
  const shorts = new LruCache<string, string>(20_000);
  let yearHour = NaN;
  let yearText = '';
  const short = (ms: number, now: number) => {
    const hour = Math.floor(now / 3_600_000);
    if (hour !== yearHour) {
      yearHour = hour;
      yearText = year.format(now);
    }
    const key = `${Math.floor(ms / 60_000)}|${yearText}`;
    let text = shorts.get(key);
    if (text === undefined) {
      text =
        year.format(ms) === yearText
          ? `${noYear.format(ms).replace(' at ', ', ')} ${zoneName(ms)}`
          : `${full.format(ms).replace(' at ', ', ')} ${zoneName(ms)}`;
      shorts.set(key, text);
    }
    return text;
  };
  const f: TimeFormat = {
    zone,
    dateTime: (ms) => `${full.format(ms).replace(' at ', ', ')} ${zoneName(ms)}`,
    short,
    day: (ms) => day.format(ms).replace(',', ''),
    time: (ms) => time.format(ms),
    month: (ms) => month.format(ms),
    zoneName,
    local: (ms) => {
      const p = parts(local, ms);
      return `${p.year}-${p.month}-${p.day}T${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
    },
  };
  cache.set(zone, f);
  return f;
}

/** `2 h 15 min`, `3 days 4 h`, `45 s`. */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  const minutes = Math.round(abs / 60_000);
  if (abs < 60_000) return `${Math.max(0, Math.round(abs / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} days ${hours % 24} h` : `${days} days`;
}

/** Minutes as `1 h 12 min`, rounding to whole minutes (under half a minute reads `< 1 min`). */
export function minutes(value: number): string {
  if (value < 0.5) return '< 1 min';
  return duration(Math.round(value) * 60_000);
}

/** `3 hours ago`, `in 2 days`, `just now`. */
export function relative(ms: number, now: number): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  const units: Array<[number, string]> = [
    [365 * 86_400_000, 'year'],
    [30 * 86_400_000, 'month'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, name] of units) {
    if (abs >= size || name === 'minute') {
      const n = Math.max(1, Math.round(abs / size));
      const text = `${n} ${name}${n === 1 ? '' : 's'}`;
      return diff < 0 ? `${text} ago` : `in ${text}`;
    }
  }
  return '';
}

/** `99.95 %`, keeping two decimals but never rounding a downtime up to 100. */
export function percent(fraction: number | null): string {
  if (fraction === null) return '–';
  const floored = Math.floor(fraction * 10_000) / 100;
  return `${floored.toFixed(2)} %`;
}

/**
 * Parse `YYYY-MM-DDTHH:mm` (datetime-local) as a wall-clock time in a zone; null when invalid.
 * Times that do not exist or exist twice around a DST change resolve to one of the nearby instants.
 */
export function parseLocal(value: string, zone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s = '0'] = match;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  if (
    Number(s) > 59 ||
    Number.isNaN(asUtc) ||
    new Date(asUtc).getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59
  )
    return null;
  const f = timeFormat(zone);
  // Two passes of "guess the offset at the guess" converge for every real zone.
  let guess = asUtc;
  for (let i = 0; i < 3; i++) {
    const shown = f.local(guess);
    const shownUtc = Date.parse(`${shown}:00Z`);
    const delta = asUtc - shownUtc;
    if (delta === 0) break;
    guess += delta;
  }
  return guess + Number(s) * 1000;
}
