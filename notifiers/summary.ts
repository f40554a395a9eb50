/**
 * One reading of a notification for the chat channels that statusetat did not have (Discord,
 * Teams, ntfy, Apprise): a heading, the newest message, a few facts and a colour, worded as
 * statusetat's Slack messages are, so every chat channel says the same thing in its own format.
 */
import { formatGoLayout } from './go-time.ts';
import { mainAndLast } from './template-data.ts';
import { title } from './template-funcs.ts';
import type { Notification } from './types.ts';

export type Tone = 'bad' | 'watch' | 'good' | 'planned';

export interface Summary {
  heading: string;
  text: string;
  facts: { name: string; value: string }[];
  tone: Tone;
  /** statusetat's Slack colours for the same states. */
  color: string;
  url: string;
}

const COLORS: Record<Tone, string> = {
  bad: '#ff5722',
  watch: '#2196F3',
  good: '#4CAF50',
  planned: '#888888',
};

function tone(notification: Notification): Tone {
  const state = notification.incident.stateText;
  if (state === 'Resolved' || state === 'Cancelled') return 'good';
  if (notification.incident.isScheduled) return 'planned';
  return state === 'Monitoring' ? 'watch' : 'bad';
}

export function componentsText(notification: Notification): string {
  return notification.incident.components
    .map((component) =>
      component.group ? `${component.group} - ${component.name}` : component.name,
    )
    .join(', ');
}

function when(iso: string, zone: string): string {
  return `${formatGoLayout(new Date(iso), '2006-01-02 15:04', zone)} ${zone}`;
}

export function summarize(notification: Notification): Summary {
  const { incident, page, event } = notification;
  const { main, last } = mainAndLast(notification);
  const facts: Summary['facts'] = [];
  let heading: string;
  if (incident.isScheduled) {
    const phase =
      event === 'maintenance.completed' || incident.stateText === 'Resolved'
        ? 'finished'
        : event === 'maintenance.started' || incident.stateText === 'Unresolved'
          ? 'started'
          : incident.stateText === 'Cancelled'
            ? 'cancelled'
            : 'scheduled';
    heading = `Maintenance ${phase}: ${title(main.title)}`;
    facts.push({ name: 'Components involved', value: componentsText(notification) });
    facts.push({ name: 'Scheduled at', value: when(incident.createdAt, page.timeZone) });
    if (incident.scheduledEnd)
      facts.push({ name: 'Finish at', value: when(incident.scheduledEnd, page.timeZone) });
  } else {
    heading = `${title(main.title)} - ${title(incident.stateText)}`;
    facts.push({ name: 'Impacted components', value: componentsText(notification) });
    facts.push({ name: 'Impact', value: incident.componentStateText });
    facts.push({ name: 'Trigger at', value: when(incident.createdAt, page.timeZone) });
    if (incident.stateText === 'Resolved')
      facts.push({ name: 'End at', value: when(incident.updatedAt, page.timeZone) });
  }
  const chosen = tone(notification);
  return {
    heading,
    text: last.content,
    facts,
    tone: chosen,
    color: COLORS[chosen],
    url: incident.url,
  };
}
