/**
 * Whether this instance may state a status at all. Until its view is loaded from a target or
 * from its local snapshot, an empty view would read as "all clear" on every surface, which is
 * the one answer a status page must never give without knowing. Every surface asks here and
 * answers "unknown" in its own format; a view restored from the snapshot is served, marked with
 * the time it was last known.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { RecordStore } from '../replication/types.ts';

export type KnownState =
  | { known: false }
  /** `asOf`: when the snapshot being served was taken; absent once a target answered. */
  | { known: true; asOf?: number };

export function knownState(store: Pick<RecordStore, 'loadState'>): KnownState {
  const load = store.loadState;
  if (load.source === 'none') return { known: false };
  return load.source === 'snapshot'
    ? { known: true, asOf: Date.parse(load.asOf) }
    : { known: true };
}

/** Seconds a client should wait before asking again: loading usually takes a few. */
export const RETRY_AFTER_SECONDS = 5;

export const UNKNOWN_TITLE = 'Status unknown';
export const UNKNOWN_DETAIL =
  'this instance has not loaded the status from storage yet; no storage target has answered since it started';

/** For every answer given while the state is unknown: retry soon, and let no cache keep it. */
export const UNKNOWN_HEADERS: Readonly<Record<string, string>> = {
  'Retry-After': String(RETRY_AFTER_SECONDS),
  'Cache-Control': 'no-store',
};

/** The plain-text answer for surfaces without an error format of their own (feeds). */
export function unknownText(): Response {
  return new Response(`${UNKNOWN_TITLE}: ${UNKNOWN_DETAIL}\n`, {
    status: 503,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...UNKNOWN_HEADERS },
  });
}

/**
 * For machine surfaces: while the state is unknown, answer with `respond` (the surface's own
 * 503 shape) instead of running the handler, so no list reads as empty and no id as unknown.
 */
export function whileUnknown(
  store: Pick<RecordStore, 'loadState'>,
  respond: (c: Context) => Response,
): MiddlewareHandler {
  return async (c, next) => {
    if (knownState(store).known) return next();
    const response = respond(c);
    for (const [name, value] of Object.entries(UNKNOWN_HEADERS)) response.headers.set(name, value);
    return response;
  };
}
