/**
 * Maintenance moves by the clock with nobody writing: it starts at `created_at` and completes at
 * `scheduled_end`. Every instance watches the clock, so each transition has a deterministic
 * message id (`<guid>.started.<start ms>`) and is enqueued by the one instance that wins the
 * claim `notify_claim/<id>/<generation>`; the winner writes the outbox records with the event's
 * marker in one write. A winner that dies before that write leaves an expired claim without a
 * marker, and the next generation is claimed by another instance.
 *
 * Only transitions that happened after the maintenance was recorded are the clock's (one created
 * already running was announced by its creation), and only those at most `catchUpMs` ago: an
 * instance starting after a long outage does not announce last week's maintenance.
 */
import type { Notification, Recipient } from '../../notifiers/types.ts';
import { assembleIncidents } from '../domain/read-model.ts';
import { announcedAt } from '../domain/timestamps.ts';
import { instant, isZeroTime } from '../domain/time.ts';
import { isOpenState, type Incident, type IncidentState } from '../domain/types.ts';
import type { Logger } from '../logger.ts';
import type { NotificationEvent } from '../../notifiers/types.ts';
import type { RecordStore } from '../replication/types.ts';
import type { Channel } from './channels.ts';
import { notificationMutations } from './enqueue.ts';
import { toNotification, type NotificationSource } from './notification.ts';
import { decodeClaim, OUTBOX_KIND } from './records.ts';
import { describeFailure } from './retry.ts';

export interface SchedulerOptions {
  store: RecordStore;
  channels: readonly Channel[];
  source: NotificationSource;
  recipients: (channel: Channel, notification: Notification) => readonly Recipient[];
  instance: string;
  now: () => number;
  logger: Logger;
  leaseMs: number;
  catchUpMs: number;
  /** 0: only when asked. */
  intervalMs: number;
}

export interface ClockTransition {
  id: string;
  event: NotificationEvent;
  incident: Incident;
  at: number;
  state: IncidentState;
}

/** The transitions the clock made for these incidents by `now`, within the catch-up window. */
export function clockTransitions(
  incidents: readonly Incident[],
  now: number,
  catchUpMs: number,
  disableMaintenanceToIncident: boolean,
): ClockTransition[] {
  const found: ClockTransition[] = [];
  for (const incident of incidents) {
    if (!incident.is_scheduled || incident.persistent || !isOpenState(incident.state)) continue;
    // When the record was written; older records without it: their announcement time.
    const recorded = incident.recorded_at ? instant(incident.recorded_at) : announcedAt(incident);
    const fresh = (at: number) => at <= now && now - at <= catchUpMs && recorded < at;
    const start = instant(incident.created_at);
    const end = isZeroTime(incident.scheduled_end) ? null : instant(incident.scheduled_end);
    // A start nobody announced before the end passed is stale: only the end is.
    if (fresh(start) && (end === null || end > now))
      found.push({
        id: `${incident.guid}.started.${start}`,
        event: 'maintenance.started',
        incident,
        at: start,
        state: 0,
      });
    if (end !== null && fresh(end)) {
      // An overrun maintenance still open is shown as an incident (statusetat), unless configured not to be.
      found.push(
        disableMaintenanceToIncident || incident.state === 3
          ? {
              id: `${incident.guid}.completed.${end}`,
              event: 'maintenance.completed',
              incident,
              at: end,
              state: 1,
            }
          : {
              id: `${incident.guid}.overran.${end}`,
              event: 'incident.created',
              incident: { ...incident, is_scheduled: false },
              at: end,
              state: incident.state,
            },
      );
    }
  }
  return found;
}

export interface Scheduler {
  start(): void;
  stop(): Promise<void>;
  runOnce(): Promise<number>;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  /** True when this instance enqueued it now. */
  async function enqueueOnce(transition: ClockTransition): Promise<boolean> {
    for (let generation = 0; generation < 16; generation++) {
      if (store.get(OUTBOX_KIND.event, transition.id)) return false;
      const now = options.now();
      const claimId = `${transition.id}/${generation}`;
      const held = decodeClaim(store.get(OUTBOX_KIND.eventClaim, claimId));
      if (held && held.expiresAt > now) return false;
      if (held) continue;
      const won = await store.claim(OUTBOX_KIND.eventClaim, claimId, {
        instance: options.instance,
        expiresAt: now + options.leaseMs,
        at: new Date(now).toISOString(),
      });
      if (!won) return false;
      const notification = toNotification(options.source, {
        id: transition.id,
        event: transition.event,
        incident: transition.incident,
        occurredAt: transition.at,
        state: transition.state,
      });
      await store.write(
        notificationMutations(
          options.channels,
          notification,
          (channel) => options.recipients(channel, notification),
          new Date(now).toISOString(),
        ),
      );
      return true;
    }
    return false;
  }

  async function pass(): Promise<number> {
    if (options.channels.length === 0) return 0;
    const transitions = clockTransitions(
      assembleIncidents(store),
      options.now(),
      options.catchUpMs,
      options.source.settings.disableMaintenanceToIncident,
    );
    let enqueued = 0;
    for (const transition of transitions) {
      try {
        if (await enqueueOnce(transition)) enqueued++;
      } catch (error) {
        options.logger.warn(
          { event: transition.id, err: describeFailure(error) },
          'could not enqueue a maintenance transition; the next pass tries again',
        );
      }
    }
    return enqueued;
  }

  const runOnce = () => (running ??= pass().finally(() => (running = undefined)));

  function schedule(): void {
    if (stopped || options.intervalMs <= 0) return;
    timer = setTimeout(() => void runOnce().finally(schedule), options.intervalMs);
    (timer as { unref?: () => void }).unref?.();
  }

  return {
    start() {
      if (options.channels.length > 0) schedule();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
    runOnce,
  };
}
