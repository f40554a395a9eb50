/**
 * FT aggregate-healthcheck's ConfigMaps, read as FT reads them so existing ones work unchanged:
 * categories (label `healthcheck-categories-for: aggregate-healthcheck`, keys `category.*`) and
 * acknowledgements (label `healthcheck-acknowledgements-for: aggregate-healthcheck`, data
 * service → message).
 */
import type { SnapshotAcknowledgement, SnapshotCategory } from '../cluster/snapshot-schema.ts';
import type { ConfigMapView } from './projections.ts';

export const CATEGORY_SELECTOR = 'healthcheck-categories-for=aggregate-healthcheck';
export const ACK_SELECTOR = 'healthcheck-acknowledgements-for=aggregate-healthcheck';
/** FT's default refresh rate, seconds. */
export const DEFAULT_REFRESH_SECONDS = 60;

/** Go's strconv.ParseBool, which FT uses; anything else is the default. */
function parseBool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return fallback;
}

function parsePositive(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^\d+$/.test(value.trim())) return fallback;
  const parsed = Number(value.trim());
  return parsed > 0 ? parsed : fallback;
}

/** One category per ConfigMap; without `category.name` it is not a category (FT skips it). */
export function parseCategory(map: ConfigMapView): SnapshotCategory | undefined {
  const data = map.data;
  const name = data['category.name'];
  if (!name) return undefined;
  return {
    name,
    // FT removes every space, then splits on commas; an empty value gives [""].
    services: (data['category.services'] ?? '').replace(/\s/g, '').split(','),
    refreshRate: parsePositive(data['category.refreshrate'], DEFAULT_REFRESH_SECONDS),
    isSticky: parseBool(data['category.issticky'], false),
    enabled: parseBool(data['category.enabled'], true),
    failureThreshold: parsePositive(data['category.failureThreshold'], 3),
  };
}

export function parseCategories(maps: ConfigMapView[]): SnapshotCategory[] {
  const byName = new Map<string, SnapshotCategory>();
  for (const map of maps) {
    const parsed = parseCategory(map);
    if (parsed) byName.set(parsed.name, parsed);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function parseAcknowledgements(maps: ConfigMapView[]): SnapshotAcknowledgement[] {
  const acks: SnapshotAcknowledgement[] = [];
  for (const map of maps) {
    for (const [service, message] of Object.entries(map.data)) {
      if (!message) continue;
      acks.push({
        ...(map.metadata.namespace ? { namespace: map.metadata.namespace } : {}),
        service,
        message: message.slice(0, 4096),
      });
    }
  }
  return acks;
}

/** Categories listing a service; `default` lists every service. */
export function categoriesOf(service: string, categories: SnapshotCategory[]): string[] {
  return categories
    .filter((category) => category.name === 'default' || category.services.includes(service))
    .map((category) => category.name);
}

/**
 * Seconds between probes of a service: the shortest refresh rate of the categories naming it,
 * else the `default` category's, else 60. (FT takes the first category in Go's map order, which
 * is random; the shortest is the same when there is one and stable when there are several.)
 */
export function refreshSecondsOf(service: string, categories: SnapshotCategory[]): number {
  const naming = categories.filter((category) => category.services.includes(service));
  if (naming.length) return Math.min(...naming.map((category) => category.refreshRate));
  return (
    categories.find((category) => category.name === 'default')?.refreshRate ??
    DEFAULT_REFRESH_SECONDS
  );
}
