/**
 * The records cluster health keeps beside the object states of `object-states.ts`: what
 * status-service, FT's aggregate-healthcheck and their users need to survive a restart and reach
 * every app instance. Only changes are written: a status-service state when it changes (with one
 * change record for the day's intervals), a day's worst state when it gets worse or the day is
 * new, an acknowledgement or a category switch when someone (or a sticky category) makes one.
 */
import { objectId } from './object-states.ts';

export const HEALTH_KIND = {
  /** A `StatusServices` object's current state, id `<cluster>/<namespace>/<name>`. */
  statusService: 'cluster_status_service',
  /** One state change of it, id `<cluster>/<namespace>/<name>@<ISO time>@<state>`: the day's intervals. */
  statusChange: 'cluster_status_change',
  /** Its worst state of one local day, id `<cluster>/<namespace>/<name>@<YYYY-MM-DD>`. */
  statusDay: 'cluster_status_day',
  /** An FT service's acknowledgement set (or removed) through Staunch, id `<cluster>/<namespace>/<service>`. */
  ack: 'cluster_ack',
  /** An FT category enabled or disabled through Staunch or by its stickiness, id `<cluster>//<name>`. */
  category: 'cluster_category',
} as const;

export type StatusState = 'ok' | 'warning' | 'error';
const RANK: Record<StatusState, number> = { ok: 0, warning: 1, error: 2 };

export const worseStatus = (a: StatusState, b: StatusState): StatusState =>
  RANK[a] >= RANK[b] ? a : b;

export const isStatusState = (value: unknown): value is StatusState =>
  value === 'ok' || value === 'warning' || value === 'error';

export interface StatusServiceBody {
  cluster: string;
  namespace: string;
  name: string;
  /** status-service's API ids: the object's uid, or `<namespace>~<name>` when the agent sent none. */
  uid: string;
  serviceName: string;
  displayName: string;
  displayDescription?: string;
  group?: string;
  state: StatusState;
  /** When `state` began (ISO). */
  since: string;
}

export interface StatusChangeBody {
  cluster: string;
  namespace: string;
  name: string;
  uid: string;
  state: StatusState;
  at: string;
}

export interface StatusDayBody {
  cluster: string;
  namespace: string;
  name: string;
  uid: string;
  /** The local date in the page's time zone, and its first instant (ms). */
  date: string;
  start: number;
  state: StatusState;
}

export interface AckBody {
  cluster: string;
  namespace: string;
  service: string;
  /** The acknowledgement; null when it was removed here (which also hides `suppressed`). */
  message: string | null;
  /** A removed acknowledgement that came from the cluster's ConfigMap: not shown again while it says the same. */
  suppressed?: string;
  by: string;
  at: string;
}

export interface CategoryBody {
  cluster: string;
  name: string;
  enabled: boolean;
  /** `sticky`: disabled because a listed service failed; `admin`: switched through the API. */
  reason: 'sticky' | 'admin';
  /** The failing service that disabled a sticky category. */
  service?: string;
  by: string;
  at: string;
}

export const statusServiceId = (cluster: string, namespace: string, name: string) =>
  objectId(cluster, namespace, name);
export const statusChangeId = (
  cluster: string,
  namespace: string,
  name: string,
  at: string,
  state: StatusState,
) => objectId(cluster, namespace, `${name}@${at}@${state}`);
export const statusDayId = (cluster: string, namespace: string, name: string, date: string) =>
  objectId(cluster, namespace, `${name}@${date}`);
export const ackId = (cluster: string, namespace: string, service: string) =>
  objectId(cluster, namespace, service);
export const categoryId = (cluster: string, name: string) => objectId(cluster, '', name);
