/**
 * Everything the agent watches in one cluster: one resilient watch per resource and namespace
 * (all namespaces by default), each keeping slim projections. EndpointSlices are watched where
 * the cluster serves discovery.k8s.io/v1, core Endpoints only where it does not.
 */
import type { Logger } from '../logger.ts';
import type { Clock } from './clock.ts';
import { ACK_SELECTOR, CATEGORY_SELECTOR } from './ft-config.ts';
import { KubeRequestError, type KubeClient } from './kube-client.ts';
import {
  projectConfigMap,
  projectEndpoints,
  projectEndpointSlice,
  projectPod,
  projectService,
  projectStatusGroup,
  projectStatusServices,
  projectWorkload,
  type ConfigMapView,
  type PodView,
  type ServiceView,
  type SliceView,
  type StatusGroupView,
  type StatusServicesView,
  type WorkloadView,
} from './projections.ts';
import {
  ResilientWatch,
  type Slim,
  type WatchEvents,
  type WatchSpec,
  type WatchTuning,
} from './resilient-watch.ts';

export type EndpointsSource = 'auto' | 'endpointslices' | 'endpoints';

export interface ClusterStateOptions {
  client: KubeClient;
  /** Empty: every namespace. */
  namespaces: string[];
  endpoints: EndpointsSource;
  tuning: WatchTuning;
  clock: Clock;
  logger: Logger;
  events: WatchEvents;
}

interface Kind<T extends Slim> {
  name: string;
  groupVersion: string;
  plural: string;
  namespaced: boolean;
  labelSelector?: string;
  project(raw: Record<string, unknown>): T;
}

const collectionPath = (kind: Kind<Slim>, namespace?: string) =>
  `${kind.groupVersion ? `/apis/${kind.groupVersion}` : '/api/v1'}${namespace ? `/namespaces/${namespace}` : ''}/${kind.plural}`;

const KINDS = {
  services: {
    name: 'services',
    groupVersion: '',
    plural: 'services',
    namespaced: true,
    project: projectService,
  },
  endpointslices: {
    name: 'endpointslices',
    groupVersion: 'discovery.k8s.io/v1',
    plural: 'endpointslices',
    namespaced: true,
    project: projectEndpointSlice,
  },
  endpoints: {
    name: 'endpoints',
    groupVersion: '',
    plural: 'endpoints',
    namespaced: true,
    project: projectEndpoints,
  },
  deployments: {
    name: 'deployments',
    groupVersion: 'apps/v1',
    plural: 'deployments',
    namespaced: true,
    project: projectWorkload('Deployment'),
  },
  statefulsets: {
    name: 'statefulsets',
    groupVersion: 'apps/v1',
    plural: 'statefulsets',
    namespaced: true,
    project: projectWorkload('StatefulSet'),
  },
  pods: { name: 'pods', groupVersion: '', plural: 'pods', namespaced: true, project: projectPod },
  categories: {
    name: 'categories',
    groupVersion: '',
    plural: 'configmaps',
    namespaced: true,
    labelSelector: CATEGORY_SELECTOR,
    project: projectConfigMap,
  },
  acknowledgements: {
    name: 'acknowledgements',
    groupVersion: '',
    plural: 'configmaps',
    namespaced: true,
    labelSelector: ACK_SELECTOR,
    project: projectConfigMap,
  },
  statusservices: {
    name: 'statusservices',
    groupVersion: 'appmirage.io/v1',
    plural: 'statusservices',
    namespaced: true,
    project: projectStatusServices,
  },
  // Cluster-scoped, as status-service's README creates it without a namespace.
  statusservicesgroup: {
    name: 'statusservicesgroup',
    groupVersion: 'appmirage.io/v1',
    plural: 'statusservicesgroup',
    namespaced: false,
    project: projectStatusGroup,
  },
} satisfies Record<string, Kind<Slim>>;

type KindName = keyof typeof KINDS;

export class ClusterState {
  private readonly watches = new Map<KindName, ResilientWatch<Slim>[]>();
  /** Which of Endpoints / EndpointSlices is watched, once started. */
  endpointsSource: 'endpointslices' | 'endpoints' = 'endpointslices';

  constructor(private readonly options: ClusterStateOptions) {}

  async start(): Promise<void> {
    this.endpointsSource =
      this.options.endpoints === 'auto'
        ? await this.detectEndpointSlices()
        : this.options.endpoints;
    const kinds: KindName[] = [
      'services',
      this.endpointsSource,
      'deployments',
      'statefulsets',
      'pods',
      'categories',
      'acknowledgements',
      'statusservices',
      'statusservicesgroup',
    ];
    for (const name of kinds) {
      const kind = KINDS[name] as Kind<Slim>;
      const scopes =
        kind.namespaced && this.options.namespaces.length ? this.options.namespaces : [undefined];
      this.watches.set(
        name,
        scopes.map((namespace) => {
          const spec: WatchSpec<Slim> = {
            name: namespace ? `${kind.name}/${namespace}` : kind.name,
            path: collectionPath(kind, namespace),
            ...(kind.labelSelector ? { labelSelector: kind.labelSelector } : {}),
            project: kind.project,
          };
          return new ResilientWatch(
            spec,
            this.options.client,
            this.options.tuning,
            this.options.clock,
            this.options.logger,
            this.options.events,
          );
        }),
      );
    }
    for (const list of this.watches.values()) for (const watch of list) watch.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.watches.values()].flat().map((watch) => watch.stop()));
  }

  /**
   * Kinds (`pods`, `endpointslices`, ...) with a watch that has not completed a first list yet;
   * one name per kind whatever the namespaces, so the app need not know them.
   */
  unsynced(): string[] {
    return [...this.watches]
      .filter(([, list]) => list.some((watch) => !watch.synced))
      .map(([name]) => name);
  }

  /** Resolves once every watch has listed once. */
  async ready(): Promise<void> {
    await Promise.all([...this.watches.values()].flat().map((watch) => watch.ready));
  }

  private items<T extends Slim>(name: KindName): T[] {
    return (this.watches.get(name) ?? []).flatMap((watch) => watch.items() as unknown as T[]);
  }

  services = (): ServiceView[] => this.items('services');
  endpointCounts = (): SliceView[] => this.items(this.endpointsSource);
  workloads = (): WorkloadView[] => [
    ...this.items<WorkloadView>('deployments'),
    ...this.items<WorkloadView>('statefulsets'),
  ];
  pods = (): PodView[] => this.items('pods');
  categoryMaps = (): ConfigMapView[] => this.items('categories');
  acknowledgementMaps = (): ConfigMapView[] => this.items('acknowledgements');
  statusServices = (): StatusServicesView[] => this.items('statusservices');
  statusGroups = (): StatusGroupView[] => this.items('statusservicesgroup');

  /** Objects held per kind, for /metrics. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, list] of this.watches)
      out[name] = list.reduce((sum, watch) => sum + watch.size, 0);
    return out;
  }

  private async detectEndpointSlices(): Promise<'endpointslices' | 'endpoints'> {
    try {
      await this.options.client.getJson(
        '/apis/discovery.k8s.io/v1',
        {},
        this.options.tuning.listTimeoutMs,
      );
      return 'endpointslices';
    } catch (error) {
      if (error instanceof KubeRequestError && error.statusCode === 404) {
        this.options.logger.info({}, 'no EndpointSlices API on this cluster: watching Endpoints');
        return 'endpoints';
      }
      // Every supported Kubernetes serves EndpointSlices; a failed discovery is not a reason to
      // fall back to the older API.
      this.options.logger.warn(
        { error: (error as Error).message },
        'API discovery failed; assuming EndpointSlices',
      );
      return 'endpointslices';
    }
  }
}
