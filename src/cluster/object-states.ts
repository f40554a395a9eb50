/**
 * What the app keeps of a snapshot in storage: for each object, its state reduced to the few
 * values whose change is worth a write. Counts that move all the time (ready endpoints 3 → 2,
 * healthy pods 5 → 4) stay in memory with the snapshot; a record changes only when the object
 * becomes unavailable, available again, starts or ends a rollout, or starts or stops failing.
 *
 * Records are keyed `<cluster>/<namespace>/<name>`, one kind per kind of object, so the
 * Deployment and the StatefulSet of one name never share a record. Every body carries `since`:
 * when its `state` began, as the app saw it; a change of another field keeps it.
 */
import type { Json } from '../../storage-drivers/types.ts';
import type { ClusterSnapshot, SnapshotHealth, SnapshotWorkload } from './snapshot-schema.ts';

export const CLUSTER_KIND = {
  /** A Service: `available` while it has a ready endpoint. */
  service: 'cluster_service_state',
  deployment: 'cluster_deployment_state',
  statefulset: 'cluster_statefulset_state',
  /** An FT service with `hasHealthcheck`: its pods' `__health` checks. */
  health: 'cluster_health_state',
} as const;

export type ClusterKind = (typeof CLUSTER_KIND)[keyof typeof CLUSTER_KIND];
export const CLUSTER_KINDS: readonly ClusterKind[] = Object.values(CLUSTER_KIND);

export interface ServiceStateBody {
  cluster: string;
  namespace: string;
  name: string;
  state: 'available' | 'unavailable';
  since: string;
}

export interface WorkloadStateBody {
  cluster: string;
  namespace: string;
  name: string;
  /** `available`: every desired replica is available (k8s-controller-heartbeat's 200); `partial`: some are. */
  state: 'available' | 'partial' | 'unavailable';
  /** What `kubectl rollout status` would say. */
  rollout: 'complete' | 'progressing' | 'failed' | 'paused';
  since: string;
}

export interface HealthStateBody {
  cluster: string;
  namespace: string;
  name: string;
  state: 'healthy' | 'unhealthy' | 'no_pods';
  /** The most severe failing check's severity (1 is the worst), null while nothing fails. */
  severity: number | null;
  /** Names of the failing checks, sorted, at most MAX_FAILING_CHECKS. */
  failing: string[];
  since: string;
}

export type ObjectStateBody = ServiceStateBody | WorkloadStateBody | HealthStateBody;
/** A body before `since` is known (Omit that distributes over the union). */
export type ObjectStateFields = ObjectStateBody extends infer B
  ? B extends ObjectStateBody
    ? Omit<B, 'since'>
    : never
  : never;

/** One object's state as a snapshot shows it, before `since` is known. */
export interface ObjectState {
  kind: ClusterKind;
  id: string;
  body: ObjectStateFields;
}

const MAX_FAILING_CHECKS = 20;
const MAX_ID = 200;

/** FNV-1a (32 bits, twice with different seeds): a stable short suffix, no crypto needed. */
function shortHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193) >>> 0;
    b = Math.imul(b ^ code, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** `<cluster>/<namespace>/<name>`; past the 200 characters a record id may have, cut and made unique by a hash. */
export function objectId(cluster: string, namespace: string, name: string): string {
  const id = `${cluster}/${namespace}/${name}`;
  return id.length <= MAX_ID ? id : `${id.slice(0, MAX_ID - 18)}~${shortHash(id)}`;
}

/** The part of a body a change is detected on: everything but `since`. */
export function stateSignature(body: Json | ObjectStateFields): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return '';
  const { since: _since, ...rest } = body as Record<string, unknown>;
  return JSON.stringify(rest);
}

export function workloadState(workload: SnapshotWorkload): WorkloadStateBody['state'] {
  if (workload.available >= workload.desired) return 'available';
  return workload.available === 0 ? 'unavailable' : 'partial';
}

/** The agent's own reading when it sends one; else the rules `kubectl rollout status` applies. */
export function rolloutState(workload: SnapshotWorkload): WorkloadStateBody['rollout'] {
  if (workload.rollout) return workload.rollout.state;
  if (workload.paused) return 'paused';
  if (workload.conditions.progressing?.reason === 'ProgressDeadlineExceeded') return 'failed';
  if (workload.observedGeneration < workload.generation) return 'progressing';
  if (workload.updated < workload.desired) return 'progressing';
  const settled = workload.kind === 'Deployment' ? workload.available : workload.ready;
  return settled < workload.updated ? 'progressing' : 'complete';
}

function healthBody(cluster: string, health: SnapshotHealth): Omit<HealthStateBody, 'since'> {
  const failing = new Set<string>();
  let severity: number | null = null;
  let podErrors = false;
  for (const pod of health.failing) {
    if (pod.checks.length === 0) podErrors = true;
    for (const check of pod.checks) {
      if (check.ok) continue;
      failing.add(check.name);
      severity = severity === null ? check.severity : Math.min(severity, check.severity);
    }
  }
  // A pod that could not be asked fails like FT's aggregate counts it: as a severity-1 failure.
  if (podErrors) {
    failing.add('pod health endpoint unreachable');
    severity = 1;
  }
  const state = failing.size > 0 ? 'unhealthy' : health.pods.total === 0 ? 'no_pods' : 'healthy';
  return {
    cluster,
    namespace: health.namespace,
    name: health.service,
    state,
    severity,
    failing: [...failing].sort().slice(0, MAX_FAILING_CHECKS),
  };
}

/** Every object of a snapshot the app keeps a state record for. */
export function objectStates(snapshot: ClusterSnapshot): ObjectState[] {
  const { cluster } = snapshot;
  const states: ObjectState[] = [];
  for (const service of snapshot.services) {
    states.push({
      kind: CLUSTER_KIND.service,
      id: objectId(cluster, service.namespace, service.name),
      body: {
        cluster,
        namespace: service.namespace,
        name: service.name,
        state: service.readyEndpoints > 0 ? 'available' : 'unavailable',
      },
    });
  }
  for (const workload of snapshot.workloads) {
    states.push({
      kind: workload.kind === 'Deployment' ? CLUSTER_KIND.deployment : CLUSTER_KIND.statefulset,
      id: objectId(cluster, workload.namespace, workload.name),
      body: {
        cluster,
        namespace: workload.namespace,
        name: workload.name,
        state: workloadState(workload),
        rollout: rolloutState(workload),
      },
    });
  }
  for (const health of snapshot.health) {
    states.push({
      kind: CLUSTER_KIND.health,
      id: objectId(cluster, health.namespace, health.service),
      body: healthBody(cluster, health),
    });
  }
  return states;
}

/** Watches whose objects feed each kind: while one of them has not listed, the kind is left alone. */
const SOURCES: Record<ClusterKind, readonly string[]> = {
  [CLUSTER_KIND.service]: ['services', 'endpointslices', 'endpoints'],
  [CLUSTER_KIND.deployment]: ['deployments'],
  [CLUSTER_KIND.statefulset]: ['statefulsets'],
  [CLUSTER_KIND.health]: ['services', 'pods'],
};

/** What a snapshot can be believed about, so a half-started agent does not make states flap. */
export interface Coverage {
  /** The snapshot's objects of this kind may change records (every watch behind them has listed). */
  trusted(kind: ClusterKind): boolean;
  /** A record absent from the snapshot may be removed: its object is gone, not just unseen yet. */
  mayRemove(kind: ClusterKind, id: string): boolean;
}

export function coverage(snapshot: ClusterSnapshot): Coverage {
  const unsynced = new Set(snapshot.unsynced ?? []);
  const trusted = (kind: ClusterKind) => !SOURCES[kind].some((watch) => unsynced.has(watch));
  // An FT service's results arrive after its first probe: until then it is unprobed, not gone.
  const probed = new Set(
    snapshot.services
      .filter((service) => service.hasHealthcheck)
      .map((service) => objectId(snapshot.cluster, service.namespace, service.name)),
  );
  return {
    trusted,
    mayRemove: (kind, id) => trusted(kind) && (kind !== CLUSTER_KIND.health || !probed.has(id)),
  };
}
