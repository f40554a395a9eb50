/**
 * A Notification in the shape of statusetat's plugin messages (notifier.proto), as plain objects
 * for @grpc/proto-loader loaded with `keepCase` (snake_case field names, enums as numbers).
 */
import type { Notification, NotificationIncident } from '../types.ts';

export interface ProtoTimestamp {
  seconds: string;
  nanos: number;
}

export interface LocalizedTime {
  time: ProtoTimestamp;
  location: string;
}

export interface ProtoIncident {
  guid: string;
  created_at: LocalizedTime;
  updated_at: LocalizedTime;
  state: number;
  component_state: number;
  components: { name: string; group: string }[];
  messages: { guid: string; created_at: LocalizedTime; title: string; content: string }[];
  metadata: Record<string, string>;
  is_scheduled: boolean;
  scheduled_end?: LocalizedTime;
  origin: string;
}

export interface ProtoNotifyRequest {
  incident: ProtoIncident;
  trigger_by_user: boolean;
  subscribers: string[];
}

/** google.protobuf.Value: protobufjs's built-in well-known types keep their camelCase names even with keepCase. */
export type ProtoValue =
  | { nullValue: 0 }
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { structValue: ProtoStruct }
  | { listValue: { values: ProtoValue[] } };

export interface ProtoStruct {
  fields: Record<string, ProtoValue>;
}

/**
 * Go's zero time.Time (0001-01-01 UTC) as a Timestamp: what statusetat sends for a time that is
 * not set, so a plugin's `IsZero()` check keeps working. 1970 would read as a real date.
 */
export const GO_ZERO_SECONDS = '-62135596800';

/** An ISO instant as a Timestamp; a missing or unparsable one is Go's zero time. */
export function timestamp(iso: string | undefined): ProtoTimestamp {
  const ms = iso === undefined || iso === '' ? NaN : Date.parse(iso);
  if (!Number.isFinite(ms)) return { seconds: GO_ZERO_SECONDS, nanos: 0 };
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

function localized(iso: string, location: string): LocalizedTime {
  return { time: timestamp(iso), location };
}

export function incidentToProto(incident: NotificationIncident, timeZone: string): ProtoIncident {
  return {
    guid: incident.guid,
    created_at: localized(incident.createdAt, timeZone),
    updated_at: localized(incident.updatedAt, timeZone),
    // statusetat's numbers are Staunch's: passed through, cancelled (4) included.
    state: incident.state,
    component_state: incident.componentState,
    components: incident.components.map(({ name, group }) => ({ name, group })),
    messages: incident.messages.map((message) => ({
      guid: message.guid,
      created_at: localized(message.createdAt, timeZone),
      title: message.title,
      content: message.content,
    })),
    metadata: { ...incident.metadata },
    is_scheduled: incident.isScheduled,
    // statusetat always sends one (Go's zero time when there is no end); so does this.
    scheduled_end: localized(incident.scheduledEnd ?? '', timeZone),
    origin: incident.origin,
  };
}

export function notifyRequest(
  notification: Notification,
  subscribers: readonly string[] = [],
): ProtoNotifyRequest {
  return {
    incident: incidentToProto(notification.incident, notification.page.timeZone),
    trigger_by_user: notification.triggeredByUser,
    subscribers: [...subscribers],
  };
}

/** The params passed to Init as a google.protobuf.Struct, the way Go's structpb.NewStruct builds it. */
export function toStruct(params: Record<string, unknown>): ProtoStruct {
  const fields: Record<string, ProtoValue> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) fields[key] = toValue(value);
  }
  return { fields };
}

function toValue(value: unknown): ProtoValue {
  if (value === null || value === undefined) return { nullValue: 0 };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'bigint') return { numberValue: Number(value) };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (value instanceof Date) return { stringValue: value.toISOString() };
  if (Array.isArray(value)) return { listValue: { values: value.map(toValue) } };
  if (typeof value === 'object') return { structValue: toStruct(value as Record<string, unknown>) };
  return { stringValue: String(value) };
}
