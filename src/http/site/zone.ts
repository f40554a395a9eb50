/**
 * The visitor's time zone: the `timezone` query, else the signed `staunch_tz` cookie, else
 * `base_info.time_zone`. Unlike statusetat, an invalid name is never stored, never fails the
 * page (it falls back and says so), and nothing here redirects, so no URL can loop.
 */
import type { Context } from 'hono';
import { generateSignedCookie, getCookie, getSignedCookie } from 'hono/cookie';
import { resolvedTimeZone } from '../../config/time-zone.ts';
import { LruCache } from '../../domain/lru-cache.ts';

export const ZONE_COOKIE = 'staunch_tz';
const ZONE_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

/**
 * ICU (Node 20, workerd) still lists and resolves CLDR's old names for these zones; the IANA
 * database has renamed them. The picker shows the current names and both spellings are accepted.
 */
const RENAMED: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};
const renamedByLowerCase = new Map(
  Object.entries(RENAMED).map(([old, current]) => [old.toLowerCase(), current]),
);
const current = (zone: string) => renamedByLowerCase.get(zone.toLowerCase()) ?? zone;

const canonical = new LruCache<string, string | null>(5000);

/**
 * The zone's current IANA name, spelt as the picker lists it: `utc` → `UTC`, `Asia/Calcutta` →
 * `Asia/Kolkata`, `US/Eastern` → `America/New_York`; null when the runtime does not know the zone.
 */
export function canonicalZone(name: string | undefined | null): string | null {
  if (!name || name.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(name)) return null;
  const known = canonical.get(name);
  if (known !== undefined) return known;
  const resolved = resolvedTimeZone(name);
  const lower = current(name).toLowerCase();
  const result =
    resolved === null
      ? null
      : (allZones().find((z) => z.toLowerCase() === lower) ?? current(resolved));
  canonical.set(name, result);
  return result;
}

let zoneList: string[] | undefined;
/** Every zone the runtime knows, by its current name, for the picker: UTC first, then alphabetical. */
export function allZones(): readonly string[] {
  if (!zoneList) {
    const supported =
      (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ??
      [];
    zoneList = ['UTC', ...[...new Set(supported.map(current))].filter((z) => z !== 'UTC').sort()];
  }
  return zoneList;
}

export interface VisitorZone {
  zone: string;
  /** The visitor picked it (query or cookie); false for the site default. */
  chosen: boolean;
  /** A name from the query that is not a zone; shown in a notice. */
  invalid?: string;
  /** The cookie needs (re)writing with `zone`. */
  remember: boolean;
}

const verified = new LruCache<string, string | null>(2000);

async function cookieZone(c: Context, secret: string): Promise<string | null> {
  const raw = getCookie(c, ZONE_COOKIE);
  if (!raw) return null;
  const hit = verified.get(raw);
  if (hit !== undefined) return hit;
  const value = await getSignedCookie(c, secret, ZONE_COOKIE);
  const zone = typeof value === 'string' ? canonicalZone(value) : null;
  verified.set(raw, zone);
  return zone;
}

export async function visitorZone(
  c: Context,
  secret: string,
  fallback: string,
): Promise<VisitorZone> {
  const asked = c.req.query('timezone');
  const fromCookie = await cookieZone(c, secret);
  if (asked !== undefined && asked !== '') {
    const zone = canonicalZone(asked);
    if (zone) return { zone, chosen: true, remember: zone !== fromCookie };
    return {
      zone: fromCookie ?? fallback,
      chosen: true,
      invalid: asked.slice(0, 80),
      remember: false,
    };
  }
  if (fromCookie) return { zone: fromCookie, chosen: true, remember: false };
  return { zone: fallback, chosen: false, remember: false };
}

/** The `Set-Cookie` value that remembers a zone. */
export function zoneCookie(secret: string, zone: string, secure: boolean): Promise<string> {
  return generateSignedCookie(ZONE_COOKIE, zone, secret, {
    path: '/',
    maxAge: ZONE_COOKIE_MAX_AGE,
    httpOnly: true,
    sameSite: 'Lax',
    secure,
  });
}

/** True when cookies must carry `Secure`: the request came over https, directly or through a proxy, or the site is https. */
export function isSecureRequest(c: Context, baseUrl: string): boolean {
  return (
    new URL(c.req.url).protocol === 'https:' ||
    c.req.header('x-forwarded-proto') === 'https' ||
    baseUrl.startsWith('https:')
  );
}
