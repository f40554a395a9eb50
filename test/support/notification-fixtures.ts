/**
 * The events a channel is asked to send, on one fixed clock: an incident from its first report to
 * its resolution, and a maintenance from scheduled to completed. Every time and id is fixed, so
 * the requests channels make from them can be snapshot-tested.
 */
import type {
  Notification,
  NotificationEvent,
  NotificationIncident,
  NotifierEnvironment,
} from '../../notifiers/types.ts';

export const FIXED_NOW = Date.parse('2026-03-02T10:30:00Z');

const page = {
  title: 'Acme Status',
  baseUrl: 'https://status.acme.test',
  timeZone: 'Europe/Paris',
};

const first = {
  guid: 'msg-1',
  title: 'database errors',
  content: 'We see **errors** on the API.',
  createdAt: '2026-03-02T09:00:00Z',
};
const second = {
  guid: 'msg-2',
  title: 'fix deployed',
  content: 'A fix is rolling out.',
  createdAt: '2026-03-02T09:40:00Z',
};
const third = {
  guid: 'msg-3',
  title: 'all good',
  content: 'Errors are gone.',
  createdAt: '2026-03-02T10:20:00Z',
};

function incident(overrides: Partial<NotificationIncident>): NotificationIncident {
  return {
    guid: 'inc-1',
    state: 0,
    stateText: 'Unresolved',
    status: 'investigating',
    componentState: 3,
    componentStateText: 'Partial Outage',
    components: [
      { name: 'api', group: 'core' },
      { name: 'dashboard', group: '' },
    ],
    messages: [first],
    createdAt: '2026-03-02T09:00:00Z',
    updatedAt: '2026-03-02T09:00:00Z',
    isScheduled: false,
    metadata: {},
    origin: page.baseUrl,
    url: `${page.baseUrl}/incidents/inc-1`,
    ...overrides,
  };
}

function notification(
  event: NotificationEvent,
  body: NotificationIncident,
  triggeredByUser = false,
): Notification {
  return {
    id: `${body.guid}.${event}`,
    event,
    triggeredByUser,
    incident: body,
    page,
    occurredAt: body.updatedAt,
  };
}

const maintenance = (overrides: Partial<NotificationIncident>) =>
  incident({
    guid: 'mnt-1',
    isScheduled: true,
    state: 3,
    stateText: 'Idle',
    status: 'scheduled',
    componentState: 1,
    componentStateText: 'Under Maintenance',
    components: [{ name: 'api', group: 'core' }],
    messages: [
      {
        guid: 'mmsg-1',
        title: 'database upgrade',
        content: 'PostgreSQL 17.',
        createdAt: '2026-03-02T08:00:00Z',
      },
    ],
    createdAt: '2026-03-03T22:00:00Z',
    updatedAt: '2026-03-02T08:00:00Z',
    scheduledEnd: '2026-03-04T00:30:00Z',
    url: `${page.baseUrl}/incidents/mnt-1`,
    ...overrides,
  });

/** One of each event, in the order they happen. */
export const EVENTS: Record<string, Notification> = {
  'incident.created': notification('incident.created', incident({})),
  'incident.updated': notification(
    'incident.updated',
    incident({
      state: 2,
      stateText: 'Monitoring',
      status: 'monitoring',
      messages: [first, second],
      updatedAt: second.createdAt,
    }),
  ),
  manual: notification(
    'manual',
    incident({
      state: 2,
      stateText: 'Monitoring',
      status: 'monitoring',
      messages: [first, second],
      updatedAt: second.createdAt,
    }),
    true,
  ),
  'incident.resolved': notification(
    'incident.resolved',
    incident({
      state: 1,
      stateText: 'Resolved',
      status: 'resolved',
      componentState: 0,
      componentStateText: 'Operational',
      messages: [first, second, third],
      updatedAt: third.createdAt,
    }),
  ),
  'maintenance.scheduled': notification('maintenance.scheduled', maintenance({})),
  'maintenance.started': notification(
    'maintenance.started',
    maintenance({
      state: 0,
      stateText: 'Unresolved',
      status: 'in_progress',
      updatedAt: '2026-03-03T22:00:00Z',
    }),
  ),
  'maintenance.completed': notification(
    'maintenance.completed',
    maintenance({
      state: 1,
      stateText: 'Resolved',
      status: 'completed',
      componentState: 0,
      componentStateText: 'Operational',
      updatedAt: '2026-03-04T00:10:00Z',
      messages: [
        {
          guid: 'mmsg-1',
          title: 'database upgrade',
          content: 'PostgreSQL 17.',
          createdAt: '2026-03-02T08:00:00Z',
        },
        {
          guid: 'mmsg-2',
          title: 'done',
          content: 'Upgrade finished early.',
          createdAt: '2026-03-04T00:10:00Z',
        },
      ],
    }),
  ),
};

export interface LogLine {
  level: 'info' | 'warn';
  details: object;
  message: string;
}

export function testEnvironment(logs: LogLine[] = []): NotifierEnvironment {
  return {
    fetch: (input, init) => fetch(input, init),
    now: () => FIXED_NOW,
    page,
    logger: {
      info: (details, message) => logs.push({ level: 'info', details, message }),
      warn: (details, message) => logs.push({ level: 'warn', details, message }),
    },
  };
}
