/**
 * The Kubernetes manifests parse, and the configuration they ship is one Staunch accepts.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/parse.ts';
import { nodeDrivers } from '../src/runtime/registry.node.ts';

const manifests = parseAllDocuments(
  readFileSync(new URL('../deploy/kubernetes/staunch.yaml', import.meta.url), 'utf8'),
).map((d) => {
  expect(d.errors).toEqual([]);
  return d.toJS() as {
    kind: string;
    apiVersion: string;
    data?: Record<string, string>;
    spec?: Record<string, unknown>;
  };
});

describe('deploy/kubernetes/staunch.yaml', () => {
  it('holds a ConfigMap, Deployment, Service and PodDisruptionBudget', () => {
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind}`)).toEqual([
      'v1 ConfigMap',
      'apps/v1 Deployment',
      'v1 Service',
      'policy/v1 PodDisruptionBudget',
    ]);
  });

  it('ships a configuration Staunch accepts, with every secret from the environment', () => {
    const text = manifests[0]!.data!['config.yml']!;
    const env = Object.fromEntries(
      [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => [m[1]!, 'value-from-secret']),
    );
    const config = parseConfig(text, { env, drivers: nodeDrivers });
    expect(config.targets).toHaveLength(3);
    expect(config.generated).toEqual({ credentials: false, cookieKey: false });
  });

  it('keeps pods in the Service while storage is down: readiness on /healthz, not /readyz', () => {
    const deployment = JSON.stringify(manifests[1]);
    expect(deployment).toContain('"readinessProbe":{"httpGet":{"path":"/healthz"');
  });
});

describe('deploy/docker-config.yml', () => {
  it('is the embedded default listening on every interface, with secrets from the environment', () => {
    const text = readFileSync(new URL('../deploy/docker-config.yml', import.meta.url), 'utf8');
    const config = parseConfig(text, {
      env: { STAUNCH_ADMIN_PASSWORD: 'pw', STAUNCH_COOKIE_KEY: 'key' },
      drivers: nodeDrivers,
    });
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.password).toBe('pw');
    expect(config.targets.map((t) => new URL(t).protocol)).toEqual(['sqlite:', 'file:']);
  });
});
