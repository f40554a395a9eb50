/**
 * Cluster health: the state machines run on each applied snapshot (and on the clock), and the
 * read API every surface uses. `view(cluster)` is the one answer to "how is this cluster": its
 * status-service objects with their state, its workloads with their availability, its FT services
 * with their checks, its categories, and whether the cluster has gone silent.
 *
 * For the page, admin and metrics code: read through `view()` / `views()` only; states here are
 * already effective as of `now` (a warning past `error_after` reads as error before the next
 * snapshot writes it), and `stale` uses `cluster_health.stale_after` (default three of the
 * agent's heartbeats) against the registry's last snapshot time.
 */
import type { RecordStore } from '../replication/types.ts';
import type { ClusterHealthConfig } from '../config/schema.ts';
import { CLUSTER_KIND, objectId, rolloutState, workloadState } from './object-states.ts';
import type { WorkloadStateBody } from './object-states.ts';
import type { ClusterRegistry } from './registry.ts';
import type { ClusterSnapshot, SnapshotWorkload } from './snapshot-schema.ts';
import {
  ackId,
  categoryId,
  HEALTH_KIND,
  worseStatus,
  type AckBody,
  type CategoryBody,
  type StatusState,
} from './health-records.ts';
import {
  effectiveStatus,
  readStatusService,
  statusServicePass,
  statusUid,
} from './status-machine.ts';
import {
  ackRecord,
  effectiveAck,
  ftCategories,
  ftChecks,
  stickyPass,
  type FtCategory,
  type FtServiceCheck,
} from './ft-state.ts';
import { collectHealthRecords } from './health-retention.ts';

export interface StatusServiceView {
  /** status-service's id for it (`uid`). */
  id: string;
  namespace: string;
  name: string;
  serviceName: string;
  displayName: string;
  displayDescription?: string;
  group?: string;
  state: StatusState;
  since: string | undefined;
  readyEndpoints: number;
}

export interface WorkloadView {
  kind: SnapshotWorkload['kind'];
  namespace: string;
  name: string;
  desired: number;
  available: number;
  updated: number;
  ready: number;
  state: WorkloadStateBody['state'];
  rollout: WorkloadStateBody['rollout'];
  /** What k8s-controller-heartbeat answers 200 for: every desired replica available, no rollout under way or failed. */
  healthy: boolean;
  since: string | undefined;
}

export interface ClusterHealthView {
  cluster: string;
  /** When the applied snapshot arrived (ms); null when none has since this instance started. */
  lastSnapshotAt: number | null;
  staleAfterMs: number;
  /** No snapshot, or none for `staleAfterMs`: nothing here may be read as healthy. */
  stale: boolean;
  /** status-service's overall state (worst of its objects; ok with none). */
  overall: StatusState;
  statusServices: StatusServiceView[];
  groups: { name: string; displayName: string; displayDescription?: string }[];
  workloads: WorkloadView[];
  ft: FtServiceCheck[];
  categories: FtCategory[];
  snapshot: ClusterSnapshot | undefined;
}

export interface ClusterHealthOptions {
  store: RecordStore;
  registry: ClusterRegistry;
  config: ClusterHealthConfig;
  timeZone: string;
  now?: () => number;
}

const DEFAULT_HEARTBEAT_MS = 30_000;
const COLLECT_EVERY_MS = 60 * 60_000;
const WRITE_BATCH = 200;

export function workloadHealthy(workload: SnapshotWorkload): boolean {
  const rollout = rolloutState(workload);
  return (
    workloadState(workload) === 'available' && (rollout === 'complete' || rollout === 'paused')
  );
}

export class ClusterHealth {
  private readonly now: () => number;
  private lastCollect = -Infinity;
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly options: ClusterHealthOptions) {
    this.now = options.now ?? Date.now;
  }

  get config(): ClusterHealthConfig {
    return this.options.config;
  }

  get store(): RecordStore {
    return this.options.store;
  }

  get timeZone(): string {
    return this.options.timeZone;
  }

  /** The cluster unprefixed routes answer for: `default_cluster`, else the only one known. */
  defaultCluster(): string | undefined {
    if (this.options.config.default_cluster) return this.options.config.default_cluster;
    const clusters = this.options.registry.list();
    return clusters.length === 1 ? clusters[0]!.cluster : undefined;
  }

  clusters(): string[] {
    return this.options.registry.list().map((view) => view.cluster);
  }

  /** Runs the state machines for an applied snapshot; one pass per cluster at a time. */
  observe(snapshot: ClusterSnapshot): Promise<void> {
    const previous = this.running.get(snapshot.cluster) ?? Promise.resolve();
    const next = previous.then(
      () => this.pass(snapshot),
      () => this.pass(snapshot),
    );
    this.running.set(snapshot.cluster, next);
    return next;
  }

  /** Evaluates every cluster on the clock alone (escalations due without a new snapshot), and collects. */
  async tick(): Promise<void> {
    for (const view of this.options.registry.list())
      if (view.snapshot && !this.isStale(view.receivedAt, view.snapshot))
        await this.observe(view.snapshot);
    await this.collectIfDue();
  }

  private async pass(snapshot: ClusterSnapshot): Promise<void> {
    const { store } = this.options;
    if (store.loadState.source === 'none') return;
    const now = this.now();
    const mutations = [
      ...statusServicePass(store, snapshot, now, {
        errorAfterMs: this.options.config.error_after,
        timeZone: this.options.timeZone,
      }),
      ...stickyPass(store, snapshot, now),
    ];
    for (let i = 0; i < mutations.length; i += WRITE_BATCH)
      await store.write(mutations.slice(i, i + WRITE_BATCH));
    await this.collectIfDue();
  }

  private async collectIfDue(): Promise<void> {
    const now = this.now();
    if (now - this.lastCollect < COLLECT_EVERY_MS) return;
    this.lastCollect = now;
    await this.collect();
  }

  /** Deletes state changes past `detail_retention` and daily states past `daily_retention`. */
  collect(): Promise<number> {
    return collectHealthRecords(this.options.store, this.now(), this.options.config);
  }

  staleAfterMs(snapshot: ClusterSnapshot | undefined): number {
    return (
      this.options.config.stale_after ??
      3 * (snapshot ? snapshot.heartbeatSeconds * 1000 : DEFAULT_HEARTBEAT_MS)
    );
  }

  private isStale(receivedAt: number | undefined, snapshot: ClusterSnapshot | undefined): boolean {
    return (
      receivedAt === undefined || !snapshot || this.now() - receivedAt > this.staleAfterMs(snapshot)
    );
  }

  views(): ClusterHealthView[] {
    return this.clusters().map((cluster) => this.view(cluster)!);
  }

  /** Undefined for a cluster neither configured nor heard from. */
  view(cluster: string): ClusterHealthView | undefined {
    const entry = this.options.registry.get(cluster);
    if (!entry) return undefined;
    const { store } = this.options;
    const snapshot = entry.snapshot;
    const now = this.now();
    const statusServices: StatusServiceView[] = [];
    for (const spec of snapshot?.statusServices ?? []) {
      const stored = readStatusService(store, objectId(cluster, spec.namespace, spec.name));
      const current = stored
        ? effectiveStatus(stored, now, this.options.config.error_after)
        : undefined;
      const service = snapshot!.services.find(
        (s) => s.namespace === spec.namespace && s.name === spec.serviceName,
      );
      const ready = service?.readyEndpoints ?? 0;
      // The snapshot wins over a record not written yet (a failed write is retried with the next
      // snapshot); the record gives `since` and the escalation.
      const live = ready > 0 ? 'ok' : 'warning';
      const state =
        live === 'ok' ? 'ok' : current && current.state !== 'ok' ? current.state : 'warning';
      const since = current && current.state === state ? current.since : undefined;
      statusServices.push({
        id: statusUid(spec),
        namespace: spec.namespace,
        name: spec.name,
        serviceName: spec.serviceName,
        displayName: spec.displayName,
        ...(spec.displayDescription ? { displayDescription: spec.displayDescription } : {}),
        ...(spec.group ? { group: spec.group } : {}),
        state,
        since,
        readyEndpoints: ready,
      });
    }
    const workloads: WorkloadView[] = (snapshot?.workloads ?? []).map((workload) => {
      const kind =
        workload.kind === 'Deployment' ? CLUSTER_KIND.deployment : CLUSTER_KIND.statefulset;
      const stored = store.get(kind, objectId(cluster, workload.namespace, workload.name))?.body as
        WorkloadStateBody | undefined;
      return {
        kind: workload.kind,
        namespace: workload.namespace,
        name: workload.name,
        desired: workload.desired,
        available: workload.available,
        updated: workload.updated,
        ready: workload.ready,
        state: workloadState(workload),
        rollout: rolloutState(workload),
        healthy: workloadHealthy(workload),
        since: stored?.since,
      };
    });
    return {
      cluster,
      lastSnapshotAt: entry.receivedAt ?? null,
      staleAfterMs: this.staleAfterMs(snapshot),
      stale: this.isStale(entry.receivedAt, snapshot),
      overall: statusServices.reduce<StatusState>((worst, s) => worseStatus(worst, s.state), 'ok'),
      statusServices,
      groups: (snapshot?.statusServiceGroups ?? []).map((group) => ({
        name: group.name,
        displayName: group.displayName,
        ...(group.displayDescription ? { displayDescription: group.displayDescription } : {}),
      })),
      workloads,
      ft: snapshot ? ftChecks(store, snapshot) : [],
      categories: snapshot ? ftCategories(store, snapshot) : [],
      snapshot,
    };
  }

  /** Sets an FT service's acknowledgement; false when the cluster's snapshot has no such service. */
  async acknowledge(
    cluster: string,
    service: string,
    message: string,
    by: string,
  ): Promise<boolean> {
    const health = this.ftService(cluster, service);
    if (!health) return false;
    const body: AckBody = {
      cluster,
      namespace: health.namespace,
      service,
      message,
      by,
      at: new Date(this.now()).toISOString(),
    };
    await this.options.store.write([
      { kind: HEALTH_KIND.ack, id: ackId(cluster, health.namespace, service), body: { ...body } },
    ]);
    return true;
  }

  /** Removes it, the ConfigMap's one included (until the ConfigMap says something else). */
  async removeAcknowledgement(cluster: string, service: string, by: string): Promise<boolean> {
    const snapshot = this.options.registry.get(cluster)?.snapshot;
    const health = this.ftService(cluster, service);
    if (!snapshot || !health) return false;
    const record = ackRecord(this.options.store, cluster, health.namespace, service);
    const shown = effectiveAck(this.options.store, snapshot, health);
    if (!shown && !record) return true;
    const fromCluster = snapshot.acknowledgements.find((a) => a.service === service)?.message;
    const body: AckBody = {
      cluster,
      namespace: health.namespace,
      service,
      message: null,
      ...(fromCluster ? { suppressed: fromCluster } : {}),
      by,
      at: new Date(this.now()).toISOString(),
    };
    await this.options.store.write([
      { kind: HEALTH_KIND.ack, id: ackId(cluster, health.namespace, service), body: { ...body } },
    ]);
    return true;
  }

  /** Enables or disables a category; false when the cluster has no such category. */
  async setCategory(cluster: string, name: string, enabled: boolean, by: string): Promise<boolean> {
    const view = this.view(cluster);
    if (!view?.categories.some((c) => c.name === name)) return false;
    const body: CategoryBody = {
      cluster,
      name,
      enabled,
      reason: 'admin',
      by,
      at: new Date(this.now()).toISOString(),
    };
    await this.options.store.write([
      { kind: HEALTH_KIND.category, id: categoryId(cluster, name), body: { ...body } },
    ]);
    return true;
  }

  private ftService(cluster: string, service: string) {
    return this.options.registry.get(cluster)?.snapshot?.health.find((h) => h.service === service);
  }
}
