/** What the incident APIs share, built once per app from its services. */
import type { Config } from '../config/parse.ts';
import type { DomainContext } from '../domain/context.ts';
import type { ExtraComponentState } from '../domain/status.ts';
import { createReadModel, domainSettings, type ReadModel } from '../domain/read-model.ts';
import type { NotificationService } from '../domain/notify-hooks.ts';
import type { Logger } from '../logger.ts';
import type { RecordStore } from '../replication/types.ts';
import { createAuthenticator, type Authenticator } from './auth.ts';
import { createLimits, type Limits } from './limits.ts';
import { createSubscriptions, type SubscriptionService } from './subscriptions.ts';

export interface ApiDeps {
  config: Config;
  store: RecordStore;
  logger: Logger;
  domain: DomainContext;
  /** The app's read model (shared with the pages): every route reads the store through it. */
  read: ReadModel;
  auth: Authenticator;
  /** Shared with the pages and the admin UI. */
  limits: Limits;
  /** Sign-ups' links, mails and checks, shared with the pages. */
  subscriptions: SubscriptionService;
  startedAt: Date;
  /** Milliseconds since the epoch; tests move it. */
  now: () => number;
  /** Component states from outside incidents (cluster health, later); folded into every status. */
  extraComponentStates?: () => readonly ExtraComponentState[];
}

export interface ApiServices {
  config: Config;
  store: RecordStore;
  logger: Logger;
  startedAt: Date;
  now?: () => number;
  /** The app's limits (createApp shares them with the pages); new ones when absent. */
  limits?: Limits;
  /** The app's read model (createApp shares it with the pages); a new one when absent. */
  read?: ReadModel;
  /** createApp shares them with the pages; built from the config (no mail) when absent. */
  subscriptions?: SubscriptionService;
  extraComponentStates?: () => readonly ExtraComponentState[];
  /** The notification outbox: changes enqueue their messages through it. */
  notifications?: NotificationService;
}

export function apiDeps(services: ApiServices): ApiDeps {
  const now = services.now ?? Date.now;
  const read = services.read ?? createReadModel(services.store, domainSettings(services.config));
  return {
    config: services.config,
    store: services.store,
    logger: services.logger,
    domain: {
      store: services.store,
      settings: read.settings,
      now,
      ...(services.notifications ? { notifications: services.notifications.hooks } : {}),
    },
    read,
    auth: createAuthenticator(services.config),
    limits: services.limits ?? createLimits(now),
    subscriptions: services.subscriptions ?? createSubscriptions(services.config, { now }),
    startedAt: services.startedAt,
    now,
    ...(services.extraComponentStates
      ? { extraComponentStates: services.extraComponentStates }
      : {}),
  };
}
