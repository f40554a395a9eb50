/**
 * The contract every channel implements: one file per channel in this folder, named after its
 * backend (`slack.ts`, `email.ts`, ...), exporting a NotifierDefinition. Channels never import
 * from src/: the app's outbox hands them a rendered Notification and a delivery context, and they
 * deliver it once. Retrying, claiming and recording are the outbox's job, not the channel's.
 */

/** statusetat's incident states, with their text as statusetat prints it. */
export type IncidentStateText = 'Resolved' | 'Unresolved' | 'Monitoring' | 'Idle' | 'Cancelled';

/** One message of an incident, as statusetat's model has it. */
export interface NotificationMessage {
  guid: string;
  title: string;
  /** Markdown. */
  content: string;
  createdAt: string;
}

/** An incident or a maintenance as the channels see it: statusetat's model with ISO times. */
export interface NotificationIncident {
  guid: string;
  /** statusetat's state number (0 unresolved, 1 resolved, 2 monitoring, 3 idle, 4 cancelled) and its text. */
  state: number;
  stateText: IncidentStateText;
  /** Statuspage's string for the same state: investigating, identified, monitoring, resolved, scheduled, in_progress, completed, ... */
  status: string;
  /** statusetat's component state number (0 operational ... 4 major outage) and its text ("Operational", "Major outage", ...). */
  componentState: number;
  componentStateText: string;
  components: { name: string; group: string }[];
  /** Oldest first: messages[0] is statusetat's "main" message, the last one its "last". */
  messages: NotificationMessage[];
  createdAt: string;
  updatedAt: string;
  /** Only for maintenance that has an end. */
  scheduledEnd?: string;
  isScheduled: boolean;
  metadata: Record<string, string>;
  origin: string;
  /** `{base_url}/incidents/{guid}`. */
  url: string;
}

export type NotificationEvent =
  | 'incident.created'
  | 'incident.updated'
  | 'incident.resolved'
  | 'maintenance.scheduled'
  | 'maintenance.started'
  | 'maintenance.completed'
  /** Deleted (statusetat forces the state to Cancelled and marks it triggered by a user). */
  | 'deleted'
  /** `PUT /v1/incidents/:id/notify` or the admin's Notify button. */
  | 'manual';

export interface Notification {
  /** Stable per message: the same event seen by several app instances has the same id. */
  id: string;
  event: NotificationEvent;
  /** statusetat's TriggerByUser: true for `manual` and `deleted`. */
  triggeredByUser: boolean;
  incident: NotificationIncident;
  page: {
    title: string;
    baseUrl: string;
    /** IANA zone for the times channels print. */
    timeZone: string;
    /** statusetat's `base_info.support` and `base_info.contact` (a plugin's Init gets them). */
    support?: string;
    contact?: string;
  };
  occurredAt: string;
}

/** Who a per-recipient channel (email, subscriber webhooks) sends one message to. */
export interface Recipient {
  /** An email address or a webhook URL. */
  address: string;
  /** HTTPS link to a page that confirms before unsubscribing (GET shows, POST unsubscribes). */
  unsubscribeUrl?: string;
  /** The signed "manage my subscription" page. */
  manageUrl?: string;
  /** The address was supplied by a visitor or an API caller, not the operator: outbound guards apply. */
  untrusted?: boolean;
}

export interface DeliveryContext {
  /** The same for every attempt of one (message, channel, recipient): sent where the receiver accepts one. */
  idempotencyKey: string;
  /** Aborted on timeout or shutdown. */
  signal: AbortSignal;
  /** Present for per-recipient channels. */
  recipient?: Recipient;
  /**
   * statusetat's NotifyRequest.subscribers for channels that are not per-recipient (plugins): the
   * confirmed subscribers' addresses, when the outbox supplies them; absent means none.
   */
  subscribers?: readonly string[];
}

export interface DeliveryReceipt {
  /** What the receiver answered, for the outbox's record (no secrets): "HTTP 200", "250 OK id=...". */
  response: string;
}

export interface Notifier {
  readonly type: string;
  /** The config block's name for logs and the outbox: `name`, else `type` plus its position. */
  readonly name: string;
  /** True when each recipient gets its own message (email): the outbox then keeps one delivery per recipient. */
  readonly perRecipient: boolean;
  /** Recipients the operator wrote in the config (email's `subscribers`); the outbox adds confirmed store subscribers. */
  readonly configuredRecipients?: readonly string[];
  /** statusetat's per-channel skip rule: false when this channel does not send this event. */
  wants(notification: Notification): boolean;
  /** Deliver once. Throw NotifierError on failure. */
  send(notification: Notification, context: DeliveryContext): Promise<DeliveryReceipt>;
  /**
   * A message that is not an incident event (a subscriber's confirmation mail): only channels that
   * mail implement it, and the outbox sends such messages through the first one.
   */
  sendMail?(mail: DirectMail, context: DeliveryContext): Promise<DeliveryReceipt>;
  /** statusetat's plugin pre-check: a rejection refuses the write (412). */
  preCheck?(notification: Notification): Promise<void>;
  /**
   * Called once at start, before any delivery, by channels that need to get ready (a plugin's
   * process and handshake). A rejection with NotifierStartError stops the start with a config error
   * naming the param; a channel that was never started starts on first use.
   */
  start?(): Promise<void>;
  close?(): Promise<void>;
}

/** A ready-made mail to one recipient (`context.recipient`). */
export interface DirectMail {
  subject: string;
  text: string;
  html: string;
}

/** What the app lends a channel: everything from the outside world comes through here, so tests can inject it. */
export interface NotifierEnvironment {
  fetch: typeof fetch;
  now: () => number;
  /** The page's title (statusetat's `base_info.title`), base URL and zone. */
  page: Notification['page'];
  logger: {
    info(details: object, message: string): void;
    warn(details: object, message: string): void;
  };
}

export type ParseResult<P> = { ok: true; params: P } | { ok: false; problems: ParamProblem[] };

/** A bad param, named by its key under `params` (`endpoint`, `subscribers[2]`). */
export interface ParamProblem {
  key: string;
  message: string;
}

export interface NotifierDefinition<P = unknown> {
  /** The config's `notifiers[].type`. */
  readonly type: string;
  /** Where the channel can run; a Worker config naming a Node-only channel is refused at validation. */
  readonly runtimes: readonly ('node' | 'worker')[];
  /** Validate statusetat's params (templates compiled here): every problem named, none thrown at send time. */
  parse(params: unknown): ParseResult<P>;
  create(params: P, environment: NotifierEnvironment, name: string): Notifier;
}

/** A failed delivery; `retryable` for timeouts, network errors, 429 and 5xx. Messages never include URLs with secrets or tokens. */
export class NotifierError extends Error {
  override readonly name = 'NotifierError';
  readonly status: number | undefined;
  constructor(
    readonly notifier: string,
    readonly retryable: boolean,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(`[notifier:${notifier}] ${message}`, options);
    this.status = options?.status;
  }
}

/**
 * A channel that cannot get ready at start (a plugin executable missing, or silent past its
 * handshake timeout). `key` is the param at fault under `params` (`path`); the app reports it as
 * `notifiers[N].params.<key>: <message>` and exits with the config error code.
 */
export class NotifierStartError extends Error {
  override readonly name = 'NotifierStartError';
  constructor(
    readonly key: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
