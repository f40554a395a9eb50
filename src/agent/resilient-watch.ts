/**
 * One resource kept in memory: list, then watch from the list's resourceVersion with
 * @kubernetes/client-node's Watch (its watch protocol: one JSON event per line), resume after a
 * server-side close from the last version seen (events and bookmarks move it), re-list on 410
 * Gone (as HTTP status or as an ERROR event) and report what vanished meanwhile. Where
 * client-node 1.4.0's own informer (ListWatch) gives up or stalls, this one does not:
 * - any other error (a 500, a cut connection, a failed list) stops ListWatch for good; here the
 *   watch is started again after a capped exponential backoff;
 * - a watch can stay open and silent forever (1.4.0's Watch sets no timeout), so each watch asks
 *   the server to end it after `timeoutSeconds`, with bookmarks, and one silent for longer than
 *   `silenceMs` is cut and started again;
 * - a server ending each watch at once would be reconnected in a tight loop: quick closes without
 *   events wait for the backoff too;
 * - a resource the server does not serve (a CRD not installed: 404) is an empty list, asked again
 *   at the backoff's cap.
 * The cache is the agent's own rather than ListWatch's because ListWatch's module loads
 * client-node's generated model serializer (about 20 MB of RSS, a seventh of the agent's budget)
 * only to turn a label selector into a string. Items are projected before they are stored: only
 * the fields the agent needs stay in memory, never whole objects.
 */
// A module of client-node, not its index: the index loads every generated API and model.
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { Watch } from '@kubernetes/client-node/dist/watch.js';
import type { Logger } from '../logger.ts';
import { Backoff } from './backoff.ts';
import type { Clock } from './clock.ts';
import { KubeRequestError, type KubeClient } from './kube-client.ts';

/** What every projection keeps: what the cache needs to key and version an object. */
export interface Slim {
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
  /** Asked of the server for each watch; it ends the watch then (and it is resumed). */
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
  restarted?(watch: string, reason: 'error' | 'silent'): void;
  relisted?(watch: string): void;
}

export class SilentWatchError extends Error {
  override readonly name = 'SilentWatchError';
}

class GoneError extends Error {
  override readonly name = 'GoneError';
}

/** Plain values compared deeply; what a projection holds. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) =>
    equal((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

/**
 * Two projections of one object say the same when all but their version agree: most changes
 * to a real pod (probe times, conditions' timestamps) touch nothing the agent keeps.
 */
export function sameView(a: Slim, b: Slim): boolean {
  const { resourceVersion: _a, ...restA } = a.metadata;
  const { resourceVersion: _b, ...restB } = b.metadata;
  return equal(restA, restB) && equal({ ...a, metadata: undefined }, { ...b, metadata: undefined });
}

const keyOf = (object: Slim) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;

const isGone = (err: unknown) => {
  const { statusCode, code } = (err ?? {}) as { statusCode?: number; code?: number };
  return err instanceof GoneError || statusCode === 410 || code === 410;
};

export class ResilientWatch<T extends Slim> {
  private store = new Map<string, T>();
  private resourceVersion = '';
  private readonly backoff: Backoff;
  private stopped = true;
  /** Grows with every start, so callbacks of an older watch are recognised and ignored. */
  private generation = 0;
  private restartTimer: unknown;
  private current: { abort(): void } | undefined;
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
  }

  /** True once a first list has completed (or the resource turned out not to be served). */
  get synced(): boolean {
    return this.syncedOnce;
  }

  items(): T[] {
    return [...this.store.values()];
  }

  get size(): number {
    return this.store.size;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation += 1;
    this.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.current?.abort();
    this.current = undefined;
  }

  /** One cycle: list when there is no version to resume from, then watch until it ends. */
  private async run(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    try {
      if (!this.resourceVersion) await this.relist();
    } catch (error) {
      if (generation === this.generation) this.failed(error);
      return;
    }
    if (generation !== this.generation || this.stopped) return;
    if (this.absent) return this.failed(new KubeRequestError('resource not served', 404));
    await this.watch(generation);
  }

  private async relist(): Promise<void> {
    const fresh = new Map<string, T>();
    let resourceVersion = '';
    try {
      resourceVersion = await this.client.listPaged(
        this.spec.path,
        this.spec.labelSelector ? { labelSelector: this.spec.labelSelector } : {},
        this.tuning.pageSize,
        this.tuning.listTimeoutMs,
        (page) => {
          for (const raw of page) {
            const item = this.spec.project(raw as Record<string, unknown>);
            fresh.set(keyOf(item), item);
          }
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
    // What vanished while the watch was away is gone now; what appeared or changed is new.
    let differs = fresh.size !== this.store.size;
    if (!differs)
      for (const [key, item] of fresh) {
        const known = this.store.get(key);
        if (!known || !sameView(known, item)) {
          differs = true;
          break;
        }
      }
    this.store = fresh;
    this.resourceVersion = resourceVersion;
    const first = !this.syncedOnce;
    if (!first) this.events.relisted?.(this.spec.name);
    this.backoff.reset();
    this.syncedOnce = true;
    this.markReady();
    // A first list is news even when empty: the kind goes from unknown to known.
    if (differs || first) this.events.changed(this.spec.name);
  }

  private apply(phase: string, object: Record<string, unknown>): void {
    if (phase === 'ERROR') {
      // A Status object: 410 means the version is too old; the server closes the stream next.
      if ((object as { code?: number }).code === 410)
        throw new GoneError('resource version too old');
      return;
    }
    const version = (object.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    if (phase === 'ADDED' || phase === 'MODIFIED') {
      const item = this.spec.project(object);
      const key = keyOf(item);
      const known = this.store.get(key);
      if (known && sameView(known, item)) {
        // Nothing the agent keeps changed: no snapshot, and the stored object stays (no garbage).
        known.metadata.resourceVersion = item.metadata.resourceVersion;
      } else {
        this.store.set(key, item);
        this.events.changed(this.spec.name);
      }
    } else if (phase === 'DELETED') {
      const item = this.spec.project(object);
      if (this.store.delete(keyOf(item))) this.events.changed(this.spec.name);
    }
    // BOOKMARK carries nothing but the version to resume from.
    if (version) this.resourceVersion = version;
  }

  /** client-node's Watch, with bookmarks, a timeout and a silence guard. */
  private async watch(generation: number): Promise<void> {
    const started = this.clock.now();
    let sawEvent = false;
    let finished = false;
    let timer: unknown;
    const connection: { controller?: { abort(): void } } = {};
    const finish = (err: unknown) => {
      if (finished) return;
      finished = true;
      this.clock.clearTimeout(timer);
      connection.controller?.abort();
      if (generation !== this.generation || this.stopped) return;
      this.done(err, sawEvent, started);
    };
    const arm = () => {
      this.clock.clearTimeout(timer);
      timer = this.clock.setTimeout(
        () => finish(new SilentWatchError(`watch silent for ${this.tuning.silenceMs} ms`)),
        this.tuning.silenceMs,
      );
    };
    arm();
    this.current = { abort: () => finish(null) };
    const params: Record<string, string> = {
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(this.tuning.timeoutSeconds),
      ...(this.spec.labelSelector ? { labelSelector: this.spec.labelSelector } : {}),
    };
    const controller = await new Watch(this.client.auth as unknown as KubeConfig).watch(
      this.spec.path,
      params,
      (phase: string, object: unknown) => {
        if (finished) return;
        sawEvent = true;
        this.backoff.reset();
        arm();
        try {
          this.apply(phase, (object ?? {}) as Record<string, unknown>);
        } catch (error) {
          finish(error);
        }
      },
      finish,
    );
    connection.controller = controller;
    if (finished) controller.abort();
  }

  private done(err: unknown, sawEvent: boolean, started: number): void {
    if (isGone(err)) {
      this.resourceVersion = '';
      void this.run();
      return;
    }
    if (err) return this.failed(err);
    const quick = !sawEvent && this.clock.now() - started < this.tuning.minWatchMs;
    this.quickCloses = quick ? this.quickCloses + 1 : 0;
    // A server ending every watch at once gets the backoff instead of a reconnect loop.
    if (this.quickCloses >= 3) return this.failed(new Error('watch keeps closing at once'));
    void this.run();
  }

  private failed(err: unknown): void {
    if (this.stopped) return;
    this.clock.clearTimeout(this.restartTimer);
    const delay = this.absent ? this.tuning.backoffMaxMs : this.backoff.next();
    const fields = { watch: this.spec.name, reason: describe(err), retryInMs: delay };
    if (this.absent) this.logger.debug(fields, 'watch waiting for the resource');
    else this.logger.warn(fields, 'watch failed; starting it again');
    this.events.restarted?.(this.spec.name, err instanceof SilentWatchError ? 'silent' : 'error');
    this.restartTimer = this.clock.setTimeout(() => {
      this.restartTimer = undefined;
      void this.run();
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
