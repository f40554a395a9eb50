/**
 * A Notification and a NotifierEnvironment for the plugin channel's tests: a fixed incident whose
 * first title and state a test can change, a clock the test advances, and a logger that keeps its lines.
 */
import type { Notification, NotifierEnvironment } from '../../notifiers/types.ts';

export function notification(
  overrides: {
    title?: string;
    state?: number;
    stateText?: Notification['incident']['stateText'];
  } = {},
): Notification {
  return {
    id: 'inc-1.incident.created.m1',
    event: 'incident.created',
    triggeredByUser: false,
    occurredAt: '2026-03-29T00:30:00.000Z',
    page: {
      title: 'Example status',
      baseUrl: 'https://status.example.com',
      timeZone: 'Europe/Paris',
    },
    incident: {
      guid: 'inc-1',
      state: overrides.state ?? 0,
      stateText: overrides.stateText ?? 'Unresolved',
      status: 'investigating',
      componentState: 3,
      componentStateText: 'Partial outage',
      components: [
        { name: 'api', group: 'core' },
        { name: 'web', group: '' },
      ],
      messages: [
        {
          guid: 'm1',
          title: overrides.title ?? 'Errors on the API',
          content: 'We are **investigating**.',
          createdAt: '2026-03-29T00:30:00.000Z',
        },
      ],
      createdAt: '2026-03-29T00:30:00.000Z',
      updatedAt: '2026-03-29T01:15:00.250Z',
      isScheduled: false,
      metadata: { ticket: 'OPS-42' },
      origin: 'staunch-test',
      url: 'https://status.example.com/incidents/inc-1',
    },
  };
}

export interface LogLine {
  level: 'info' | 'warn';
  details: object;
  message: string;
}

export function testEnvironment(
  start = Date.parse('2026-03-29T02:00:00Z'),
): NotifierEnvironment & { lines: LogLine[]; advance(ms: number): void } {
  let now = start;
  const lines: LogLine[] = [];
  return {
    fetch: () => Promise.reject(new Error('no network in plugin tests')),
    now: () => now,
    advance: (ms) => (now += ms),
    page: {
      title: 'Example status',
      baseUrl: 'https://status.example.com',
      timeZone: 'Europe/Paris',
      support: 'https://help.example.com',
      contact: 'https://chat.example.com/ops',
    },
    lines,
    logger: {
      info: (details, message) => lines.push({ level: 'info', details, message }),
      warn: (details, message) => lines.push({ level: 'warn', details, message }),
    },
  };
}
