/**
 * What the agent keeps of each object: the few fields a snapshot or a probe needs. An informer
 * stores these instead of whole objects, so 20,000 pods cost a few megabytes.
 */
import type { Slim } from './resilient-watch.ts';

type Raw = Record<string, unknown>;

const obj = (value: unknown): Raw =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {};
const arr = (value: unknown): Raw[] => (Array.isArray(value) ? (value as Raw[]).map(obj) : []);
const num = (value: unknown, fallback = 0): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const strings = (value: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(obj(value)))
    if (typeof item === 'string') out[key] = item;
  return out;
};

function metadata(
  raw: Raw,
  withLabels = false,
): Slim['metadata'] & { labels?: Record<string, string> } {
  const meta = obj(raw.metadata);
  const namespace = str(meta.namespace);
  return {
    name: str(meta.name) ?? '',
    ...(namespace ? { namespace } : {}),
    resourceVersion: str(meta.resourceVersion) ?? '',
    ...(withLabels && meta.labels ? { labels: strings(meta.labels) } : {}),
  };
}

export interface ServiceView extends Slim {
  hasHealthcheck: boolean;
  resilient: boolean;
  daemon: boolean;
  /** targetPort of the port named `app` when a number, else 8080 (a named port gives 0, as FT reads it). */
  appPort: number;
  selector?: Record<string, string>;
}

const flag = (value: string | undefined, fallback: boolean): boolean =>
  value === undefined ? fallback : value === 'true';

export function projectService(raw: Raw): ServiceView {
  const labels = strings(obj(raw.metadata).labels);
  const spec = obj(raw.spec);
  const appPortEntry = arr(spec.ports).find((port) => port.name === 'app');
  const target = appPortEntry?.targetPort;
  const selector = strings(spec.selector);
  return {
    metadata: metadata(raw),
    hasHealthcheck: labels.hasHealthcheck === 'true',
    resilient: flag(labels.isResilient, true),
    daemon: flag(labels.isDaemon, false),
    appPort: appPortEntry ? (typeof target === 'number' ? target : 0) : 8080,
    ...(Object.keys(selector).length ? { selector } : {}),
  };
}

export interface EndpointCounts {
  ready: number;
  serving: number;
  terminating: number;
}

export interface SliceView extends Slim, EndpointCounts {
  /** The Service it belongs to (label `kubernetes.io/service-name`). */
  service?: string;
}

export function projectEndpointSlice(raw: Raw): SliceView {
  const counts: EndpointCounts = { ready: 0, serving: 0, terminating: 0 };
  for (const endpoint of arr(raw.endpoints)) {
    const conditions = obj(endpoint.conditions);
    // The API: a missing `ready` is "unknown" and consumers read it as ready; `serving` defaults
    // to `ready`; `terminating` only counts when set.
    const ready = conditions.ready !== false;
    if (ready) counts.ready += 1;
    if (typeof conditions.serving === 'boolean' ? conditions.serving : ready) counts.serving += 1;
    if (conditions.terminating === true) counts.terminating += 1;
  }
  const service = strings(obj(raw.metadata).labels)['kubernetes.io/service-name'];
  return { metadata: metadata(raw), ...counts, ...(service ? { service } : {}) };
}

/** core/v1 Endpoints, for clusters without EndpointSlices: addresses are ready, the others not. */
export function projectEndpoints(raw: Raw): SliceView {
  let ready = 0;
  for (const subset of arr(raw.subsets)) ready += arr(subset.addresses).length;
  return { metadata: metadata(raw), ready, serving: ready, terminating: 0 };
}

export interface ConditionView {
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface WorkloadView extends Slim {
  kind: 'Deployment' | 'StatefulSet';
  generation: number;
  observedGeneration: number;
  desired: number;
  /** status.replicas: every pod, old revisions included. */
  total: number;
  updated: number;
  ready: number;
  available: number;
  paused: boolean;
  availableCondition?: ConditionView;
  progressingCondition?: ConditionView;
  /** StatefulSets: the update strategy, partition, revisions and governing Service. */
  strategy?: string;
  partition?: number;
  currentRevision?: string;
  updateRevision?: string;
  serviceName?: string;
}

function condition(conditions: Raw[], type: string): ConditionView | undefined {
  const found = conditions.find((item) => item.type === type);
  if (!found) return undefined;
  const status = found.status === 'True' || found.status === 'False' ? found.status : 'Unknown';
  const reason = str(found.reason);
  const message = str(found.message);
  return {
    status,
    ...(reason ? { reason } : {}),
    ...(message ? { message: message.slice(0, 512) } : {}),
  };
}

export function projectWorkload(kind: WorkloadView['kind']) {
  return (raw: Raw): WorkloadView => {
    const meta = obj(raw.metadata);
    const spec = obj(raw.spec);
    const status = obj(raw.status);
    const conditions = arr(status.conditions);
    const view: WorkloadView = {
      metadata: metadata(raw),
      kind,
      generation: num(meta.generation),
      observedGeneration: num(status.observedGeneration),
      // spec.replicas defaults to 1 when left out.
      desired: num(spec.replicas, 1),
      total: num(status.replicas),
      updated: num(status.updatedReplicas),
      ready: num(status.readyReplicas),
      available: num(status.availableReplicas),
      paused: spec.paused === true,
    };
    const available = condition(conditions, 'Available');
    const progressing = condition(conditions, 'Progressing');
    if (available) view.availableCondition = available;
    if (progressing) view.progressingCondition = progressing;
    if (kind === 'StatefulSet') {
      const strategy = obj(spec.updateStrategy);
      view.strategy = str(strategy.type) ?? 'RollingUpdate';
      view.partition = num(obj(strategy.rollingUpdate).partition);
      view.currentRevision = str(status.currentRevision) ?? '';
      view.updateRevision = str(status.updateRevision) ?? '';
      view.serviceName = str(spec.serviceName) ?? '';
    }
    return view;
  };
}

export interface PodView extends Slim {
  metadata: Slim['metadata'] & { labels?: Record<string, string> };
  phase: string;
  ready: boolean;
  restarts: number;
  reason?: string;
  ip?: string;
}

/** Why a pod is not fine, in the words `kubectl get pods` uses. */
function podReason(status: Raw): string | undefined {
  for (const container of arr(status.containerStatuses)) {
    const state = obj(container.state);
    const reason = str(obj(state.waiting).reason) ?? str(obj(state.terminated).reason);
    if (reason && container.ready !== true) return reason;
  }
  const top = str(status.reason);
  if (top) return top;
  const scheduled = arr(status.conditions).find((item) => item.type === 'PodScheduled');
  if (scheduled && scheduled.status === 'False') return str(scheduled.reason);
  return undefined;
}

export function projectPod(raw: Raw): PodView {
  const status = obj(raw.status);
  const ready = arr(status.conditions).some(
    (item) => item.type === 'Ready' && item.status === 'True',
  );
  let restarts = 0;
  for (const container of arr(status.containerStatuses)) restarts += num(container.restartCount);
  const reason = podReason(status);
  const ip = str(status.podIP);
  return {
    metadata: metadata(raw, true),
    phase: str(status.phase) ?? 'Unknown',
    ready,
    restarts,
    ...(reason ? { reason } : {}),
    ...(ip ? { ip } : {}),
  };
}

export interface ConfigMapView extends Slim {
  data: Record<string, string>;
}

export function projectConfigMap(raw: Raw): ConfigMapView {
  return { metadata: metadata(raw), data: strings(raw.data) };
}

export interface StatusServicesView extends Slim {
  uid?: string;
  generation: number;
  serviceName: string;
  displayName: string;
  displayDescription?: string;
  group?: string;
}

export function projectStatusServices(raw: Raw): StatusServicesView {
  const meta = obj(raw.metadata);
  const spec = obj(raw.spec);
  const uid = str(meta.uid);
  const description = str(spec.displayDescription);
  const group = str(spec.group);
  return {
    metadata: metadata(raw),
    ...(uid ? { uid } : {}),
    generation: num(meta.generation),
    serviceName: str(spec.serviceName) ?? '',
    displayName: str(spec.displayName) ?? '',
    ...(description ? { displayDescription: description } : {}),
    ...(group ? { group } : {}),
  };
}

export interface StatusGroupView extends Slim {
  displayName: string;
  displayDescription?: string;
}

export function projectStatusGroup(raw: Raw): StatusGroupView {
  const spec = obj(raw.spec);
  const description = str(spec.displayDescription);
  return {
    metadata: metadata(raw),
    displayName: str(spec.displayName) ?? '',
    ...(description ? { displayDescription: description } : {}),
  };
}
