/** Incidents and messages in statusetat's JSON field order and names. */
import type { Incident, Message } from '../../domain/types.ts';

export function v1Message(message: Message) {
  return {
    guid: message.guid,
    incident_guid: message.incident_guid,
    created_at: message.created_at,
    title: message.title,
    content: message.content,
  };
}

export function v1Incident(incident: Incident) {
  return {
    guid: incident.guid,
    created_at: incident.created_at,
    updated_at: incident.updated_at,
    state: incident.state,
    component_state: incident.component_state,
    components: incident.components,
    messages: incident.messages.map(v1Message),
    metadata: incident.metadata.map((m) => ({
      incident_guid: m.incident_guid,
      key: m.key,
      value: m.value,
    })),
    is_scheduled: incident.is_scheduled,
    scheduled_end: incident.scheduled_end,
    origin: incident.origin,
    persistent: incident.persistent,
  };
}
