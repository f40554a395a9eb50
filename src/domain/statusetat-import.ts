/**
 * A statusetat store's content as Staunch records: each incident (persistent ones included) under
 * its own guid, with its times exactly as statusetat answers them, each message under its guid, and
 * each subscriber as a confirmed email subscriber. Pure: the readers of each statusetat format live
 * in the runtime; this only maps and compares, so a rerun writes only what changed in statusetat.
 */
import type { Mutation } from '../replication/types.ts';
import {
  decodeIncident,
  decodeMessage,
  incidentMutation,
  messageMutation,
  type IncidentDocument,
  type MessageDocument,
  KIND,
  updateRecordId,
} from './records.ts';
import { isComponentState, isIncidentState, ZERO_TIME } from './types.ts';
import type { RecordStore } from '../replication/types.ts';

/** An incident as statusetat's API and its file and S3 stores spell it (times in RFC 3339). */
export interface StatusetatIncident {
  guid: string;
  created_at: string;
  updated_at: string;
  state: number;
  component_state: number;
  components: string[] | null;
  messages: Array<{
    guid: string;
    incident_guid?: string;
    created_at: string;
    title: string;
    content: string;
  }> | null;
  metadata: Array<{ key: string; value: string }> | null;
  is_scheduled: boolean;
  scheduled_end: string;
  origin: string;
  persistent?: boolean;
}

export interface StatusetatContent {
  incidents: StatusetatIncident[];
  subscribers: string[];
}

export interface IncidentImportPlan {
  mutations: Mutation[];
  /** Per incident: new, changed or unchanged. */
  created: number;
  changed: number;
  unchanged: number;
  messages: number;
  /** Why an incident was left out (no guid, a guid Staunch cannot use as an id). */
  skipped: Array<{ guid: string; problem: string }>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Order-insensitive for object keys, so a record read back compares equal to the one written. */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameJson(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    const other = Object.keys(b).filter((k) => b[k] !== undefined);
    return keys.length === other.length && keys.every((k) => sameJson(a[k], b[k]));
  }
  return a === b;
}

export function incidentDocument(incident: StatusetatIncident): IncidentDocument {
  return {
    guid: incident.guid,
    created_at: incident.created_at,
    updated_at: incident.updated_at || incident.created_at,
    state: isIncidentState(incident.state) ? incident.state : 0,
    component_state: isComponentState(incident.component_state) ? incident.component_state : 0,
    components: (incident.components ?? []).filter((c) => typeof c === 'string'),
    metadata: (incident.metadata ?? []).map((m) => ({
      incident_guid: incident.guid,
      key: String(m.key),
      value: String(m.value),
    })),
    is_scheduled: incident.is_scheduled === true,
    scheduled_end: incident.scheduled_end || ZERO_TIME,
    origin: incident.origin ?? '',
    persistent: incident.persistent === true,
  };
}

/**
 * Messages keep the order statusetat holds them in (`position`), which is the order its API
 * answers with when several share a `created_at`.
 */
export function messageDocuments(incident: StatusetatIncident): MessageDocument[] {
  return (incident.messages ?? []).map((m, position) => ({
    guid: m.guid,
    incident_guid: incident.guid,
    created_at: m.created_at,
    title: m.title ?? '',
    content: m.content ?? '',
    position,
    updated_at: m.created_at,
  }));
}

function guidProblem(guid: unknown): string | null {
  if (typeof guid !== 'string' || guid === '') return 'no guid';
  if (guid.includes('/')) return 'a guid with "/" cannot be a record id';
  if (guid.length > 36 + 4) return 'longer than a UUID';
  return null;
}

/**
 * What to write so the store holds `incidents` as statusetat does: records whose content differs
 * from what the view holds (a rerun after no change in statusetat writes nothing). A field
 * changed since in Staunch (an `incident_field` record) is replaced by statusetat's value too,
 * because until the cut-over statusetat is the source.
 */
export function planIncidentImport(
  store: Pick<RecordStore, 'get' | 'list'>,
  incidents: readonly StatusetatIncident[],
): IncidentImportPlan {
  const plan: IncidentImportPlan = {
    mutations: [],
    created: 0,
    changed: 0,
    unchanged: 0,
    messages: 0,
    skipped: [],
  };
  const fieldsOf = new Map<string, string[]>();
  for (const field of store.list(KIND.field)) {
    const guid = field.id.slice(0, field.id.indexOf('/'));
    fieldsOf.set(guid, [...(fieldsOf.get(guid) ?? []), field.id]);
  }
  for (const incident of incidents) {
    const problem = guidProblem(incident.guid);
    if (problem) {
      plan.skipped.push({ guid: String(incident.guid), problem });
      continue;
    }
    const doc = incidentDocument(incident);
    const held = store.get(KIND.incident, doc.guid);
    const heldDoc = held ? decodeIncident(held) : undefined;
    const fields = fieldsOf.get(doc.guid) ?? [];
    let changed = !heldDoc || !sameJson(held!.body, doc) || fields.length > 0;
    const mutations: Mutation[] = [];
    if (changed) {
      mutations.push(incidentMutation(doc));
      for (const id of fields) mutations.push({ kind: KIND.field, id, deleted: true });
    }
    for (const message of messageDocuments(incident)) {
      if (typeof message.guid !== 'string' || message.guid === '') continue;
      plan.messages++;
      const heldMessage = store.get(KIND.update, updateRecordId(doc.guid, message.guid));
      if (heldMessage && decodeMessage(heldMessage) && sameJson(heldMessage.body, message))
        continue;
      mutations.push(messageMutation(message));
      changed = true;
    }
    if (!heldDoc) plan.created++;
    else if (changed) plan.changed++;
    else plan.unchanged++;
    plan.mutations.push(...mutations);
  }
  return plan;
}

/** statusetat's times as RFC 3339 the way Go prints them: `T`, fraction without trailing zeros, `Z` for UTC. */
export function goTime(text: string): string {
  const match =
    /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
      text.trim(),
    );
  if (!match) return text;
  const [, date, time, fraction, zone] = match;
  const digits = (fraction ?? '').replace(/0+$/, '');
  let offset = (zone ?? 'Z').toUpperCase();
  if (offset !== 'Z') {
    const [, sign, hours, minutes] = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset)!;
    offset = `${sign}${hours}:${minutes ?? '00'}`;
    if (offset === '+00:00' || offset === '-00:00') offset = 'Z';
  }
  return `${date}T${time}${digits ? `.${digits}` : ''}${offset}`;
}
