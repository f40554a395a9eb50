/**
 * A domain Incident as the channels see it (notifiers/types.ts): statusetat's state numbers and
 * texts, components with their groups, messages oldest first, the incident's page URL.
 */
import type {
  IncidentStateText,
  Notification,
  NotificationEvent,
  NotificationIncident,
} from '../../notifiers/types.ts';
import { CLUSTER_ORIGIN } from '../domain/notify-hooks.ts';
import type { DomainSettings } from '../domain/read-model.ts';
import { maintenancePhase } from '../domain/status.ts';
import { instant, isZeroTime } from '../domain/time.ts';
import {
  componentStateRow,
  incidentStateToStatuspage,
  type ComponentState,
  type Incident,
  type IncidentState,
} from '../domain/types.ts';

const STATE_TEXT: Record<IncidentState, IncidentStateText> = {
  0: 'Unresolved',
  1: 'Resolved',
  2: 'Monitoring',
  3: 'Idle',
  4: 'Cancelled',
};

export const stateText = (state: IncidentState): IncidentStateText => STATE_TEXT[state];

/** statusetat's component texts ("Under maintenance", "Major outage"): only the first letter is upper case. */
const componentText = (state: ComponentState) => {
  const text = componentStateRow(state).description.toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
};

export interface NotificationSource {
  settings: DomainSettings;
  page: Notification['page'];
}

export interface NotificationInput {
  id: string;
  event: NotificationEvent;
  incident: Incident;
  occurredAt: number;
  triggeredByUser?: boolean;
  /** The state the channels are shown, when the event implies one the record does not hold (a maintenance started by the clock). */
  state?: IncidentState;
}

const iso = (time: string) => new Date(instant(time)).toISOString();

export function toNotification(source: NotificationSource, input: NotificationInput): Notification {
  const { incident } = input;
  const state = input.state ?? incident.state;
  const byId = new Map(source.settings.components.map((c) => [c.id, c]));
  const base = source.page.baseUrl.replace(/\/+$/, '');
  const status = incident.is_scheduled
    ? input.state !== undefined
      ? incidentStateToStatuspage(state) === 'resolved'
        ? 'completed'
        : 'in_progress'
      : maintenancePhase({ ...incident, state }, input.occurredAt)
    : incidentStateToStatuspage(state);
  const shown: NotificationIncident = {
    guid: incident.guid,
    state,
    stateText: stateText(state),
    status: input.event === 'maintenance.scheduled' ? 'scheduled' : status,
    componentState: incident.component_state,
    componentStateText: componentText(incident.component_state),
    components: incident.components.map((id) => {
      const known = byId.get(id);
      return known ? { name: known.name, group: known.group } : { name: id, group: '' };
    }),
    messages: [...incident.messages].reverse().map((m) => ({
      guid: m.guid,
      title: m.title,
      content: m.content,
      createdAt: iso(m.created_at),
    })),
    createdAt: iso(incident.created_at),
    updatedAt: iso(incident.updated_at),
    ...(incident.is_scheduled && !isZeroTime(incident.scheduled_end)
      ? { scheduledEnd: iso(incident.scheduled_end) }
      : {}),
    isScheduled: incident.is_scheduled,
    metadata: Object.fromEntries(incident.metadata.map((m) => [m.key, m.value])),
    origin: incident.origin,
    // A cluster's silence is announced as an incident that is never stored: its notice is on the front page.
    url: incident.origin === CLUSTER_ORIGIN ? `${base}/` : `${base}/incidents/${incident.guid}`,
  };
  return {
    id: input.id,
    event: input.event,
    triggeredByUser:
      input.triggeredByUser ?? (input.event === 'manual' || input.event === 'deleted'),
    incident: shown,
    page: source.page,
    occurredAt: new Date(input.occurredAt).toISOString(),
  };
}
