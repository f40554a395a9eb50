/**
 * How a change tells the notification outbox about itself without the domain knowing any
 * channel: the app hands the domain these hooks in its context. `mutations` joins the change's
 * own `store.write` (a change is never stored without its messages, nor its messages without the
 * change), `preCheck` runs before anything is written and refuses the change by throwing.
 */
import type { DirectMail, Recipient } from '../../notifiers/types.ts';
import type { Mutation } from '../replication/types.ts';
import type { Incident, IncidentState } from './types.ts';

export type DomainEvent =
  | { type: 'created'; incident: Incident }
  | {
      type: 'updated';
      incident: Incident;
      /** The state before the change, to tell a resolution from an update. */
      previousState: IncidentState;
      /** The message this change posted or edited, when there is one: it makes the message id. */
      messageGuid?: string;
    }
  /** statusetat shows a deleted incident as Cancelled, triggered by a user. */
  | { type: 'deleted'; incident: Incident }
  /** `PUT /v1/incidents/:id/notify`, the admin's Notify button. */
  | { type: 'manual'; incident: Incident };

export interface NotificationHooks {
  /** Throws a DomainError (`refused`) naming the channel that refused. */
  preCheck(event: DomainEvent): Promise<void>;
  mutations(event: DomainEvent): Mutation[];
}

/** Options of a change: `silent` (statusetat's `no_notify`, the admin's "edit silently") enqueues nothing. */
export interface ChangeOptions {
  silent?: boolean;
}

/** What the app's surfaces get from the notification outbox (built by the runtime entry). */
export interface NotificationService {
  hooks: NotificationHooks;
  /** A channel can send mail: the page offers email subscriptions. */
  canMail: boolean;
  /** The configured channels, for the admin screens (names and types only: no params, no secrets). */
  channels: readonly { name: string; type: string }[];
  /** The outbox records of a direct mail (a subscriber's confirmation), for the caller's own write; [] when nothing can mail. */
  mail(input: { id: string; to: Recipient; mail: DirectMail; now: string }): Mutation[];
  /** Look for due deliveries now (after "retry now"), instead of at the next poll. */
  kick(): void;
}

/** The origin of events about a cluster (its silence): never stored, so they have no incident page. */
export const CLUSTER_ORIGIN = 'cluster';
