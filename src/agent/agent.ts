/**
 * The agent: watches one cluster, probes FT-style health endpoints, and pushes the whole observed
 * state to every configured app: after a change (debounced: at most one snapshot per debounce
 * period however fast things change) and at least every heartbeat. The first snapshot waits for
 * every watch's first list (or `syncTimeoutMs`, then says which are missing). Stopping sends a
 * last snapshot.
 */
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { ClusterSnapshot } from '../cluster/snapshot-schema.ts';
import type { Logger } from '../logger.ts';
import { VERSION } from '../runtime/version.ts';
import type { Clock } from './clock.ts';
import { ClusterState, type EndpointsSource } from './cluster-state.ts';
import type { ProbeOptions } from './ft-probe.ts';
import { HealthProber } from './health-prober.ts';
import type { Fetch } from './http-fetch.ts';
import type { KubeClient } from './kube-client.ts';
import { AgentMetrics } from './metrics.ts';
import type { WatchTuning } from './resilient-watch.ts';
import { AppSender, type SenderStatus } from './sender.ts';
import { buildSnapshot, probeTargets, type SnapshotMeta } from './snapshot.ts';

const gzip = promisify(gzipCallback);

export interface AgentApp {
  url: string;
  token: string;
}

export interface AgentOptions {
  cluster: string;
  apps: AgentApp[];
  client: KubeClient;
  namespaces: string[];
  endpoints: EndpointsSource;
  heartbeatMs: number;
  debounceMs: number;
  syncTimeoutMs: number;
  tuning: WatchTuning;
  send: { timeoutMs: number; backoffInitialMs: number; backoffMaxMs: number };
  probes: ProbeOptions & { enabled: boolean; concurrency: number; defaultRefreshMs: number };
  clock: Clock;
  logger: Logger;
  metrics?: AgentMetrics;
  instance?: string;
  /** How snapshots and probes are sent (default: node:http); the global fetch fits too. */
  fetch?: Fetch;
  /** The restart allow-list, published in each snapshot's workloads (none: restarts are off). */
  restartAllowed?: SnapshotMeta['restartAllowed'];
}

export class Agent {
  readonly instance: string;
  readonly metrics: AgentMetrics;
  private readonly state: ClusterState;
  private readonly prober: HealthProber;
  private readonly senders: AppSender[];
  private sequence = 0;
  private dirty = true;
  private firstSent = false;
  private debounceTimer: unknown;
  private heartbeatTimer: unknown;
  private syncTimer: unknown;
  private stopped = false;
  private producing: Promise<void> | undefined;
  private again = false;
  lastSnapshot: ClusterSnapshot | undefined;
  lastSnapshotBytes = 0;
  /** When the first complete snapshot was made (ms on the agent's clock). */
  firstSnapshotAt: number | undefined;

  constructor(private readonly options: AgentOptions) {
    this.instance = options.instance ?? `${options.cluster}-${randomBytes(6).toString('hex')}`;
    this.metrics = options.metrics ?? new AgentMetrics(false);
    const { clock, logger } = options;
    this.state = new ClusterState({
      client: options.client,
      namespaces: options.namespaces,
      endpoints: options.endpoints,
      tuning: options.tuning,
      clock,
      logger,
      events: {
        changed: (watch) => {
          this.metrics.changes.inc({ watch });
          this.changed();
        },
        restarted: (watch, reason) => this.metrics.watchRestarts.inc({ watch, reason }),
        relisted: (watch) => this.metrics.relists.inc({ watch }),
      },
    });
    this.prober = new HealthProber(
      {
        ...options.probes,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        changed: () => this.changed(),
        probed: (outcome, ms) => {
          this.metrics.probes.inc({ outcome });
          this.metrics.probeSeconds.observe(ms / 1000);
        },
      },
      clock,
      logger,
    );
    this.senders = options.apps.map(
      (app) =>
        new AppSender(
          {
            url: app.url,
            token: app.token,
            ...options.send,
            userAgent: `staunch-agent/${VERSION}`,
            ...(options.fetch ? { fetch: options.fetch } : {}),
            sent: (label, outcome, ms) => {
              this.metrics.sends.inc({ app: label, outcome });
              this.metrics.sendSeconds.observe({ app: label }, ms / 1000);
              this.metrics.appUp.set({ app: label }, outcome === 'ok' ? 1 : 0);
            },
          },
          clock,
          logger,
        ),
    );
  }

  async start(): Promise<void> {
    const { clock, logger } = this.options;
    await this.state.start();
    logger.info(
      {
        cluster: this.options.cluster,
        instance: this.instance,
        namespaces: this.options.namespaces.length ? this.options.namespaces : 'all',
        endpoints: this.state.endpointsSource,
        apps: this.senders.map((sender) => sender.app),
      },
      'agent watching',
    );
    this.syncTimer = clock.setTimeout(() => {
      if (this.firstSent || this.stopped) return;
      logger.warn(
        { unsynced: this.state.unsynced() },
        'not every watch has listed yet; sending what is known',
      );
      this.firstSent = true;
      void this.produce();
    }, this.options.syncTimeoutMs);
    void this.state.ready().then(() => {
      if (this.firstSent || this.stopped) return;
      this.firstSent = true;
      clock.clearTimeout(this.syncTimer);
      void this.produce();
    });
  }

  /** Stops watching, makes a last snapshot and gives each app up to `deadlineMs` to take it. */
  async stop(deadlineMs = 5000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const { clock } = this.options;
    for (const timer of [this.debounceTimer, this.heartbeatTimer, this.syncTimer])
      clock.clearTimeout(timer);
    this.prober.stop();
    await this.state.stop();
    await this.producing;
    if (this.firstSent) await this.encodeAndOffer();
    await Promise.all(this.senders.map((sender) => sender.flush(deadlineMs)));
    for (const sender of this.senders) sender.stop();
  }

  /** Readiness for /healthz: listed everything once, and what each app last heard. */
  health(): { synced: boolean; unsynced: string[]; sequence: number; apps: SenderStatus[] } {
    const unsynced = this.state.unsynced();
    return {
      synced: unsynced.length === 0,
      unsynced,
      sequence: this.sequence,
      apps: this.senders.map((sender) => sender.snapshotStatus()),
    };
  }

  objectCounts(): Record<string, number> {
    return this.state.counts();
  }

  private changed(): void {
    this.dirty = true;
    if (!this.firstSent || this.stopped || this.debounceTimer !== undefined) return;
    this.debounceTimer = this.options.clock.setTimeout(() => {
      this.debounceTimer = undefined;
      void this.produce();
    }, this.options.debounceMs);
  }

  private async produce(): Promise<void> {
    if (this.producing) {
      // One at a time; the one asked for meanwhile follows through the debounce.
      this.again = true;
      return;
    }
    this.producing = this.encodeAndOffer().finally(() => {
      this.producing = undefined;
      if (this.again) {
        this.again = false;
        this.changed();
      }
    });
    await this.producing;
    if (this.stopped) return;
    const { clock } = this.options;
    clock.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = clock.setTimeout(() => void this.produce(), this.options.heartbeatMs);
  }

  private async encodeAndOffer(): Promise<void> {
    const { clock, probes } = this.options;
    if (probes.enabled && !this.stopped)
      this.prober.sync(probeTargets(this.state, probes.defaultRefreshMs));
    this.dirty = false;
    this.sequence += 1;
    const unsynced = this.state.unsynced();
    const snapshot = buildSnapshot(this.state, {
      cluster: this.options.cluster,
      instance: this.instance,
      version: VERSION,
      sequence: this.sequence,
      sentAt: new Date(clock.now()),
      heartbeatSeconds: this.options.heartbeatMs / 1000,
      health: this.prober.health(),
      unsynced,
      ...(this.options.restartAllowed ? { restartAllowed: this.options.restartAllowed } : {}),
    });
    const body = await gzip(Buffer.from(JSON.stringify(snapshot)));
    this.lastSnapshot = snapshot;
    this.lastSnapshotBytes = body.length;
    if (this.firstSnapshotAt === undefined && unsynced.length === 0)
      this.firstSnapshotAt = clock.now();
    this.metrics.snapshots.inc();
    this.metrics.snapshotBytes.set(body.length);
    for (const sender of this.senders) sender.offer({ sequence: snapshot.sequence, body });
  }
}
