/**
 * One resource kept in memory by @kubernetes/client-node's informer (ListWatch: list, then watch
 * from the list's resourceVersion, resume after a server-side close, re-list on 410 and report
 * what vanished), guarded where 1.4.0 gives up or stalls:
 * - any other error (a 500, a cut connection, a failed list) stops its informer for good, so it is
 *   started again after a capped exponential backoff;
 * - a watch can stay open and silent forever (1.4.0 sets no timeout), so watches ask the server to
 *   end them after `timeoutSeconds`, with bookmarks, and one silent for longer than `silenceMs` is
 *   cut and started again;
 * - a server closing each watch at once would be reconnected in a tight loop, so quick reconnects
 *   without events wait for the backoff too;
 * - a resource the server does not serve (a CRD not installed: 404) is an empty list, asked
 *   again at the backoff's cap.
 * Items are projected before the informer stores them: only the fields the agent needs stay in
 * memory, never whole objects.
 */
import { ListWatch, Watch, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../logger.ts';
import { Backoff } from './backoff.ts';
import type { Clock } from './clock.ts';
import { KubeRequestError, type KubeClient } from './kube-client.ts';

/** What every projection keeps: what the informer needs to key and version an object. */
export interface Slim extends KubernetesObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
}

export interface WatchSpec<T extends Slim> {
  /** For logs and metrics, e.g. `pods` or `pods/shop`. */
  name: string;
  /** The collection path, e.g. `/api/v1/pods` or `/apis/apps/v1/namespaces/shop/deployments`. */
  path: string;
  labelSelector?: string;
  project(raw: Record<string, unknown>): T;
}

export interface WatchTuning {
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Asked of the server for each watch; it ends the watch then (the informer resumes it). */
  timeoutSeconds: number;
  /** A watch silent longer than this (no event, no bookmark) is cut and started again. */
  silenceMs: number;
  pageSize: number;
  listTimeoutMs: number;
  /** A watch ending sooner than this without an event counts as a failure. */
  minWatchMs: number;
}

export const DEFAULT_TUNING: WatchTuning = {
  backoffInitialMs: 1000,
  backoffMaxMs: 30_000,
  timeoutSeconds: 300,
  silenceMs: 360_000,
  pageSize: 500,
  listTimeoutMs: 60_000,
  minWatchMs: 1000,
};

export interface WatchEvents {
  /** An object was added, changed or removed (after a re-list too). */
  changed(watch: string): void;
  restarted?(watch: string, reason: string): void;
  relisted?(watch: string): void;
}

type Done = (err: unknown) => void;
type EventCallback = (phase: string, object: unknown, raw: unknown) => void;

export class SilentWatchError extends Error {
  override readonly name = 'SilentWatchError';
}

export class ResilientWatch<T extends Slim> {
  private readonly informer: ListWatch<T>;
  private readonly backoff: Backoff;
  private stopped = true;
  private restartTimer: unknown;
  private quickCloses = 0;
  private syncedOnce = false;
  /** The server does not serve this resource (404). */
  absent = false;
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    readonly spec: WatchSpec<T>,
    private readonly client: KubeClient,
    private readonly tuning: WatchTuning,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly events: WatchEvents,
  ) {
    this.backoff = new Backoff({ initialMs: tuning.backoffInitialMs, maxMs: tuning.backoffMaxMs });
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const transport = { watch: this.watch.bind(this) } as unknown as Watch;
    this.informer = new ListWatch<T>(
      spec.path,
      transport,
      () => this.list(),
      false,
      spec.labelSelector,
    );
    const changed = () => this.events.changed(spec.name);
    this.informer.on('add', changed);
    this.informer.on('update', changed);
    this.informer.on('delete', changed);
    this.informer.on('error', (err: unknown) => this.failed(err));
  }

  /** True once a first list has completed (or the resource turned out not to be served). */
  get synced(): boolean {
    return this.syncedOnce;
  }

  items(): readonly T[] {
    return this.informer.list();
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer.get(name, namespace);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    // 1.4.0's stop() aborts the request, which reports an AbortError to 'error': ignored above.
    await this.informer.stop().catch(() => undefined);
  }

  private async list(): Promise<{ metadata: { resourceVersion: string }; items: T[] }> {
    const items: T[] = [];
    let resourceVersion = '';
    try {
      resourceVersion = await this.client.listPaged(
        this.spec.path,
        this.spec.labelSelector ? { labelSelector: this.spec.labelSelector } : {},
        this.tuning.pageSize,
        this.tuning.listTimeoutMs,
        (page) => {
          for (const raw of page) items.push(this.spec.project(raw as Record<string, unknown>));
        },
      );
      if (this.absent) this.logger.info({ watch: this.spec.name }, 'resource is served now');
      this.absent = false;
    } catch (error) {
      if (!(error instanceof KubeRequestError && error.statusCode === 404)) throw error;
      // Not served (a CRD not installed): an empty list, so objects seen before are dropped.
      if (!this.absent)
        this.logger.warn({ watch: this.spec.name }, 'resource not served by this cluster (404)');
      this.absent = true;
    }
    if (this.syncedOnce) this.events.relisted?.(this.spec.name);
    this.backoff.reset();
    this.syncedOnce = true;
    this.markReady();
    return { metadata: { resourceVersion }, items };
  }

  /** The informer's transport: client-node's Watch, with bookmarks, a timeout and a silence guard. */
  private async watch(
    path: string,
    query: Record<string, string>,
    callback: EventCallback,
    done: Done,
  ): Promise<{ abort(): void }> {
    if (this.absent) {
      done(new KubeRequestError('resource not served', 404));
      return { abort() {} };
    }
    const started = this.clock.now();
    let sawEvent = false;
    let finished = false;
    const connection: { controller?: { abort(): void } } = {};
    let timer: unknown;
    const finish = (err: unknown) => {
      if (finished) return;
      finished = true;
      this.clock.clearTimeout(timer);
      const quick = !err && !sawEvent && this.clock.now() - started < this.tuning.minWatchMs;
      this.quickCloses = quick ? this.quickCloses + 1 : 0;
      // A server ending every watch at once gets the backoff instead of a reconnect loop.
      done(!err && this.quickCloses >= 3 ? new Error('watch keeps closing at once') : err);
    };
    const arm = () => {
      this.clock.clearTimeout(timer);
      timer = this.clock.setTimeout(() => {
        // Reported first: aborting makes the stream fail with an AbortError, which is not the cause.
        finish(new SilentWatchError(`watch silent for ${this.tuning.silenceMs} ms`));
        connection.controller?.abort();
      }, this.tuning.silenceMs);
    };
    arm();
    const params = {
      ...query,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(this.tuning.timeoutSeconds),
    };
    const controller = await new Watch(this.client.config).watch(
      path,
      params,
      (phase: string, object: unknown, raw: unknown) => {
        if (finished) return;
        sawEvent = true;
        this.backoff.reset();
        arm();
        const projected =
          phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED'
            ? this.spec.project(object as Record<string, unknown>)
            : object;
        callback(phase, projected, raw);
      },
      finish,
    );
    connection.controller = controller;
    if (finished) controller.abort();
    return {
      abort: () => {
        finished = true;
        this.clock.clearTimeout(timer);
        controller.abort();
      },
    };
  }

  private failed(err: unknown): void {
    if (this.stopped) return;
    this.clock.clearTimeout(this.restartTimer);
    const delay =
      this.absent || (err instanceof KubeRequestError && err.statusCode === 404)
        ? this.tuning.backoffMaxMs
        : this.backoff.next();
    const reason = describe(err);
    const fields = { watch: this.spec.name, reason, retryInMs: delay };
    if (this.absent) this.logger.debug(fields, 'watch waiting for the resource');
    else this.logger.warn(fields, 'watch failed; starting it again');
    this.events.restarted?.(this.spec.name, err instanceof SilentWatchError ? 'silent' : 'error');
    this.restartTimer = this.clock.setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopped) void this.informer.start();
    }, delay);
  }
}

function describe(err: unknown): string {
  if (err && typeof err === 'object') {
    const { statusCode, message } = err as { statusCode?: number; message?: string };
    if (statusCode) return `HTTP ${statusCode}${message ? `: ${message}` : ''}`;
    if (message) return message;
  }
  return String(err);
}
