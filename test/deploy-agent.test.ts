/**
 * The agent's kustomize base, as `kubectl kustomize` renders it: every object valid against the
 * Kubernetes schemas (kubernetes-models' validators, nothing downloaded), RBAC that only reads
 * what the agent watches, a Deployment meeting the Restricted Pod Security Standard, and CRDs
 * with status-service's fields.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { parseAgentConfig } from '../src/agent/config.ts';
import { describe, expect, it } from 'vitest';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

const BASE = fileURLToPath(new URL('../deploy/kubernetes/agent', import.meta.url));

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** `KUBECTL` picks another binary (e.g. Debian's 1.20, whose kustomize 2 the base must also suit). */
function kubectl(): string | null {
  const bin = process.env.KUBECTL ?? 'kubectl';
  try {
    execFileSync(bin, ['version', '--client'], { stdio: 'ignore' });
    return bin;
  } catch (error) {
    const reason = 'kubectl is not installed (Debian: apt-get install kubernetes-client)';
    if (process.env.CI === 'true')
      throw new Error(`${reason}; CI=true: this suite may not skip`, { cause: error });
    console.warn(`skipping: ${reason}`);
    return null;
  }
}

const bin = kubectl();

function render(): KubeObject[] {
  const text = execFileSync(bin!, ['kustomize', BASE], { encoding: 'utf8' });
  return parseAllDocuments(text).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS() as KubeObject;
  });
}

// The models type their constructor argument per kind; here every object arrives as parsed YAML.
type Model = new (data: never) => { validate(): void };

/** kubernetes-models' class for each kind the base renders; a kind not listed fails the test. */
const MODELS: Record<string, Model> = {
  'v1 Namespace': Namespace,
  'v1 ServiceAccount': ServiceAccount,
  'v1 Secret': Secret,
  'v1 ConfigMap': ConfigMap,
  'apps/v1 Deployment': Deployment,
  'rbac.authorization.k8s.io/v1 ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': ClusterRoleBinding,
  'apiextensions.k8s.io/v1 CustomResourceDefinition': CustomResourceDefinition,
};

function modelOf(object: KubeObject): Model {
  const model = MODELS[`${object.apiVersion} ${object.kind}`];
  if (!model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  return model;
}

const find = (objects: KubeObject[], kind: string, name?: string) =>
  objects.find((o) => o.kind === kind && (!name || o.metadata.name === name));

describe.runIf(bin)('deploy/kubernetes/agent (kustomize base)', () => {
  const objects = bin ? render() : [];

  it('renders the namespace, both CRDs, the account, read-only RBAC, the Secret, the config and the Deployment', () => {
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`).sort()).toEqual(
      [
        'apiextensions.k8s.io/v1 CustomResourceDefinition statusservices.appmirage.io',
        'apiextensions.k8s.io/v1 CustomResourceDefinition statusservicesgroup.appmirage.io',
        'apps/v1 Deployment staunch-agent',
        'rbac.authorization.k8s.io/v1 ClusterRole staunch-agent',
        'rbac.authorization.k8s.io/v1 ClusterRoleBinding staunch-agent',
        'v1 ConfigMap staunch-agent-config',
        'v1 Namespace staunch-agent',
        'v1 Secret staunch-agent-token',
        'v1 ServiceAccount staunch-agent',
      ].sort(),
    );
  });

  it('validates every object against the Kubernetes schemas', async () => {
    for (const object of objects) {
      const Model = modelOf(object);
      expect(
        () => new Model(object as never).validate(),
        `${object.kind} ${object.metadata.name}`,
      ).not.toThrow();
    }
  });

  it('would catch a broken object (the validators are not a no-op)', async () => {
    const deployment = structuredClone(find(objects, 'Deployment')!);
    (deployment.spec as { replicas: unknown }).replicas = 'one';
    const Model = modelOf(deployment);
    expect(() => new Model(deployment as never).validate()).toThrow(/replicas/);
  });

  it('grants get, list and watch on what the agent watches, and nothing else', () => {
    const role = find(objects, 'ClusterRole') as unknown as {
      rules: {
        apiGroups: string[];
        resources: string[];
        verbs: string[];
        resourceNames?: string[];
      }[];
    };
    const granted = new Set<string>();
    for (const rule of role.rules) {
      expect(rule.verbs.sort()).toEqual(['get', 'list', 'watch']);
      expect(rule.resourceNames).toBeUndefined();
      for (const group of rule.apiGroups)
        for (const resource of rule.resources) granted.add(`${group}/${resource}`);
    }
    expect([...granted].sort()).toEqual(
      [
        '/configmaps',
        '/endpoints',
        '/pods',
        '/services',
        'apps/deployments',
        'apps/statefulsets',
        'appmirage.io/statusservices',
        'appmirage.io/statusservicesgroup',
        'discovery.k8s.io/endpointslices',
      ].sort(),
    );
    expect(JSON.stringify(role)).not.toMatch(
      /secrets|\*|create|update|patch|delete|escalate|bind|impersonate/,
    );
    // Only this ClusterRole is bound, to the agent's own account; no Role adds anything.
    expect(objects.filter((o) => /Role$/.test(o.kind)).map((o) => o.kind)).toEqual(['ClusterRole']);
    const binding = find(objects, 'ClusterRoleBinding') as unknown as {
      roleRef: { kind: string; name: string };
      subjects: { kind: string; name: string; namespace: string }[];
    };
    expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: 'staunch-agent' });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'staunch-agent', namespace: 'staunch-agent' },
    ]);
  });

  it('runs the agent under the Restricted Pod Security Standard', () => {
    const deployment = find(objects, 'Deployment') as unknown as {
      spec: {
        template: {
          spec: Record<string, unknown> & {
            containers: Record<string, unknown>[];
            volumes: Record<string, unknown>[];
          };
        };
      };
    };
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect((pod.securityContext as { runAsUser: number }).runAsUser).toBeGreaterThan(0);
    for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) expect(pod[key]).toBeFalsy();
    // Restricted allows only these volume types.
    const allowed = [
      'configMap',
      'csi',
      'downwardAPI',
      'emptyDir',
      'ephemeral',
      'persistentVolumeClaim',
      'projected',
      'secret',
    ];
    for (const volume of pod.volumes)
      expect(
        Object.keys(volume)
          .filter((k) => k !== 'name')
          .every((k) => allowed.includes(k)),
      ).toBe(true);
    expect(pod.serviceAccountName).toBe('staunch-agent');
    for (const container of pod.containers) {
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(
        (container.securityContext as { capabilities: { add?: unknown } }).capabilities.add,
      ).toBeUndefined();
      expect((container.securityContext as { privileged?: boolean }).privileged).toBeFalsy();
      expect(container.ports).toEqual([{ name: 'metrics', containerPort: 9090 }]);
    }
    const namespace = find(objects, 'Namespace')!;
    expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('ships an agent config the agent accepts, with the token from the Secret only', () => {
    const deployment = find(objects, 'Deployment') as unknown as {
      spec: { template: { spec: { containers: { env: unknown[]; args: string[] }[] } } };
    };
    const container = deployment.spec.template.spec.containers[0]!;
    expect(container.env).toEqual([
      {
        name: 'STAUNCH_AGENT_TOKEN',
        valueFrom: { secretKeyRef: { name: 'staunch-agent-token', key: 'token' } },
      },
      { name: 'NODE_OPTIONS', value: '--max-old-space-size=96' },
    ]);
    expect(container.args.slice(-3)).toEqual(['agent', '-c', '/etc/staunch-agent/agent.yml']);
    const text = (find(objects, 'ConfigMap') as unknown as { data: Record<string, string> }).data[
      'agent.yml'
    ]!;
    const token = 'token-from-the-secret-0123456789';
    const config = parseAgentConfig(text, { STAUNCH_AGENT_TOKEN: token });
    expect(config.apps).toEqual([{ url: 'https://status.example.com', token }]);
    expect(config.listen.port).toBe(9090);
    expect(text).not.toMatch(/token/i);
    expect(() => parseAgentConfig(text, {})).toThrow(/token/);
  });

  describe('CRDs', () => {
    type Schema = {
      type?: string;
      properties?: Record<string, Schema>;
      required?: string[];
      items?: Schema;
    };
    const crd = (name: string) =>
      find(objects, 'CustomResourceDefinition', name) as unknown as {
        spec: {
          scope: string;
          names: { kind: string; plural: string };
          versions: {
            name: string;
            served: boolean;
            storage: boolean;
            schema: { openAPIV3Schema: Schema };
          }[];
        };
      };

    /** Kubernetes refuses non-structural schemas: every node says its type. */
    function assertStructural(schema: Schema, path: string): void {
      expect(schema.type, path).toBeTruthy();
      for (const [key, child] of Object.entries(schema.properties ?? {}))
        assertStructural(child, `${path}.${key}`);
      if (schema.items) assertStructural(schema.items, `${path}[]`);
    }

    it("declare status-service's kinds, plurals and scopes, one served storage version each", () => {
      const services = crd('statusservices.appmirage.io').spec;
      const groups = crd('statusservicesgroup.appmirage.io').spec;
      expect([services.names, services.scope]).toEqual([
        expect.objectContaining({ kind: 'StatusServices', plural: 'statusservices' }),
        'Namespaced',
      ]);
      expect([groups.names, groups.scope]).toEqual([
        expect.objectContaining({ kind: 'StatusServicesGroup', plural: 'statusservicesgroup' }),
        'Cluster',
      ]);
      for (const spec of [services, groups]) {
        expect(spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([
          ['v1', true, true],
        ]);
        assertStructural(spec.versions[0]!.schema.openAPIV3Schema, 'openAPIV3Schema');
      }
    });

    it("have exactly status-service's spec fields", () => {
      const spec = (name: string) =>
        crd(name).spec.versions[0]!.schema.openAPIV3Schema.properties!.spec!;
      const services = spec('statusservices.appmirage.io');
      expect(Object.keys(services.properties!).sort()).toEqual([
        'displayDescription',
        'displayName',
        'group',
        'serviceName',
      ]);
      expect(services.required).toEqual(['serviceName', 'displayName']);
      const groups = spec('statusservicesgroup.appmirage.io');
      expect(Object.keys(groups.properties!).sort()).toEqual(['displayDescription', 'displayName']);
    });

    it("accept status-service's README examples and refuse a resource without a serviceName", () => {
      const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
      const validate = ajv.compile(
        crd('statusservices.appmirage.io').spec.versions[0]!.schema.openAPIV3Schema,
      );
      const example = {
        apiVersion: 'appmirage.io/v1',
        kind: 'StatusServices',
        metadata: { name: 'my-service', namespace: 'default' },
        spec: { serviceName: 'my-service', displayName: 'My service', group: 'backend' },
      };
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
      expect(validate({ ...example, spec: { displayName: 'x' } })).toBe(false);
      const validateGroup = ajv.compile(
        crd('statusservicesgroup.appmirage.io').spec.versions[0]!.schema.openAPIV3Schema,
      );
      expect(
        validateGroup({
          apiVersion: 'appmirage.io/v1',
          kind: 'StatusServicesGroup',
          metadata: { name: 'backend' },
          spec: { displayName: 'Backend', displayDescription: 'APIs and workers' },
        }),
      ).toBe(true);
    });
  });
});

describe('Dockerfile', () => {
  it('has an agent target running `staunch agent` as the unprivileged node user', () => {
    const text = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
    const agent = text.slice(
      text.indexOf('FROM base AS agent'),
      text.indexOf('FROM base AS serve'),
    );
    expect(agent).toContain('USER node');
    expect(agent).toContain('"agent", "-c", "/etc/staunch-agent/agent.yml"');
    // The app stays the default (last) target.
    expect(text.trim().split('\n').at(-1)).toBe('CMD ["node", "bin/staunch.mjs", "serve"]');
  });
});
