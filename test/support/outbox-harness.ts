/**
 * One simulated app instance's outbox over a test store: the domain context with the outbox's
 * hooks, a dispatcher and a scheduler with their timers off, all on a clock the test moves.
 */
import type { DomainContext } from '../../src/domain/context.ts';
import { domainSettings } from '../../src/domain/read-model.ts';
import { silentLogger } from '../../src/logger.ts';
import type { Channel } from '../../src/notify/channels.ts';
import { createDispatcher, type Dispatcher } from '../../src/notify/dispatcher.ts';
import { createNotificationHooks } from '../../src/notify/hooks.ts';
import type { NotificationSource } from '../../src/notify/notification.ts';
import { decodeOutbox, OUTBOX_KIND, type OutboxRecord } from '../../src/notify/records.ts';
import { storeRecipients } from '../../src/notify/recipients.ts';
import { createScheduler, type Scheduler } from '../../src/notify/scheduler.ts';
import type { RecordStore } from '../../src/replication/types.ts';
import { testConfig, testContext, type TestClock } from './domain-fixtures.ts';

export const LEASE_MS = 60_000;
export const RETRY = { baseMs: 10_000, maxMs: 3_600_000, retryForMs: 86_400_000 };

export interface OutboxInstance {
  ctx: DomainContext;
  dispatcher: Dispatcher;
  scheduler: Scheduler;
  entries(): OutboxRecord[];
}

export function outboxInstance(
  store: RecordStore,
  channels: readonly Channel[],
  clock: TestClock,
  instance = 'a',
  config = testConfig(),
  extra: Partial<Parameters<typeof createDispatcher>[0]> = {},
): OutboxInstance {
  const now = () => clock.now;
  const source: NotificationSource = {
    settings: domainSettings(config),
    page: {
      title: config.base_info.title,
      baseUrl: config.base_info.base_url,
      timeZone: config.base_info.time_zone,
    },
  };
  const recipients: Parameters<typeof createNotificationHooks>[0]['recipients'] = (c, n) =>
    storeRecipients(store, c, n);
  return {
    ctx: {
      ...testContext(store, config, now),
      notifications: createNotificationHooks({ channels, source, now, recipients }),
    },
    dispatcher: createDispatcher({
      store,
      channels,
      instance,
      now,
      // The middle of the jitter range: delays are exactly 3/4 of the exponential step.
      random: () => 0.5,
      logger: silentLogger,
      leaseMs: LEASE_MS,
      retry: RETRY,
      retentionMs: 7 * 86_400_000,
      pollIntervalMs: 0,
      ...extra,
    }),
    scheduler: createScheduler({
      store,
      channels,
      source,
      recipients,
      instance,
      now,
      logger: silentLogger,
      leaseMs: LEASE_MS,
      catchUpMs: 6 * 3_600_000,
      intervalMs: 0,
    }),
    entries: () =>
      store
        .list(OUTBOX_KIND.outbox)
        .flatMap((r) => decodeOutbox(r) ?? [])
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}
