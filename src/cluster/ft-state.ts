/**
 * FT's aggregate-healthcheck over a snapshot: each FT service's check as the aggregate shows it,
 * its acknowledgement, the categories and which of them are enabled, and the sticky rule.
 *
 * Acknowledgements come from two places: the cluster's `healthcheck.ack.messages` ConfigMap (as
 * the agent reads it) and `cluster_ack` records written through Staunch, which win and survive
 * restarts. Categories likewise: the ConfigMap's `category.enabled`, overridden by a
 * `cluster_category` record. The `default` category (every service) always exists, so the
 * no-parameter `__gtg` works without its ConfigMap.
 *
 * Sticky: an enabled sticky category is disabled when one of its services is failing in a
 * snapshot and that failure began after the category was last enabled. It is decided per
 * failure, not per request (the original counts requests, so a burst of reads disables a
 * category), and a re-enabled category is not disabled again by the failure it already saw.
 */
import type { Mutation, RecordStore } from '../replication/types.ts';
import type { Json } from '../../storage-drivers/types.ts';
import { CLUSTER_KIND, objectId, type HealthStateBody } from './object-states.ts';
import type { ClusterSnapshot, SnapshotHealth, SnapshotHealthCheck } from './snapshot-schema.ts';
import {
  ackId,
  categoryId,
  HEALTH_KIND,
  type AckBody,
  type CategoryBody,
} from './health-records.ts';

type Reader = Pick<RecordStore, 'get' | 'list'>;

export interface FtPod {
  pod: string;
  checks: SnapshotHealthCheck[];
  error?: string;
}

export interface FtServiceCheck {
  namespace: string;
  service: string;
  categories: string[];
  ok: boolean;
  /** 1 (critical) or 2 (warning), as the aggregate computes it; 2 when ok. */
  severity: 1 | 2;
  /** `"{healthy}/{total} pods available"`, or why the service fails without pods. */
  output: string;
  /** ISO time of the agent's last probe, else of the snapshot. */
  lastUpdated: string;
  /** The acknowledgement in force, if any. */
  ack?: string;
  pods: { total: number; healthy: number };
  failing: FtPod[];
  /** When the current failure (or health) began, from the stored state. */
  since?: string;
}

export interface FtCategory {
  name: string;
  services: string[];
  isSticky: boolean;
  enabled: boolean;
  refreshRate: number;
  /** Why it is disabled when a record says so. */
  disabledBy?: 'sticky' | 'admin';
  /** The service whose failure disabled a sticky category. */
  disabledFor?: string;
  changedAt?: string;
}

export function ackRecord(store: Reader, cluster: string, namespace: string, service: string) {
  return store.get(HEALTH_KIND.ack, ackId(cluster, namespace, service))?.body as
    AckBody | undefined;
}

/** Records written by older or other code may carry no namespace: match the ConfigMap's rule. */
function configMapAck(snapshot: ClusterSnapshot, health: SnapshotHealth): string | undefined {
  return snapshot.acknowledgements.find(
    (ack) =>
      ack.service === health.service &&
      (ack.namespace === undefined || ack.namespace === health.namespace),
  )?.message;
}

export function effectiveAck(
  store: Reader,
  snapshot: ClusterSnapshot,
  health: SnapshotHealth,
): string | undefined {
  const record = ackRecord(store, snapshot.cluster, health.namespace, health.service);
  const fromCluster = configMapAck(snapshot, health);
  if (!record) return fromCluster || undefined;
  if (record.message !== null) return record.message;
  return fromCluster && fromCluster !== record.suppressed ? fromCluster : undefined;
}

function severityOf(health: SnapshotHealth): 1 | 2 {
  const severities = health.failing.flatMap((pod) =>
    pod.checks.filter((c) => !c.ok).map((c) => c.severity),
  );
  if (severities.length === 0) return 2;
  if (health.resilient !== false && health.pods.healthy > 0) return 2;
  return Math.min(...severities) <= 1 ? 1 : 2;
}

function serviceOk(health: SnapshotHealth): { ok: boolean; output: string } {
  const counts = `${health.pods.healthy}/${health.pods.total} pods available`;
  if (health.failing.length > 0) return { ok: false, output: counts };
  if (health.daemon === true && health.pods.total === 0) return { ok: false, output: counts };
  if (health.daemon === false && health.desiredReplicas === undefined)
    return { ok: false, output: `cannot find deployment for service with name ${health.service}` };
  if (health.pods.total === 0 && (health.desiredReplicas ?? 0) !== 0)
    return { ok: false, output: counts };
  return { ok: true, output: counts };
}

export function ftChecks(store: Reader, snapshot: ClusterSnapshot): FtServiceCheck[] {
  return snapshot.health
    .map((health) => {
      const { ok, output } = serviceOk(health);
      const ack = effectiveAck(store, snapshot, health);
      const stored = store.get(
        CLUSTER_KIND.health,
        objectId(snapshot.cluster, health.namespace, health.service),
      )?.body as HealthStateBody | undefined;
      return {
        namespace: health.namespace,
        service: health.service,
        categories: health.categories,
        ok,
        severity: ok ? 2 : severityOf(health),
        output,
        lastUpdated: health.checkedAt ?? snapshot.sentAt,
        ...(ack ? { ack } : {}),
        pods: health.pods,
        failing: health.failing,
        ...(stored?.since ? { since: stored.since } : {}),
      } satisfies FtServiceCheck;
    })
    .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
}

export function categoryRecord(store: Reader, cluster: string, name: string) {
  return store.get(HEALTH_KIND.category, categoryId(cluster, name))?.body as
    CategoryBody | undefined;
}

export function ftCategories(store: Reader, snapshot: ClusterSnapshot): FtCategory[] {
  const listed = [...snapshot.categories];
  if (!listed.some((c) => c.name === 'default'))
    listed.push({ name: 'default', services: [], refreshRate: 60, isSticky: false, enabled: true });
  return listed
    .map((category) => {
      const record = categoryRecord(store, snapshot.cluster, category.name);
      const enabled = record ? record.enabled : category.enabled;
      return {
        name: category.name,
        services: category.services,
        isSticky: category.isSticky,
        enabled,
        refreshRate: category.refreshRate,
        ...(record && !record.enabled ? { disabledBy: record.reason } : {}),
        ...(record?.service && !record.enabled ? { disabledFor: record.service } : {}),
        ...(record ? { changedAt: record.at } : {}),
      } satisfies FtCategory;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The categories a request names (comma list, default `default`), dropping unknown ones as FT
 * does; null when none is left. `default` among them selects every service.
 */
export function selectCategories(
  categories: readonly FtCategory[],
  requested: string | undefined,
): { selected: FtCategory[]; includes(check: FtServiceCheck): boolean } | null {
  const names = (requested || 'default')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const selected = categories.filter((c) => names.includes(c.name));
  if (selected.length === 0) return null;
  const all = selected.some((c) => c.name === 'default');
  const services = new Set(selected.flatMap((c) => c.services));
  return {
    selected,
    includes: (check) =>
      all || services.has(check.service) || check.categories.some((c) => names.includes(c)),
  };
}

/** FT's final result: not ok without checks, with a disabled category, or with an unacknowledged failure. */
export function aggregateOf(
  checks: readonly FtServiceCheck[],
  selected: readonly FtCategory[],
): { ok: boolean; severity?: 1 | 2 } {
  const failing = checks.filter((check) => !check.ok && !check.ack);
  const disabled = selected.some((category) => !category.enabled);
  const ok = checks.length > 0 && !disabled && failing.length === 0;
  if (ok) return { ok };
  const severity = failing.some((check) => check.severity === 1) ? 1 : 2;
  return { ok, severity };
}

/** Records disabling the sticky categories whose services started failing since they were enabled. */
export function stickyPass(store: Reader, snapshot: ClusterSnapshot, now: number): Mutation[] {
  const checks = ftChecks(store, snapshot);
  const mutations: Mutation[] = [];
  for (const category of ftCategories(store, snapshot)) {
    if (!category.isSticky || !category.enabled || category.name === 'default') continue;
    const enabledAt = category.changedAt ? Date.parse(category.changedAt) : -Infinity;
    const culprit = checks.find(
      (check) =>
        !check.ok &&
        (category.services.includes(check.service) || check.categories.includes(category.name)) &&
        // Acks do not stop a sticky category, as in FT; a failure it already saw does.
        (check.since === undefined ||
          Date.parse(check.since) > enabledAt ||
          enabledAt === -Infinity),
    );
    if (!culprit) continue;
    const body: CategoryBody = {
      cluster: snapshot.cluster,
      name: category.name,
      enabled: false,
      reason: 'sticky',
      service: culprit.service,
      by: 'sticky category',
      at: new Date(now).toISOString(),
    };
    mutations.push({
      kind: HEALTH_KIND.category,
      id: categoryId(snapshot.cluster, category.name),
      body: body as unknown as Json,
    });
  }
  return mutations;
}
