/**
 * The domain's notification hooks (src/domain/notify-hooks.ts) over the configured channels:
 * which event a change is, its message id, the pre-check, the outbox records.
 *
 * Message ids are deterministic where several instances may see the same event (the clock's
 * maintenance transitions, see ./scheduler.ts) and unique per change otherwise: a change is
 * written by one instance only, under the incident's lock.
 */
import type { Notification, NotificationEvent, Recipient } from '../../notifiers/types.ts';
import { fnv1a, hex32 } from '../../storage-drivers/hash.ts';
import { DomainError } from '../domain/errors.ts';
import type { DomainEvent, NotificationHooks } from '../domain/notify-hooks.ts';
import { maintenancePhase } from '../domain/status.ts';
import type { IncidentState } from '../domain/types.ts';
import { matchesFilter, type Channel } from './channels.ts';
import { notificationMutations } from './enqueue.ts';
import { toNotification, type NotificationSource } from './notification.ts';

export interface HookOptions {
  channels: readonly Channel[];
  source: NotificationSource;
  now: () => number;
  randomId?: () => string;
  /** The recipients of a per-recipient channel for this notification. */
  recipients: (channel: Channel, notification: Notification) => readonly Recipient[];
}

/** Message ids stay short whatever guid a client chose: they are part of every outbox id. */
const part = (text: string) => (text.length <= 40 ? text : hex32(fnv1a(text)));

interface Classified {
  event: NotificationEvent;
  suffix: string;
  state?: IncidentState;
}

function classify(event: DomainEvent, now: number, random: () => string): Classified {
  const { incident } = event;
  switch (event.type) {
    case 'created': {
      if (!incident.is_scheduled) return { event: 'incident.created', suffix: 'created' };
      const phase = maintenancePhase(incident, now);
      if (phase === 'scheduled') return { event: 'maintenance.scheduled', suffix: 'created' };
      if (phase === 'completed') return { event: 'maintenance.completed', suffix: 'created' };
      return { event: 'maintenance.started', suffix: 'created' };
    }
    case 'updated': {
      const suffix = `u.${part(event.messageGuid ?? random())}`;
      if (incident.state === 1 && event.previousState !== 1)
        return {
          event: incident.is_scheduled ? 'maintenance.completed' : 'incident.resolved',
          suffix,
        };
      return { event: 'incident.updated', suffix };
    }
    case 'deleted':
      return { event: 'deleted', suffix: 'deleted', state: 4 };
    case 'manual':
      return { event: 'manual', suffix: `m.${part(random())}` };
  }
}

export function createNotificationHooks(options: HookOptions): NotificationHooks {
  const random = options.randomId ?? (() => crypto.randomUUID());
  const notificationOf = (event: DomainEvent) => {
    const now = options.now();
    const kind = classify(event, now, random);
    return toNotification(options.source, {
      id: `${event.incident.guid}.${kind.suffix}`,
      event: kind.event,
      incident: event.incident,
      occurredAt: now,
      ...(kind.state !== undefined ? { state: kind.state } : {}),
    });
  };
  return {
    async preCheck(event) {
      const checkers = options.channels.filter(
        (c) => c.notifier.preCheck && matchesFilter(c.filter, componentsOf(options.source, event)),
      );
      if (checkers.length === 0) return;
      const notification = notificationOf(event);
      const refusals = await Promise.all(
        checkers.map((c) =>
          c.notifier.preCheck!(notification).then(
            () => undefined,
            (error: unknown) =>
              `${c.name}: ${error instanceof Error ? error.message : String(error)}`,
          ),
        ),
      );
      const refused = refusals.filter((r): r is string => r !== undefined);
      if (refused.length > 0)
        throw new DomainError('refused', `refused by the pre-check of ${refused.join('; ')}`);
    },
    mutations(event) {
      if (options.channels.length === 0) return [];
      const notification = notificationOf(event);
      return notificationMutations(
        options.channels,
        notification,
        (channel) => options.recipients(channel, notification),
        new Date(options.now()).toISOString(),
      );
    },
  };
}

function componentsOf(source: NotificationSource, event: DomainEvent) {
  const byId = new Map(source.settings.components.map((c) => [c.id, c]));
  return event.incident.components.map((id) => byId.get(id) ?? { name: id, group: '' });
}
