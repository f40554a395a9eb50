import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './parse.ts';

const base = 'targets: [memory://a]\n';
const parse = (extra: string) => parseConfig(`${base}${extra}\n`);
const problems = (extra: string): string[] => {
  try {
    parse(extra);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};
const component = (health: string) => `components:\n  - name: API\n    health: ${health}`;

describe('components[].health in the config', () => {
  it('binds a component to one object of one cluster', () => {
    const config = parse(component('{ cluster: prod, deployment: shop/cart }'));
    expect(config.components[0]!.health).toEqual({ cluster: 'prod', deployment: 'shop/cart' });
    expect(parse(component('{ cluster: prod, category: read }')).components[0]!.health).toEqual({
      cluster: 'prod',
      category: 'read',
    });
    expect(parse('components: [{ name: API }]').components[0]!.health).toBeUndefined();
  });

  it('refuses two targets, none, an unknown key and a workload without its namespace, naming the key', () => {
    expect(
      problems(component('{ cluster: prod, service: shop/cart, deployment: shop/cart }')),
    ).toEqual([
      expect.stringMatching(
        /^components\[0\]\.health\.deployment: give only one target: service and deployment are both set/,
      ),
    ]);
    expect(problems(component('{ cluster: prod }'))).toEqual([
      expect.stringMatching(
        /^components\[0\]\.health: give one of service, deployment, statefulset, category/,
      ),
    ]);
    expect(problems(component('{ cluster: prod, deploymnet: shop/cart }'))[0]).toMatch(
      /^components\[0\]\.health.*deploymnet/,
    );
    expect(problems(component('{ cluster: prod, statefulset: cart }'))).toEqual([
      'components[0].health.statefulset: "cart" is not <namespace>/<name>',
    ]);
    expect(problems(component('{ deployment: shop/cart }'))[0]).toMatch(
      /^components\[0\]\.health\.cluster: /,
    );
  });

  it('metrics: off by default, a short token refused', () => {
    expect(parse('').metrics).toEqual({ enabled: false });
    expect(problems('metrics: { enabled: true, token: short }')).toEqual([
      'metrics.token: metrics tokens must be at least 16 characters',
    ]);
    expect(parse('cluster_health: { grace: 30s }').cluster_health.grace).toBe(30_000);
  });
});
