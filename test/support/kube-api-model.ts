/**
 * What the stand-in API server serves: the resource types (group, version, plural, kind, scope)
 * as the real API names them, the object shape it stores, and label selectors.
 */

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    generation?: number;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface ResourceType {
  /** `''` for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export const RESOURCES = {
  services: { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  endpoints: { group: '', version: 'v1', plural: 'endpoints', kind: 'Endpoints', namespaced: true },
  pods: { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  configmaps: {
    group: '',
    version: 'v1',
    plural: 'configmaps',
    kind: 'ConfigMap',
    namespaced: true,
  },
  endpointslices: {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
  },
  deployments: {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    kind: 'Deployment',
    namespaced: true,
  },
  statefulsets: {
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
    kind: 'StatefulSet',
    namespaced: true,
  },
  statusservices: {
    group: 'appmirage.io',
    version: 'v1',
    plural: 'statusservices',
    kind: 'StatusServices',
    namespaced: true,
  },
  statusservicesgroup: {
    group: 'appmirage.io',
    version: 'v1',
    plural: 'statusservicesgroup',
    kind: 'StatusServicesGroup',
    namespaced: false,
  },
} satisfies Record<string, ResourceType>;

export type ResourceName = keyof typeof RESOURCES;

export type Selector = (labels: Record<string, string>) => boolean;

/** Kubernetes label selectors: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`. */
export function parseSelector(text: string): Selector {
  const terms: Selector[] = [];
  const parts = text.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    let match: RegExpExecArray | null;
    if ((match = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) {
      const [, key, op, list] = match;
      const values = list!.split(',').map((value) => value.trim());
      terms.push((labels) =>
        op === 'in'
          ? values.includes(labels[key!] ?? '\0')
          : !values.includes(labels[key!] ?? '\0'),
      );
    } else if ((match = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(part))) {
      const [, key, op, value] = match;
      terms.push((labels) => (op === '!=' ? labels[key!] !== value : labels[key!] === value));
    } else if ((match = /^!([\w./-]+)$/.exec(part))) {
      const key = match[1]!;
      terms.push((labels) => !(key in labels));
    } else if ((match = /^([\w./-]+)$/.exec(part))) {
      const key = match[1]!;
      terms.push((labels) => key in labels);
    } else throw new Error(`unable to parse requirement: ${part}`);
  }
  return (labels) => terms.every((term) => term(labels));
}
