/**
 * The domain's read model: components from the config and incidents assembled from the store's
 * merged view. Rebuilt only when the store's `version` changes, so every page, feed and API
 * request between two writes shares one assembly.
 */
import type { Config } from '../config/parse.ts';
import type { RecordStore } from '../replication/types.ts';
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { fieldOwner, overlayIncident } from './incident-fields.ts';
import {
  assembleIncident,
  decodeMessage,
  decodeOverride,
  decodeOverrideChange,
  KIND,
  type MessageDocument,
  type OverrideChange,
} from './records.ts';
import { instant } from './time.ts';
import { healthDaysFromRecords, type HealthDayLookup } from './uptime.ts';
import type { Component, ComponentGroup, ComponentOverride, Incident } from './types.ts';

/** The parts of the config the domain needs. */
export interface DomainSettings {
  components: Component[];
  groups: ComponentGroup[];
  /** statusetat's `disable_maintenance_to_incident`: an overrun maintenance completes instead of becoming an incident. */
  disableMaintenanceToIncident: boolean;
  /** Written into every incident's `origin`, as statusetat does. */
  baseUrl: string;
  /** IANA zone for server-generated times and day boundaries. */
  timeZone: string;
}

export interface DomainView {
  settings: DomainSettings;
  /** Every incident, maintenance and known issue, newest `created_at` first. */
  incidents: Incident[];
  byGuid: ReadonlyMap<string, Incident>;
  overrides: ReadonlyMap<string, ComponentOverride>;
  /** Every set and clear of each component's manual state, oldest first (see overrideHistory); none when absent. */
  overrideChanges?: ReadonlyMap<string, readonly OverrideChange[]>;
  /** The store version this view was built from: a cache key for anything derived from it. */
  version: number;
}

export const componentId = (group: string, name: string) => (group ? `${group} - ${name}` : name);

export function domainSettings(
  config: Pick<Config, 'components' | 'disable_maintenance_to_incident' | 'base_info'>,
): DomainSettings {
  const components = config.components.map((c, position) => ({
    id: componentId(c.group, c.name),
    name: c.name,
    description: c.description,
    group: c.group,
    position,
  }));
  const groups = new Map<string, ComponentGroup>();
  for (const component of components) {
    if (!component.group) continue;
    const group = groups.get(component.group) ?? {
      name: component.group,
      components: [],
      position: groups.size,
    };
    group.components.push(component.id);
    groups.set(component.group, group);
  }
  return {
    components,
    groups: [...groups.values()],
    disableMaintenanceToIncident: config.disable_maintenance_to_incident,
    baseUrl: config.base_info.base_url,
    timeZone: config.base_info.time_zone,
  };
}

/** Every incident from the store's records; field and update records of a missing or deleted incident are ignored. */
export function assembleIncidents(store: Pick<RecordStore, 'list'>): Incident[] {
  const fields = new Map<string, StoredRecord[]>();
  for (const record of store.list(KIND.field)) {
    const owner = fieldOwner(record);
    if (owner === undefined) continue;
    const list = fields.get(owner) ?? [];
    list.push(record);
    fields.set(owner, list);
  }
  const messages = new Map<string, MessageDocument[]>();
  for (const record of store.list(KIND.update)) {
    const message = decodeMessage(record);
    if (!message) continue;
    const list = messages.get(message.incident_guid) ?? [];
    list.push(message);
    messages.set(message.incident_guid, list);
  }
  const incidents: Incident[] = [];
  for (const record of store.list(KIND.incident)) {
    const doc = overlayIncident(record, fields.get(record.id) ?? []);
    if (!doc) continue;
    incidents.push(assembleIncident(doc, messages.get(doc.guid) ?? []));
  }
  // Each time parsed once, not at every comparison: the sort makes n log n of them.
  const at = new Map(incidents.map((incident) => [incident, instant(incident.created_at)]));
  return incidents.sort((a, b) => at.get(b)! - at.get(a)! || (a.guid < b.guid ? -1 : 1));
}

interface Assembled {
  version: number;
  incidents: Incident[];
  byGuid: ReadonlyMap<string, Incident>;
  overrides: ReadonlyMap<string, ComponentOverride>;
  overrideChanges: ReadonlyMap<string, readonly OverrideChange[]>;
  /** One view per settings object (the pages and the APIs each hold their own), sharing the assembly. */
  views: WeakMap<DomainSettings, DomainView>;
}

const cache = new WeakMap<RecordStore, Assembled>();

/**
 * Each component's override changes, oldest first. An override set before changes were recorded
 * has none: it counts from its `updated_at`, the latest moment it can have been set.
 */
export function overrideHistory(
  store: Pick<RecordStore, 'list'>,
  overrides: ReadonlyMap<string, ComponentOverride>,
): Map<string, OverrideChange[]> {
  const history = new Map<string, OverrideChange[]>();
  const add = (change: OverrideChange) => {
    const list = history.get(change.component) ?? [];
    list.push(change);
    history.set(change.component, list);
  };
  for (const record of store.list(KIND.componentChange)) {
    const change = decodeOverrideChange(record);
    if (change) add(change);
  }
  for (const list of history.values()) list.sort((a, b) => a.at - b.at);
  for (const override of overrides.values()) {
    const last = history.get(override.component)?.at(-1);
    if (!last || last.state !== override.state) {
      add({
        component: override.component,
        at: instant(override.updated_at),
        state: override.state,
      });
      history.get(override.component)!.sort((a, b) => a.at - b.at);
    }
  }
  return history;
}

function assemble(store: RecordStore): Assembled {
  const version = store.version;
  const incidents = assembleIncidents(store);
  const overrides = new Map<string, ComponentOverride>();
  for (const record of store.list(KIND.component)) {
    const override = decodeOverride(record);
    if (override) overrides.set(override.component, override);
  }
  return {
    version,
    incidents,
    byGuid: new Map(incidents.map((i) => [i.guid, i])),
    overrides,
    overrideChanges: overrideHistory(store, overrides),
    views: new WeakMap(),
  };
}

/** The read model of a store; objects in it are shared between callers and must not be mutated. */
export function domainView(store: RecordStore, settings: DomainSettings): DomainView {
  let assembled = cache.get(store);
  if (!assembled || assembled.version !== store.version) {
    assembled = assemble(store);
    cache.set(store, assembled);
  }
  let view = assembled.views.get(settings);
  if (!view) {
    view = {
      settings,
      incidents: assembled.incidents,
      byGuid: assembled.byGuid,
      overrides: assembled.overrides,
      overrideChanges: assembled.overrideChanges,
      version: assembled.version,
    };
    assembled.views.set(settings, view);
  }
  return view;
}

/**
 * One app's read model, built once by createApp and handed to the pages, the APIs and the feeds:
 * the settings every surface shares, and every read a route makes of the store's records.
 */
export interface ReadModel {
  settings: DomainSettings;
  /** The domain view of the store now; the same object until the store's version changes. */
  view(): DomainView;
  /** The revs of the audit log's entries: when each was written, the page's first data besides incidents. */
  auditRevs(): string[];
  /** The minutes cluster health recorded per component and day (`health_day` records), when there are any. */
  healthDays(now?: number): HealthDayLookup;
}

export function createReadModel(store: RecordStore, settings: DomainSettings): ReadModel {
  return {
    settings,
    view: () => domainView(store, settings),
    auditRevs: () => store.list(KIND.audit).map((r) => r.rev),
    healthDays: (now) => healthDaysFromRecords(store.list(KIND.healthDay), now),
  };
}
