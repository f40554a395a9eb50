/**
 * An incident's fields after its creation. The `incident` record is written once, whole, when the
 * incident is created; every later change writes one `incident_field` record per field it changes
 * (and `updated_at`), so each field is last-writer-wins on its own: one writer setting the state
 * and another the components, on one instance or two, both keep their change.
 *
 * A field record counts only while the `incident` record is alive and only if its rev is above
 * that record's (a whole document written later, by a version before field records, wins over
 * them). A delete tombstones the incident record, so field records written by an instance that
 * had not seen the delete are orphans: never read, never shown.
 */
import type { Mutation, RecordStore } from '../replication/types.ts';
import type { Json, StoredRecord } from '../../storage-drivers/types.ts';
import { decodeIncident, KIND, type IncidentDocument } from './records.ts';

/** The fields a change may write; `guid` is the record id and `recorded_at` never changes. */
export const INCIDENT_FIELDS = [
  'created_at',
  'updated_at',
  'state',
  'component_state',
  'components',
  'metadata',
  'is_scheduled',
  'scheduled_end',
  'origin',
  'persistent',
] as const;
type IncidentField = (typeof INCIDENT_FIELDS)[number];

const KNOWN = new Set<string>(INCIDENT_FIELDS);

export const fieldRecordId = (incidentGuid: string, field: IncidentField) =>
  `${incidentGuid}/${field}`;

/** The field records that turn `before` into `after`: the fields that differ, and always `updated_at`. */
export function fieldMutations(before: IncidentDocument, after: IncidentDocument): Mutation[] {
  return INCIDENT_FIELDS.filter(
    (field) =>
      field === 'updated_at' || JSON.stringify(before[field]) !== JSON.stringify(after[field]),
  ).map((field) => ({
    kind: KIND.field,
    id: fieldRecordId(after.guid, field),
    body: { value: after[field] as unknown as Json },
  }));
}

/** Tombstones for every field record the store holds for the incident. */
export function deleteFieldMutations(
  store: Pick<RecordStore, 'get'>,
  incidentGuid: string,
): Mutation[] {
  return INCIDENT_FIELDS.filter((field) =>
    store.get(KIND.field, fieldRecordId(incidentGuid, field)),
  ).map((field) => ({
    kind: KIND.field,
    id: fieldRecordId(incidentGuid, field),
    deleted: true as const,
  }));
}

/** The incident guid a field record belongs to (ids are `<guid>/<field>`; a field name has no slash). */
export function fieldOwner(record: StoredRecord): string | undefined {
  const slash = record.id.lastIndexOf('/');
  return slash > 0 && KNOWN.has(record.id.slice(slash + 1)) ? record.id.slice(0, slash) : undefined;
}

const fieldValue = (record: StoredRecord): { value: unknown } | undefined => {
  const body = record.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'value' in body
    ? { value: body.value }
    : undefined;
};

/** The incident document: its `incident` record with the newer field records laid over it, decoded defensively. */
export function overlayIncident(
  base: StoredRecord,
  fields: readonly StoredRecord[],
): IncidentDocument | undefined {
  if (typeof base.body !== 'object' || base.body === null || Array.isArray(base.body))
    return decodeIncident(base);
  const body: Record<string, unknown> = { ...base.body };
  for (const record of fields) {
    const field = fieldValue(record);
    if (field && record.rev > base.rev && fieldOwner(record) === base.id)
      body[record.id.slice(base.id.length + 1)] = field.value;
  }
  return decodeIncident({ ...base, body: body as Json });
}

/** One incident's document as the store holds it now, or undefined when it does not exist (or was deleted). */
export function storedIncident(
  store: Pick<RecordStore, 'get'>,
  guid: string,
): IncidentDocument | undefined {
  const base = store.get(KIND.incident, guid);
  if (!base) return undefined;
  const fields = INCIDENT_FIELDS.flatMap(
    (field) => store.get(KIND.field, fieldRecordId(guid, field)) ?? [],
  );
  return overlayIncident(base, fields);
}
