import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentConfigError, parseAgentConfig } from './config.ts';
import { loadRestartAllowList } from './restart-file.ts';

const BASE = `
cluster: prod-eu
token: agent-token-0123456789abcdef
apps: [{ url: https://status.example.com }]
`;

const problems = (text: string): string[] => {
  try {
    parseAgentConfig(text);
  } catch (error) {
    if (error instanceof AgentConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('restarts in agent.yml', () => {
  it('is off by default with 300 s force unlock', () => {
    const config = parseAgentConfig(BASE);
    expect(config.restarts).toMatchObject({
      enabled: false,
      services: [],
      force_unlock_after: 300_000,
    });
  });

  it("takes k8s-restart-app's entries and names a bad one", () => {
    const config = parseAgentConfig(
      `${BASE}restarts:\n  enabled: true\n  services:\n    - { kind: Deployment, namespace: shop, name: cart }\n`,
    );
    expect(
      loadRestartAllowList(config.restarts).allows({
        kind: 'Deployment',
        namespace: 'shop',
        name: 'cart',
      }),
    ).toBe(true);
    expect(
      loadRestartAllowList(config.restarts).allows({
        kind: 'StatefulSet',
        namespace: 'shop',
        name: 'cart',
      }),
    ).toBe(false);
    expect(
      problems(
        `${BASE}restarts:\n  services:\n    - { kind: deployment, namespace: shop, name: cart }\n`,
      ),
    ).toEqual([
      'restarts.services[0].kind: must be Deployment or StatefulSet (case-sensitive, as the API names them)',
    ]);
    expect(problems(`${BASE}restarts:\n  force_unlock_after: soon\n`)[0]).toMatch(
      /^restarts.force_unlock_after: "soon" is not a duration/,
    );
  });

  it("reads k8s-restart-app's config file as is, and names its problems", () => {
    const dir = mkdtempSync(join(tmpdir(), 'restart-file-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      'services:\n  - kind: StatefulSet\n    name: orders-db\n    namespace: shop\n',
    );
    const config = parseAgentConfig(
      `${BASE}restarts:\n  enabled: true\n  services_file: ${file}\n`,
    );
    const list = loadRestartAllowList(config.restarts);
    expect(list.allows({ kind: 'StatefulSet', namespace: 'shop', name: 'orders-db' })).toBe(true);
    writeFileSync(file, 'services:\n  - kind: Pod\n    name: x\n    namespace: shop\n');
    expect(() => loadRestartAllowList(config.restarts)).toThrow(
      /restarts.services_file: .*services.0.kind/,
    );
    const missing = parseAgentConfig(
      `${BASE}restarts:\n  services_file: ${join(dir, 'nope.yaml')}\n`,
    );
    expect(() => loadRestartAllowList(missing.restarts)).toThrow(/cannot be read \(ENOENT\)/);
  });
});

describe('the allow-list in snapshots', () => {
  it('marks exactly the listed workloads restartAllowed', async () => {
    const { buildSnapshot } = await import('./snapshot.ts');
    const { projectWorkload } = await import('./projections.ts');
    const { deployment } = await import('../../test/support/kube-objects.ts');
    const { RestartAllowList } = await import('./restart-config.ts');
    const list = new RestartAllowList([{ kind: 'Deployment', namespace: 'shop', name: 'cart' }]);
    const workloads = [deployment('shop', 'cart'), deployment('shop', 'payments')].map(
      projectWorkload('Deployment'),
    );
    const empty = () => [];
    const snapshot = buildSnapshot(
      {
        services: empty,
        endpointCounts: empty,
        endpointsSource: 'endpointslices',
        workloads: () => workloads,
        pods: empty,
        categoryMaps: empty,
        acknowledgementMaps: empty,
        statusServices: empty,
        statusGroups: empty,
      } as never,
      {
        cluster: 'c',
        instance: 'i',
        version: '0',
        sequence: 1,
        sentAt: new Date(0),
        heartbeatSeconds: 15,
        health: [],
        restartAllowed: (target) => list.allows(target),
      },
    );
    expect(snapshot.workloads.map((w) => [w.name, w.restartAllowed])).toEqual([
      ['cart', true],
      ['payments', undefined],
    ]);
  });
});
