/**
 * The notification outbox of one app instance, built from the config: the channels, the hooks the
 * domain enqueues through, the dispatcher that delivers and the scheduler that enqueues what the
 * clock does. Runtime-neutral: the runtime entry passes the channel definitions it can run.
 */
import {
  NotifierStartError,
  type Notification,
  type NotifierDefinition,
  type NotifierEnvironment,
  type Recipient,
} from '../../notifiers/types.ts';
import { ConfigError, type Config } from '../config/parse.ts';
import type { NotificationHooks, NotificationService } from '../domain/notify-hooks.ts';
import { domainSettings } from '../domain/read-model.ts';
import { subscriberRecipients, type SubscriberLinks } from '../domain/subscribers.ts';
import type { Logger } from '../logger.ts';
import type { RecordStore } from '../replication/types.ts';
import { buildChannels, type Channel } from './channels.ts';
import { createDispatcher, type Dispatcher } from './dispatcher.ts';
import { mailMutations } from './enqueue.ts';
import { createNotificationHooks } from './hooks.ts';
import type { NotificationSource } from './notification.ts';
import { storeRecipients } from './recipients.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';

export interface OutboxServices {
  config: Config;
  store: RecordStore;
  definitions: readonly NotifierDefinition[];
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  /** This instance in claims; a random name when absent. */
  instance?: string;
  /** Each subscriber's signed unsubscribe and manage links, put in the messages they receive. */
  links?: SubscriberLinks;
  /** Off (the Worker): the caller runs `runOnce` from its own triggers. */
  timers?: boolean;
}

export interface Outbox {
  channels: readonly Channel[];
  /** Blocks that have no channel here, with the reason (logged at start). */
  skipped: readonly { name: string; type: string; problem: string }[];
  hooks: NotificationHooks;
  dispatcher: Dispatcher;
  scheduler: Scheduler;
  /** True when a channel can send mail (the page then offers email subscriptions). */
  canMail: boolean;
  /** What the app's surfaces are handed. */
  service: NotificationService;
  /** Get the channels ready (a plugin's process), then start delivering; a channel that cannot start is a config error. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Enqueue the clock's transitions, then deliver what is due, once. */
  runOnce(): Promise<void>;
}

export function createOutbox(services: OutboxServices): Outbox {
  const { config, store, logger } = services;
  const now = services.now ?? Date.now;
  const settings = domainSettings(config);
  const page: Notification['page'] = {
    title: config.base_info.title,
    baseUrl: config.base_info.base_url,
    timeZone: config.base_info.time_zone,
    support: config.base_info.support,
    contact: config.base_info.contact,
  };
  const environment: NotifierEnvironment = {
    fetch: services.fetch ?? ((input, init) => fetch(input, init)),
    now,
    page,
    logger,
  };
  const settingsOf = config.outbox;
  const { channels, skipped } = buildChannels(config.notifiers, services.definitions, environment, {
    timeoutMs: settingsOf.timeout,
    concurrency: settingsOf.concurrency,
  });
  const source: NotificationSource = { settings, page };
  // The runtime entry passes the links (they are the HTTP layer's): the outbox stays below it.
  const recipients = (channel: Channel, notification: Notification): readonly Recipient[] =>
    storeRecipients(store, channel, notification, services.links);
  const instance = services.instance ?? `instance-${crypto.randomUUID().slice(0, 8)}`;
  const timers = services.timers ?? true;
  const dispatcher = createDispatcher({
    store,
    channels,
    instance,
    now,
    ...(services.random ? { random: services.random } : {}),
    logger,
    leaseMs: settingsOf.lease,
    retry: {
      baseMs: settingsOf.retry_base,
      maxMs: settingsOf.retry_max,
      retryForMs: settingsOf.retry_for,
    },
    retentionMs: settingsOf.retention,
    pollIntervalMs: timers ? settingsOf.poll_interval : 0,
    subscribersOf: (notification) =>
      subscriberRecipients(store, notification, 'email').map((r) => r.address),
  });
  const scheduler = createScheduler({
    store,
    channels,
    source,
    recipients,
    instance,
    now,
    logger,
    leaseMs: settingsOf.lease,
    catchUpMs: settingsOf.catch_up,
    intervalMs: timers ? Math.max(settingsOf.poll_interval, 5000) : 0,
  });
  const hooks = createNotificationHooks({ channels, source, now, recipients });
  const canMail = channels.some((c) => typeof c.notifier.sendMail === 'function');
  return {
    channels,
    skipped,
    hooks,
    dispatcher,
    scheduler,
    canMail,
    service: {
      hooks,
      canMail,
      channels: channels.map((c) => ({ name: c.name, type: c.type })),
      mail: (input) => mailMutations(channels, input),
      kick: () => void dispatcher.runOnce(),
    },
    async start() {
      for (const block of skipped)
        logger.warn(block, 'notifier block has no channel on this runtime; it sends nothing');
      const problems: string[] = [];
      await Promise.all(
        channels.map(async (channel) => {
          try {
            await channel.notifier.start?.();
          } catch (error) {
            if (!(error instanceof NotifierStartError)) throw error;
            problems.push(`notifiers[${channel.index}].params.${error.key}: ${error.message}`);
          }
        }),
      );
      if (problems.length > 0) throw new ConfigError(problems);
      dispatcher.start();
      scheduler.start();
    },
    async stop() {
      await scheduler.stop();
      await dispatcher.stop();
    },
    async runOnce() {
      await scheduler.runOnce();
      await dispatcher.runOnce();
    },
  };
}
