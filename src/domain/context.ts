/**
 * What every domain mutation needs: the store, the settings from the config, and injectable
 * clock and ids so tests are deterministic.
 */
import type { RecordStore } from '../replication/types.ts';
import { formatInstant } from './time.ts';
import type { NotificationHooks } from './notify-hooks.ts';
import { domainView, type DomainSettings, type DomainView } from './read-model.ts';

export interface DomainContext {
  store: RecordStore;
  settings: DomainSettings;
  /** Milliseconds since the epoch; defaults to Date.now. */
  now?: () => number;
  /** UUIDv4 generator; defaults to crypto.randomUUID. */
  randomId?: () => string;
  /** The notification outbox (none: changes notify nobody). */
  notifications?: NotificationHooks;
}

export const nowOf = (ctx: DomainContext) => (ctx.now ?? Date.now)();
export const newId = (ctx: DomainContext) => (ctx.randomId ?? (() => crypto.randomUUID()))();
/** Server-generated times are written in the page's zone, as statusetat writes them in the request's. */
export const nowText = (ctx: DomainContext, timeZone = ctx.settings.timeZone) =>
  formatInstant(nowOf(ctx), timeZone);
export const viewOf = (ctx: DomainContext): DomainView => domainView(ctx.store, ctx.settings);
