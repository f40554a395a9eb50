/**
 * Delivers snapshots to one app: `POST {url}/api/agent/v1/snapshots`, gzip, bearer token. Only
 * the newest snapshot is worth sending (each is the whole state), so while the app is unreachable
 * the sender keeps just the latest one and retries it with a capped backoff; when the app comes
 * back it receives that one, never the backlog.
 */
import type { Logger } from '../logger.ts';
import { Backoff } from './backoff.ts';
import type { Clock } from './clock.ts';
import { httpFetch, type Fetch } from './http-fetch.ts';

export const SNAPSHOT_PATH = '/api/agent/v1/snapshots';

export interface EncodedSnapshot {
  sequence: number;
  /** gzip-compressed JSON. */
  body: Uint8Array;
}

export interface SenderOptions {
  url: string;
  token: string;
  timeoutMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  userAgent: string;
  fetch?: Fetch;
  sent?(app: string, outcome: 'ok' | 'error', ms: number): void;
}

export interface SenderStatus {
  app: string;
  lastSuccessAt?: string;
  lastSequence?: number;
  failures: number;
  lastError?: string;
  pending: boolean;
}

/** The app's origin and path, never credentials that a URL could carry, for logs and metrics. */
export function appLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/$/, '')}`;
  } catch {
    return 'invalid-url';
  }
}

export class AppSender {
  readonly app: string;
  private readonly endpoint: string;
  private pending: EncodedSnapshot | undefined;
  private inFlight: Promise<void> | undefined;
  private retryTimer: unknown;
  private readonly backoff: Backoff;
  private status: SenderStatus;
  private stopped = false;

  constructor(
    private readonly options: SenderOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.app = appLabel(options.url);
    this.endpoint = options.url.replace(/\/+$/, '') + SNAPSHOT_PATH;
    this.backoff = new Backoff({
      initialMs: options.backoffInitialMs,
      maxMs: options.backoffMaxMs,
    });
    this.status = { app: this.app, failures: 0, pending: false };
  }

  /** Replaces whatever was waiting: an older snapshot is never sent after a newer one exists. */
  offer(snapshot: EncodedSnapshot): void {
    this.pending = snapshot;
    this.kick();
  }

  snapshotStatus(): SenderStatus {
    return { ...this.status, pending: this.pending !== undefined };
  }

  /** Sends what is waiting now, without waiting for a retry timer; resolves within `deadlineMs`. */
  async flush(deadlineMs: number): Promise<boolean> {
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const deadline = new Promise<void>((resolve) => this.clock.setTimeout(resolve, deadlineMs));
    const attempt = (async () => {
      if (this.inFlight) await this.inFlight;
      if (this.pending) await this.send(this.pending);
    })();
    await Promise.race([attempt, deadline]);
    return this.pending === undefined;
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.retryTimer);
  }

  private kick(): void {
    if (this.stopped || this.inFlight || this.retryTimer !== undefined || !this.pending) return;
    const snapshot = this.pending;
    this.inFlight = this.send(snapshot).finally(() => {
      this.inFlight = undefined;
      this.kick();
    });
  }

  private async send(snapshot: EncodedSnapshot): Promise<void> {
    const started = this.clock.now();
    try {
      const response = await (this.options.fetch ?? httpFetch)(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          authorization: `Bearer ${this.options.token}`,
          'user-agent': this.options.userAgent,
        },
        body: snapshot.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await response.text().catch(() => '');
      if (!response.ok)
        throw new Error(`HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
      if (this.pending === snapshot) this.pending = undefined;
      if (this.status.failures > 0)
        this.logger.info({ app: this.app, sequence: snapshot.sequence }, 'app reachable again');
      this.backoff.reset();
      this.status = {
        ...this.status,
        failures: 0,
        lastSuccessAt: new Date(this.clock.now()).toISOString(),
        lastSequence: snapshot.sequence,
      };
      delete this.status.lastError;
      this.options.sent?.(this.app, 'ok', this.clock.now() - started);
    } catch (error) {
      const message =
        (error as Error).name === 'TimeoutError'
          ? `no answer in ${this.options.timeoutMs} ms`
          : (error as Error).message;
      this.status = { ...this.status, failures: this.status.failures + 1, lastError: message };
      this.options.sent?.(this.app, 'error', this.clock.now() - started);
      const delay = this.backoff.next();
      const fields = {
        app: this.app,
        sequence: snapshot.sequence,
        error: message,
        retryInMs: delay,
      };
      // The first failure is worth a warning; the retries of a long outage only at debug.
      if (this.status.failures === 1)
        this.logger.warn(fields, 'snapshot not delivered; will retry');
      else this.logger.debug(fields, 'snapshot still not delivered');
      if (this.stopped) return;
      this.retryTimer = this.clock.setTimeout(() => {
        this.retryTimer = undefined;
        this.kick();
      }, delay);
    }
  }
}
