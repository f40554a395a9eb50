/**
 * Kubernetes objects shaped as the API reference documents them (core/v1 Service, Endpoints, Pod,
 * ConfigMap; discovery.k8s.io/v1 EndpointSlice; apps/v1 Deployment, StatefulSet; and
 * status-service's appmirage.io/v1 StatusServices / StatusServicesGroup), with only what a test
 * states differing from a plausible default.
 */
import type { KubeObject } from './kube-api-server.ts';

const meta = (namespace: string | undefined, name: string, labels?: Record<string, string>) => ({
  name,
  ...(namespace === undefined ? {} : { namespace }),
  ...(labels ? { labels } : {}),
});

export interface ServiceOptions {
  labels?: Record<string, string>;
  selector?: Record<string, string>;
  /** targetPort of the port named `app` (FT's convention); a string is a named port. */
  appPort?: number | string;
}

export function service(namespace: string, name: string, options: ServiceOptions = {}): KubeObject {
  return {
    metadata: meta(namespace, name, options.labels ?? { app: name }),
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      selector: options.selector ?? { app: name },
      ports: [{ name: 'app', protocol: 'TCP', port: 8080, targetPort: options.appPort ?? 8080 }],
      sessionAffinity: 'None',
    },
    status: { loadBalancer: {} },
  };
}

export interface EndpointState {
  ip: string;
  /** Omitted conditions are left out of the object (the API's "unknown", read as ready). */
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
  pod?: string;
}

export function endpointSlice(
  namespace: string,
  serviceName: string,
  suffix: string,
  endpoints: EndpointState[],
): KubeObject {
  return {
    metadata: {
      ...meta(namespace, `${serviceName}-${suffix}`, {
        'kubernetes.io/service-name': serviceName,
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      }),
      generateName: `${serviceName}-`,
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Service', name: serviceName, uid: `uid-svc-${serviceName}` },
      ],
    },
    addressType: 'IPv4',
    endpoints: endpoints.map((endpoint) => ({
      addresses: [endpoint.ip],
      conditions: {
        ...(endpoint.ready === undefined ? {} : { ready: endpoint.ready }),
        ...(endpoint.serving === undefined ? {} : { serving: endpoint.serving }),
        ...(endpoint.terminating === undefined ? {} : { terminating: endpoint.terminating }),
      },
      nodeName: 'node-1',
      ...(endpoint.pod
        ? {
            targetRef: {
              kind: 'Pod',
              namespace,
              name: endpoint.pod,
              uid: `uid-pod-${endpoint.pod}`,
            },
          }
        : {}),
    })),
    ports: [{ name: 'app', protocol: 'TCP', port: 8080 }],
  };
}

export function endpoints(
  namespace: string,
  name: string,
  ready: string[],
  notReady: string[] = [],
): KubeObject {
  const subsets =
    ready.length + notReady.length === 0
      ? undefined
      : [
          {
            ...(ready.length ? { addresses: ready.map((ip) => ({ ip, nodeName: 'node-1' })) } : {}),
            ...(notReady.length
              ? { notReadyAddresses: notReady.map((ip) => ({ ip, nodeName: 'node-1' })) }
              : {}),
            ports: [{ name: 'app', port: 8080, protocol: 'TCP' }],
          },
        ];
  return { metadata: meta(namespace, name), ...(subsets ? { subsets } : {}) };
}

export interface PodOptions {
  labels?: Record<string, string>;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  ready?: boolean;
  ip?: string;
  restarts?: number;
  /** A waiting container's reason, e.g. CrashLoopBackOff. */
  waitingReason?: string;
  owner?: { kind: 'ReplicaSet' | 'StatefulSet'; name: string };
}

export function pod(namespace: string, name: string, options: PodOptions = {}): KubeObject {
  const phase = options.phase ?? 'Running';
  const ready = options.ready ?? phase === 'Running';
  const now = '2026-12-01T10:00:00Z';
  return {
    metadata: {
      ...meta(namespace, name, options.labels ?? { app: name.replace(/-[^-]+$/, '') }),
      ...(options.owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: options.owner.kind,
                name: options.owner.name,
                uid: `uid-${options.owner.name}`,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      containers: [
        { name: 'app', image: 'registry.example/app:1.0', ports: [{ containerPort: 8080 }] },
      ],
      nodeName: 'node-1',
      restartPolicy: 'Always',
    },
    status: {
      phase,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
        { type: 'Initialized', status: 'True', lastTransitionTime: now },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now },
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
      ],
      hostIP: '192.168.1.10',
      ...(phase === 'Pending' && !options.ip ? {} : { podIP: options.ip ?? '10.244.0.10' }),
      startTime: now,
      containerStatuses: [
        {
          name: 'app',
          ready,
          restartCount: options.restarts ?? 0,
          image: 'registry.example/app:1.0',
          imageID: 'registry.example/app@sha256:0',
          started: phase === 'Running',
          state: options.waitingReason
            ? { waiting: { reason: options.waitingReason, message: 'back-off restarting' } }
            : phase === 'Running'
              ? { running: { startedAt: now } }
              : { waiting: { reason: 'ContainerCreating' } },
        },
      ],
      qosClass: 'BestEffort',
    },
  };
}

export interface DeploymentState {
  replicas?: number;
  generation?: number;
  observedGeneration?: number;
  updated?: number;
  ready?: number;
  available?: number;
  /** status.replicas: all pods, old ReplicaSets included. */
  total?: number;
  progressing?: { status: 'True' | 'False' | 'Unknown'; reason: string };
  paused?: boolean;
}

export function deployment(
  namespace: string,
  name: string,
  state: DeploymentState = {},
): KubeObject {
  const replicas = state.replicas ?? 3;
  const available = state.available ?? replicas;
  const generation = state.generation ?? 1;
  return {
    metadata: { ...meta(namespace, name, { app: name }), generation },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0' }] },
      },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      },
      ...(state.paused ? { paused: true } : {}),
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: state.observedGeneration ?? generation,
      replicas: state.total ?? replicas,
      updatedReplicas: state.updated ?? replicas,
      readyReplicas: state.ready ?? available,
      availableReplicas: available,
      ...(available < replicas ? { unavailableReplicas: replicas - available } : {}),
      conditions: [
        {
          type: 'Available',
          status: available >= Math.max(1, replicas - Math.floor(replicas / 4)) ? 'True' : 'False',
          reason:
            available >= Math.max(1, replicas - Math.floor(replicas / 4))
              ? 'MinimumReplicasAvailable'
              : 'MinimumReplicasUnavailable',
          lastUpdateTime: '2026-12-01T10:00:00Z',
          lastTransitionTime: '2026-12-01T10:00:00Z',
        },
        {
          type: 'Progressing',
          status: state.progressing?.status ?? 'True',
          reason: state.progressing?.reason ?? 'NewReplicaSetAvailable',
          message: `ReplicaSet "${name}-7d4b9c" has successfully progressed.`,
          lastUpdateTime: '2026-12-01T10:00:00Z',
          lastTransitionTime: '2026-12-01T10:00:00Z',
        },
      ],
    },
  };
}

export interface StatefulSetState {
  replicas?: number;
  generation?: number;
  observedGeneration?: number;
  ready?: number;
  updated?: number;
  currentRevision?: string;
  updateRevision?: string;
  partition?: number;
  serviceName?: string;
}

export function statefulSet(
  namespace: string,
  name: string,
  state: StatefulSetState = {},
): KubeObject {
  const replicas = state.replicas ?? 3;
  const generation = state.generation ?? 1;
  const revision = state.currentRevision ?? `${name}-5c7f8d`;
  return {
    metadata: { ...meta(namespace, name, { app: name }), generation },
    spec: {
      replicas,
      serviceName: state.serviceName ?? name,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0' }] },
      },
      updateStrategy: {
        type: 'RollingUpdate',
        rollingUpdate: { partition: state.partition ?? 0, maxUnavailable: 1 },
      },
      podManagementPolicy: 'OrderedReady',
    },
    status: {
      observedGeneration: state.observedGeneration ?? generation,
      replicas,
      readyReplicas: state.ready ?? replicas,
      currentReplicas: replicas,
      updatedReplicas: state.updated ?? replicas,
      availableReplicas: state.ready ?? replicas,
      currentRevision: revision,
      updateRevision: state.updateRevision ?? revision,
      collisionCount: 0,
    },
  };
}

export function configMap(
  namespace: string,
  name: string,
  data: Record<string, string>,
  labels?: Record<string, string>,
): KubeObject {
  return { metadata: meta(namespace, name, labels), data };
}

/** An FT category ConfigMap (`category.<name>`). */
export function category(
  namespace: string,
  name: string,
  fields: { services?: string; refreshrate?: string; issticky?: string; enabled?: string } = {},
): KubeObject {
  const data: Record<string, string> = { 'category.name': name };
  if (fields.services !== undefined) data['category.services'] = fields.services;
  if (fields.refreshrate !== undefined) data['category.refreshrate'] = fields.refreshrate;
  if (fields.issticky !== undefined) data['category.issticky'] = fields.issticky;
  if (fields.enabled !== undefined) data['category.enabled'] = fields.enabled;
  return configMap(namespace, `category.${name}`, data, {
    'healthcheck-categories-for': 'aggregate-healthcheck',
  });
}

/** FT's acknowledgement ConfigMap: service name → message. */
export function acknowledgements(namespace: string, acks: Record<string, string>): KubeObject {
  return configMap(namespace, 'healthcheck.ack.messages', acks, {
    'healthcheck-acknowledgements-for': 'aggregate-healthcheck',
  });
}

export function statusServices(
  namespace: string,
  name: string,
  spec: { serviceName: string; displayName: string; displayDescription?: string; group?: string },
): KubeObject {
  return { metadata: { ...meta(namespace, name), generation: 1 }, spec };
}

export function statusServicesGroup(
  name: string,
  spec: { displayName: string; displayDescription?: string },
): KubeObject {
  return { metadata: { ...meta(undefined, name), generation: 1 }, spec };
}
