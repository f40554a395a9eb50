/**
 * The snapshot an in-cluster agent pushes to `POST /api/agent/v1/snapshots`: the cluster's whole
 * observed state, shared by the agent (which builds it) and the app (which validates it).
 *
 * Rules for changing it: version 1 only grows. New fields are optional, so an app older than its
 * agents keeps accepting their snapshots (unknown keys are dropped, not refused) and an agent older
 * than the app keeps being accepted. A field that changes meaning needs `version: 2`.
 *
 * Field notes the app relies on:
 * - Counts are of endpoints (EndpointSlice entries, or Endpoints addresses on clusters without
 *   EndpointSlices): `readyEndpoints` is what status-service calls "has an address".
 * - A cluster-scoped `StatusServicesGroup` has `namespace: ''`.
 * - `health[].failing` lists only pods that failed their probe; healthy pods are only counted.
 * - `pods.failing` lists only pods that are not Running+Ready or Succeeded, capped; `omitted` says
 *   how many more were left out so the snapshot stays small.
 * - Times are ISO 8601 strings.
 * - `unsynced` (optional, added after the first version): kinds whose watches had not finished
 *   their first list when the snapshot was made, so what they cover may be missing rather than
 *   gone: `services`, `endpointslices`, `endpoints`, `deployments`, `statefulsets`, `pods`,
 *   `categories`, `acknowledgements`, `statusservices`, `statusservicesgroup` (one name per kind,
 *   whatever the namespaces watched).
 */
import { z } from 'zod';

/** Kubernetes object names are DNS subdomains: at most 253 characters. */
const name = z.string().min(1).max(253);
const namespace = z.string().max(63);
const count = z.number().int().min(0);
const text = z.string().max(4096);
const conditionStatus = z.enum(['True', 'False', 'Unknown']);

const condition = z.object({
  status: conditionStatus,
  reason: z.string().max(256).optional(),
  message: text.optional(),
});

const service = z.object({
  namespace,
  name,
  /** Endpoints whose `ready` condition is true (a missing condition counts as ready). */
  readyEndpoints: count,
  /** Endpoints whose `serving` condition is true (missing: the value of `ready`). */
  servingEndpoints: count,
  /** Endpoints whose `terminating` condition is true. */
  terminatingEndpoints: count,
  /** The FT label `hasHealthcheck: "true"`: its pods' `__health` are probed (see `health`). */
  hasHealthcheck: z.boolean(),
  labels: z.record(z.string(), z.string()).optional(),
});

/** status-service's `StatusServices` (appmirage.io/v1), spec fields under their own names. */
const statusService = z.object({
  namespace,
  name,
  uid: z.string().max(64).optional(),
  /** A Service in the same namespace. */
  serviceName: name,
  displayName: z.string().max(512),
  displayDescription: text.optional(),
  /** The `metadata.name` of a `StatusServicesGroup`. */
  group: z.string().max(253).optional(),
  generation: count.optional(),
});

const statusServiceGroup = z.object({
  namespace,
  name,
  displayName: z.string().max(512),
  displayDescription: text.optional(),
});

/** The state `kubectl rollout status` would report for the workload. */
const rollout = z.object({
  state: z.enum(['complete', 'progressing', 'failed', 'paused']),
  message: text,
});

const workload = z.object({
  kind: z.enum(['Deployment', 'StatefulSet']),
  namespace,
  name,
  desired: count,
  updated: count,
  ready: count,
  available: count,
  generation: count,
  observedGeneration: count,
  paused: z.boolean().optional(),
  conditions: z.object({
    available: condition.optional(),
    progressing: condition.optional(),
  }),
  rollout: rollout.optional(),
  /** Whether the agent's own allow-list lets the app ask it to restart this workload. */
  restartAllowed: z.boolean().optional(),
});

/** One check of an FT `__health` answer, with FT's field names. */
const healthCheck = z.object({
  id: z.string().max(256).optional(),
  name: z.string().max(512),
  ok: z.boolean(),
  severity: z.number().int().min(1).max(3),
  businessImpact: text,
  technicalSummary: text,
  panicGuide: text,
  lastUpdated: z.string().max(64),
  checkOutput: text.optional(),
});

const failingPod = z.object({
  pod: name,
  /** The failing checks only; empty when the pod could not be asked (see `error`). */
  checks: z.array(healthCheck).max(100),
  /** Why the pod counts as failing without checks: timeout, refused, HTTP 503, not JSON. */
  error: text.optional(),
});

const health = z.object({
  namespace,
  service: name,
  /** The categories listing this service (`default` lists every service). */
  categories: z.array(z.string().max(253)).max(100),
  /** FT's `isResilient` label (default true) and `isDaemon` label (default false). */
  resilient: z.boolean().optional(),
  daemon: z.boolean().optional(),
  /** Desired replicas of the Deployment/StatefulSet behind the service; absent if none was found. */
  desiredReplicas: count.optional(),
  pods: z.object({ total: count, healthy: count }),
  failing: z.array(failingPod).max(1000),
  /** All probed pods answered `__gtg` with 200; absent when `__gtg` is not probed. */
  gtg: z.boolean().optional(),
  checkedAt: z.string().max(64).optional(),
});

const category = z.object({
  name: z.string().min(1).max(253),
  services: z.array(z.string().max(253)).max(10000),
  /** Seconds between probes of the category's services. */
  refreshRate: z.number().positive(),
  isSticky: z.boolean(),
  enabled: z.boolean(),
  failureThreshold: count.optional(),
});

const acknowledgement = z.object({
  namespace: namespace.optional(),
  service: name,
  message: text,
});

const failingWorkloadPod = z.object({
  namespace,
  name,
  phase: z.string().max(32),
  reason: z.string().max(256).optional(),
  restarts: count,
  ready: z.boolean(),
});

export const clusterSnapshotSchema = z.object({
  version: z.literal(1),
  cluster: z.string().min(1).max(128),
  agent: z.object({ instance: z.string().min(1).max(128), version: z.string().max(64) }),
  /** Grows by one per snapshot of one agent instance; a restarted agent is a new instance. */
  sequence: count,
  sentAt: z.iso.datetime({ offset: true }),
  /** The agent promises a snapshot at least this often; silence beyond it means trouble. */
  heartbeatSeconds: z.number().positive().max(86400),
  services: z.array(service),
  statusServices: z.array(statusService),
  statusServiceGroups: z.array(statusServiceGroup),
  workloads: z.array(workload),
  health: z.array(health),
  categories: z.array(category),
  acknowledgements: z.array(acknowledgement),
  pods: z.object({
    total: count,
    byPhase: z.record(z.string(), count),
    failing: z.array(failingWorkloadPod).max(5000),
    omitted: count.optional(),
  }),
  unsynced: z.array(z.string().max(256)).max(200).optional(),
});

export type ClusterSnapshot = z.infer<typeof clusterSnapshotSchema>;
export type SnapshotService = ClusterSnapshot['services'][number];
export type SnapshotStatusService = ClusterSnapshot['statusServices'][number];
export type SnapshotStatusServiceGroup = ClusterSnapshot['statusServiceGroups'][number];
export type SnapshotWorkload = ClusterSnapshot['workloads'][number];
export type SnapshotHealth = ClusterSnapshot['health'][number];
export type SnapshotHealthCheck = SnapshotHealth['failing'][number]['checks'][number];
export type SnapshotCategory = ClusterSnapshot['categories'][number];
export type SnapshotAcknowledgement = ClusterSnapshot['acknowledgements'][number];
export type SnapshotPods = ClusterSnapshot['pods'];

/** `services[3].readyEndpoints`, the way config errors name keys. */
export function snapshotPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(top level)';
}

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  constructor(readonly problems: string[]) {
    super(`invalid snapshot: ${problems.join('; ')}`);
  }
}

export type SnapshotResult =
  { ok: true; snapshot: ClusterSnapshot } | { ok: false; problems: string[] };

/** Validates a decoded body; each problem names the field, e.g. `workloads[0].desired: ...`. */
export function safeParseClusterSnapshot(value: unknown): SnapshotResult {
  const result = clusterSnapshotSchema.safeParse(value);
  if (result.success) return { ok: true, snapshot: result.data };
  const problems = result.error.issues
    .slice(0, 20)
    .map((issue) => `${snapshotPath(issue.path)}: ${issue.message}`);
  return { ok: false, problems };
}

/** Like safeParseClusterSnapshot, but throws a SnapshotError listing the problems. */
export function parseClusterSnapshot(value: unknown): ClusterSnapshot {
  const result = safeParseClusterSnapshot(value);
  if (!result.ok) throw new SnapshotError(result.problems);
  return result.snapshot;
}
