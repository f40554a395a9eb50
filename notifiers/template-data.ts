/**
 * The data statusetat's mail templates see, shaped like its Go structs so that templates written
 * for statusetat run unchanged: `.Incident` is a models.Incident (times as time.Time, `State` and
 * `ComponentState` as numbers, `Messages` newest first as statusetat stores them, the methods
 * `MainMessage`, `LastMessage`, `UpdateMessages` and `Components.Inline`), beside `.TitleSite`,
 * `.IncidentTitle`, `.Link` and `.Content`. Staunch adds `.UnsubscribeLink`, `.ManageLink`,
 * `.Event` and `.Status` (Statuspage's word for the state).
 */
import { GO_TYPE } from './go-template-exec.ts';
import { GoTime } from './go-time.ts';
import type { Notification, NotificationMessage, Recipient } from './types.ts';

/** statusetat's IncidentState numbers (0 unresolved, 1 resolved, 2 monitoring, 3 idle, 4 cancelled). */
export const RESOLVED = 1;
export const UNRESOLVED = 0;
export const MONITORING = 2;
export const IDLE = 3;

function goMessage(message: NotificationMessage, zone: string) {
  return {
    [GO_TYPE]: 'models.Message',
    GUID: message.guid,
    Title: message.title,
    Content: message.content,
    CreatedAt: new GoTime(new Date(message.createdAt), zone),
  };
}

export function goIncident(notification: Notification) {
  const { incident } = notification;
  const zone = notification.page.timeZone;
  // statusetat keeps messages newest first; its "main" message is the last element.
  const messages = [...incident.messages].reverse().map((message) => goMessage(message, zone));
  const components = incident.components.map((component) => ({
    [GO_TYPE]: 'config.Component',
    Name: component.name,
    Group: component.group,
    String: () => (component.group ? `${component.group} - ${component.name}` : component.name),
  }));
  const inline = components.map((component) => component.String());
  const list = Object.assign(components, { Inline: () => inline });
  const empty = goMessage(
    { guid: '', title: '', content: '', createdAt: incident.createdAt },
    zone,
  );
  return {
    [GO_TYPE]: 'models.Incident',
    GUID: incident.guid,
    CreatedAt: new GoTime(new Date(incident.createdAt), zone),
    UpdatedAt: new GoTime(new Date(incident.updatedAt), zone),
    ScheduledEnd: new GoTime(new Date(incident.scheduledEnd ?? '0001-01-01T00:00:00Z'), zone),
    State: incident.state,
    ComponentState: incident.componentState,
    Components: list,
    Messages: messages,
    Metadata: Object.entries(incident.metadata).map(([key, value]) => ({
      [GO_TYPE]: 'models.Metadata',
      Key: key,
      Value: value,
      IncidentGUID: incident.guid,
    })),
    IsScheduled: incident.isScheduled,
    Origin: incident.origin,
    Persistent: false,
    MainMessage: () => messages.at(-1) ?? empty,
    LastMessage: () => messages[0] ?? empty,
    UpdateMessages: () => messages.slice(0, -1),
  };
}

/** statusetat's main message (the first posted) and, once resolved, the last one for the content. */
export function mainAndLast(notification: Notification): {
  main: NotificationMessage;
  last: NotificationMessage;
} {
  const messages = notification.incident.messages;
  const empty = { guid: '', title: '', content: '', createdAt: notification.incident.createdAt };
  return { main: messages[0] ?? empty, last: messages.at(-1) ?? empty };
}

export function isResolved(notification: Notification): boolean {
  return notification.incident.stateText === 'Resolved';
}

/** statusetat's common skip rule: an incident with updates is announced again only once resolved. */
export function isIntermediateUpdate(notification: Notification): boolean {
  return notification.incident.messages.length > 1 && !isResolved(notification);
}

export function mailTemplateData(notification: Notification, recipient?: Recipient) {
  const { main, last } = mainAndLast(notification);
  return {
    [GO_TYPE]: 'struct',
    Incident: goIncident(notification),
    TitleSite: notification.page.title,
    IncidentTitle: main.title,
    Link: notification.incident.url,
    Content: isResolved(notification) ? last.content : main.content,
    UnsubscribeLink: recipient?.unsubscribeUrl ?? '',
    ManageLink: recipient?.manageUrl ?? '',
    Event: notification.event,
    Status: notification.incident.status,
  };
}
