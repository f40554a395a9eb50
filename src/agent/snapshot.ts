/**
 * Builds a snapshot from what is held in memory: Services with their endpoints joined across
 * slices, workloads with their rollout state, FT health, categories and acknowledgements, and pods
 * counted (detail only for failing ones, capped so a broken cluster still sends a small snapshot).
 * Also derives what the health prober should probe.
 */
import type { ClusterSnapshot, SnapshotWorkload } from '../cluster/snapshot-schema.ts';
import {
  categoriesOf,
  parseAcknowledgements,
  parseCategories,
  refreshSecondsOf,
} from './ft-config.ts';
import type { ProbeTarget } from './health-prober.ts';
import type { PodView, ServiceView, SliceView, WorkloadView } from './projections.ts';
import { rolloutState } from './rollout.ts';
import type { ClusterState } from './cluster-state.ts';

export const FAILING_PODS_LIMIT = 1000;

export type ObservedState = Pick<
  ClusterState,
  | 'services'
  | 'endpointCounts'
  | 'endpointsSource'
  | 'workloads'
  | 'pods'
  | 'categoryMaps'
  | 'acknowledgementMaps'
  | 'statusServices'
  | 'statusGroups'
>;

export interface SnapshotMeta {
  cluster: string;
  instance: string;
  version: string;
  sequence: number;
  sentAt: Date;
  heartbeatSeconds: number;
  health: ClusterSnapshot['health'];
  unsynced?: string[];
  /** The agent's restart allow-list, published per workload (none: restarts are off). */
  restartAllowed?: (workload: {
    kind: WorkloadView['kind'];
    namespace: string;
    name: string;
  }) => boolean;
}

const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

function endpointTotals(
  state: ObservedState,
): Map<string, { ready: number; serving: number; terminating: number }> {
  const totals = new Map<string, { ready: number; serving: number; terminating: number }>();
  const bySlices = state.endpointsSource === 'endpointslices';
  for (const item of state.endpointCounts() as SliceView[]) {
    // A Service's slices share the label kubernetes.io/service-name; Endpoints share its name.
    const service = bySlices ? item.service : item.metadata.name;
    if (!service) continue;
    const id = key(item.metadata.namespace, service);
    const sum = totals.get(id) ?? { ready: 0, serving: 0, terminating: 0 };
    sum.ready += item.ready;
    sum.serving += item.serving;
    sum.terminating += item.terminating;
    totals.set(id, sum);
  }
  return totals;
}

function workload(view: WorkloadView, meta: SnapshotMeta): SnapshotWorkload {
  const allowed = meta.restartAllowed?.({
    kind: view.kind,
    namespace: view.metadata.namespace ?? '',
    name: view.metadata.name,
  });
  return {
    kind: view.kind,
    namespace: view.metadata.namespace ?? '',
    name: view.metadata.name,
    desired: view.desired,
    updated: view.updated,
    ready: view.ready,
    available: view.available,
    generation: view.generation,
    observedGeneration: view.observedGeneration,
    ...(view.paused ? { paused: true } : {}),
    conditions: {
      ...(view.availableCondition ? { available: view.availableCondition } : {}),
      ...(view.progressingCondition ? { progressing: view.progressingCondition } : {}),
    },
    rollout: rolloutState(view),
    ...(allowed ? { restartAllowed: true } : {}),
  };
}

/** A pod is fine when it has succeeded or runs ready; any other pod is sent in detail. */
export const podFails = (pod: PodView): boolean =>
  pod.phase !== 'Succeeded' && !(pod.phase === 'Running' && pod.ready);

function pods(all: PodView[]): ClusterSnapshot['pods'] {
  const byPhase: Record<string, number> = {};
  const failing: ClusterSnapshot['pods']['failing'] = [];
  let failingCount = 0;
  for (const pod of all) {
    byPhase[pod.phase] = (byPhase[pod.phase] ?? 0) + 1;
    if (!podFails(pod)) continue;
    failingCount += 1;
    if (failing.length >= FAILING_PODS_LIMIT) continue;
    failing.push({
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name,
      phase: pod.phase,
      ...(pod.reason ? { reason: pod.reason.slice(0, 256) } : {}),
      restarts: pod.restarts,
      ready: pod.ready,
    });
  }
  failing.sort((a, b) => key(a.namespace, a.name).localeCompare(key(b.namespace, b.name)));
  const omitted = failingCount - failing.length;
  return { total: all.length, byPhase, failing, ...(omitted ? { omitted } : {}) };
}

export function buildSnapshot(state: ObservedState, meta: SnapshotMeta): ClusterSnapshot {
  const totals = endpointTotals(state);
  const categories = parseCategories(state.categoryMaps());
  return {
    version: 1,
    cluster: meta.cluster,
    agent: { instance: meta.instance, version: meta.version },
    sequence: meta.sequence,
    sentAt: meta.sentAt.toISOString(),
    heartbeatSeconds: meta.heartbeatSeconds,
    services: state.services().map((service) => {
      const counts = totals.get(key(service.metadata.namespace, service.metadata.name));
      return {
        namespace: service.metadata.namespace ?? '',
        name: service.metadata.name,
        readyEndpoints: counts?.ready ?? 0,
        servingEndpoints: counts?.serving ?? 0,
        terminatingEndpoints: counts?.terminating ?? 0,
        hasHealthcheck: service.hasHealthcheck,
      };
    }),
    statusServices: state.statusServices().map((item) => ({
      namespace: item.metadata.namespace ?? '',
      name: item.metadata.name,
      ...(item.uid ? { uid: item.uid } : {}),
      serviceName: item.serviceName,
      displayName: item.displayName,
      ...(item.displayDescription ? { displayDescription: item.displayDescription } : {}),
      ...(item.group ? { group: item.group } : {}),
      generation: item.generation,
    })),
    statusServiceGroups: state.statusGroups().map((item) => ({
      namespace: item.metadata.namespace ?? '',
      name: item.metadata.name,
      displayName: item.displayName,
      ...(item.displayDescription ? { displayDescription: item.displayDescription } : {}),
    })),
    workloads: state.workloads().map((view) => workload(view, meta)),
    health: meta.health,
    categories,
    acknowledgements: parseAcknowledgements(state.acknowledgementMaps()),
    pods: pods(state.pods()),
    ...(meta.unsynced?.length ? { unsynced: meta.unsynced } : {}),
  };
}

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.entries(selector).every(([name, value]) => labels?.[name] === value);

/** What to probe: every pod behind each Service labelled `hasHealthcheck: "true"`. */
export function probeTargets(state: ObservedState, defaultRefreshMs: number): ProbeTarget[] {
  const services = state.services().filter((service: ServiceView) => service.hasHealthcheck);
  if (services.length === 0) return [];
  const categories = parseCategories(state.categoryMaps());
  const podsByNamespace = new Map<string, PodView[]>();
  for (const pod of state.pods()) {
    const namespace = pod.metadata.namespace ?? '';
    const list = podsByNamespace.get(namespace) ?? [];
    list.push(pod);
    podsByNamespace.set(namespace, list);
  }
  const desired = new Map<string, number>();
  for (const view of state.workloads()) {
    // FT matches Deployments by name and StatefulSets by their governing Service.
    const name =
      view.kind === 'StatefulSet' && view.serviceName ? view.serviceName : view.metadata.name;
    desired.set(key(view.metadata.namespace, name), view.desired);
  }
  return services.map((service) => {
    const namespace = service.metadata.namespace ?? '';
    const name = service.metadata.name;
    // The Service's own selector; FT's `app=<service>` when it has none.
    const selector = service.selector ?? { app: name };
    const refresh = categories.length
      ? refreshSecondsOf(name, categories) * 1000
      : defaultRefreshMs;
    const replicas = desired.get(key(namespace, name));
    return {
      namespace,
      service: name,
      port: service.appPort,
      refreshMs: refresh,
      categories: categoriesOf(name, categories),
      resilient: service.resilient,
      daemon: service.daemon,
      ...(replicas === undefined ? {} : { desiredReplicas: replicas }),
      pods: (podsByNamespace.get(namespace) ?? [])
        .filter((pod) => matches(selector, pod.metadata.labels))
        .map((pod) => ({ name: pod.metadata.name, ...(pod.ip ? { ip: pod.ip } : {}) })),
    };
  });
}
