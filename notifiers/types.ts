/**
 * The contract every notifier will implement: one file per channel in this folder, named as in the
 * config's `notifiers[].type`. No channel exists yet; the config warns that notifier blocks do
 * nothing until they do.
 * Notifiers never import from src/: they receive a rendered notification and deliver it.
 */

export interface Notification {
  /** Stable per event, so a delivery can be claimed once across app instances. */
  id: string;
  kind: 'incident' | 'maintenance' | 'known_issue';
  event: 'created' | 'updated' | 'resolved' | 'deleted' | 'manual';
  title: string;
  /** The latest update, Markdown. */
  text: string;
  /** Statuspage strings: investigating, identified, monitoring, resolved, scheduled, ... */
  status: string;
  /** Components as "group - name". */
  components: string[];
  url: string;
  occurredAt: string;
}

export interface DeliveryReceipt {
  notifier: string;
  deliveredAt: string;
}

export interface Notifier {
  readonly type: string;
  send(notification: Notification, options?: { signal?: AbortSignal }): Promise<DeliveryReceipt>;
}

/** A failed delivery; `retryable` for timeouts, 429 and 5xx. Messages never include URLs with secrets or tokens. */
export class NotifierError extends Error {
  override readonly name = 'NotifierError';
  constructor(
    readonly notifier: string,
    readonly retryable: boolean,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(`[notifier:${notifier}] ${message}`, options);
  }
}
