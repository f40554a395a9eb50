/**
 * How the domain maps onto records.
 *
 * An incident is stored as one `incident` record (id = guid) holding everything but its messages
 * as it was created, one `incident_field` record per field changed since (id = `<guid>/<field>`,
 * see ./incident-fields.ts), and one `incident_update` record per message (id =
 * `<incidentGuid>/<messageGuid>`). Conflicts are resolved per record by the highest rev, so a
 * whole-document record would let two concurrent writers each overwrite the other's change.
 * Separate records make concurrent changes merge: both messages survive, and two changes of
 * different fields both stay; two changes of one field converge on the last writer everywhere.
 * The incident exists only while its `incident` record is alive: field and update records whose
 * incident is missing or deleted are ignored, so an update that did not see a delete cannot
 * bring the incident back.
 */
import type { Mutation } from '../replication/types.ts';
import type { Json, StoredRecord } from '../../storage-drivers/types.ts';
import { instant, isZeroTime } from './time.ts';
import {
  isComponentState,
  isIncidentState,
  type AuditEntry,
  type ComponentOverride,
  type ComponentState,
  type Incident,
  type Message,
  type MetadataEntry,
  type Subscriber,
} from './types.ts';

export const KIND = {
  incident: 'incident',
  update: 'incident_update',
  /** One record per incident field changed after creation, id `<guid>/<field>`, body `{ value }`. */
  field: 'incident_field',
  component: 'component',
  /** One record per set or clear of a manual component state, id `<component>/<uuid>`: the override's history. */
  componentChange: 'component_change',
  subscriber: 'subscriber',
  audit: 'audit',
  /** Minutes cluster health recorded per component and local day (see healthDaysFromRecords). */
  healthDay: 'health_day',
} as const;

/** What the `incident` record holds, with its `incident_field` records laid over it. */
export type IncidentDocument = Omit<Incident, 'messages'>;

/** What an `incident_update` record holds: the message plus its position among messages posted together. */
export interface MessageDocument extends Message {
  /** Orders messages with equal `created_at` (several posted in one request): lower comes first in the list, as sent. */
  position: number;
  /**
   * When this message was last written. Adding or editing a message touches only its own record,
   * so the incident's `updated_at` is the latest of its document's and its messages'.
   */
  updated_at: string;
}

/** Record ids are at most 200 characters; an incident guid is 36, so message guids get the rest. */
export const MAX_MESSAGE_GUID_LENGTH = 160;

export const updateRecordId = (incidentGuid: string, messageGuid: string) =>
  `${incidentGuid}/${messageGuid}`;

export function incidentMutation(doc: IncidentDocument): Mutation {
  return { kind: KIND.incident, id: doc.guid, body: doc as unknown as Json };
}

export function messageMutation(message: MessageDocument): Mutation {
  return {
    kind: KIND.update,
    id: updateRecordId(message.incident_guid, message.guid),
    body: message as unknown as Json,
  };
}

export function deleteMessageMutation(incidentGuid: string, messageGuid: string): Mutation {
  return { kind: KIND.update, id: updateRecordId(incidentGuid, messageGuid), deleted: true };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown, fallback = ''): string =>
  typeof value === 'string' ? value : fallback;

/** Read an incident record defensively: data written by another version or by hand must not break the page. */
export function decodeIncident(record: StoredRecord): IncidentDocument | undefined {
  const body = record.body;
  if (!isObject(body)) return undefined;
  const metadata: MetadataEntry[] = Array.isArray(body.metadata)
    ? (body.metadata as unknown[])
        .filter(isObject)
        .map((m) => ({ incident_guid: record.id, key: str(m.key), value: str(m.value) }))
    : [];
  return {
    guid: record.id,
    created_at: str(body.created_at),
    updated_at: str(body.updated_at, str(body.created_at)),
    state: isIncidentState(body.state) ? body.state : 0,
    component_state: isComponentState(body.component_state) ? body.component_state : 0,
    components: Array.isArray(body.components)
      ? body.components.filter((c): c is string => typeof c === 'string')
      : [],
    metadata,
    is_scheduled: body.is_scheduled === true,
    scheduled_end: str(body.scheduled_end, '0001-01-01T00:00:00Z'),
    origin: str(body.origin),
    persistent: body.persistent === true,
    ...(typeof body.recorded_at === 'string' && { recorded_at: body.recorded_at }),
  };
}

export function decodeMessage(record: StoredRecord): MessageDocument | undefined {
  const body = record.body;
  const slash = record.id.indexOf('/');
  if (!isObject(body) || slash < 0) return undefined;
  const message: MessageDocument = {
    guid: record.id.slice(slash + 1),
    incident_guid: record.id.slice(0, slash),
    created_at: str(body.created_at),
    title: str(body.title),
    content: str(body.content),
    position: typeof body.position === 'number' ? body.position : 0,
    updated_at: str(body.updated_at, str(body.created_at)),
  };
  if (isIncidentState(body.incident_state)) message.incident_state = body.incident_state;
  if (isComponentState(body.component_state)) message.component_state = body.component_state;
  return message;
}

/** Newest first; messages posted together keep the order they were sent in. */
export function compareMessages(a: MessageDocument, b: MessageDocument): number {
  return (
    instant(b.created_at) - instant(a.created_at) ||
    a.position - b.position ||
    (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0)
  );
}

/** An incident from its documents: messages newest first, `updated_at` the latest of the document's and the messages'. */
export function assembleIncident(
  doc: IncidentDocument,
  messages: readonly MessageDocument[],
): Incident {
  const sorted = [...messages].sort(compareMessages);
  const updatedAt = sorted.reduce(
    (latest, m) => (instant(m.updated_at) > instant(latest) ? m.updated_at : latest),
    doc.updated_at,
  );
  return { ...doc, updated_at: updatedAt, messages: sorted.map(toMessage) };
}

/** The message as the APIs show it, without storage-only fields. */
export function toMessage({
  position: _position,
  updated_at: _updatedAt,
  ...message
}: MessageDocument): Message {
  return message;
}

export function decodeOverride(record: StoredRecord): ComponentOverride | undefined {
  const body = record.body;
  if (!isObject(body) || !isComponentState(body.state)) return undefined;
  return {
    component: record.id,
    state: body.state,
    note: str(body.note),
    updated_at: str(body.updated_at),
    updated_by: str(body.updated_by),
  };
}

/** One set (a state) or clear (null) of a component's manual state, at an instant. */
export interface OverrideChange {
  component: string;
  at: number;
  state: ComponentState | null;
}

export function overrideChangeMutation(id: string, change: OverrideChange, at: string): Mutation {
  return {
    kind: KIND.componentChange,
    id: `${change.component}/${id}`,
    body: { component: change.component, at, state: change.state },
  };
}

export function decodeOverrideChange(record: StoredRecord): OverrideChange | undefined {
  const body = record.body;
  if (
    !isObject(body) ||
    typeof body.component !== 'string' ||
    !(body.state === null || isComponentState(body.state))
  )
    return undefined;
  const at = str(body.at);
  return isZeroTime(at)
    ? undefined
    : { component: body.component, at: instant(at), state: body.state };
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/**
 * A record without `state` is confirmed and one without `kind` is an email subscriber with every
 * notice: that is what statusetat's subscribers and those of earlier Staunch versions were (they
 * had no confirmation step and no scope), and they keep receiving what they signed up for.
 */
export function decodeSubscriber(record: StoredRecord): Subscriber | undefined {
  const body = record.body;
  if (!isObject(body)) return undefined;
  const kind = body.kind === 'webhook' ? 'webhook' : 'email';
  const display = kind === 'webhook' ? str(body.address) : str(body.email, record.id);
  if (!display) return undefined;
  const scope = isObject(body.scope) ? body.scope : {};
  const subscriber: Subscriber = {
    id: record.id,
    kind,
    address: kind === 'webhook' ? display : str(body.address, record.id),
    display,
    state: body.state === 'pending' ? 'pending' : 'confirmed',
    scope: { components: strings(scope.components), groups: strings(scope.groups) },
    created_at: str(body.created_at),
    nonce: str(body.nonce),
  };
  if (subscriber.state === 'pending') subscriber.expires_at = str(body.expires_at);
  if (typeof body.confirmed_at === 'string') subscriber.confirmed_at = body.confirmed_at;
  return subscriber;
}

/** The record of a subscriber: statusetat's `email` field (as given) for email, so older readers still see the address. */
export function subscriberMutation(subscriber: Subscriber): Mutation {
  const { id, kind, display, address, ...rest } = subscriber;
  const body =
    kind === 'webhook' ? { kind, address, ...rest } : { email: display, address, ...rest };
  return { kind: KIND.subscriber, id, body: body as unknown as Json };
}

export function decodeAudit(record: StoredRecord): AuditEntry | undefined {
  const body = record.body;
  if (!isObject(body) || !isObject(body.actor) || !isObject(body.target)) return undefined;
  const type =
    body.actor.type === 'token' || body.actor.type === 'system' || body.actor.type === 'public'
      ? body.actor.type
      : 'user';
  return {
    id: record.id,
    at: str(body.at),
    actor: { type, name: str(body.actor.name) },
    action: str(body.action),
    target: { kind: str(body.target.kind), id: str(body.target.id) },
    summary: str(body.summary),
  };
}
