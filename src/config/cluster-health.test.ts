/** The `cluster_health` keys of the seed routes: defaults, and problems that name the key. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './parse.ts';

const problemsOf = (yaml: string): string[] => {
  try {
    parseConfig(`targets: [memory://]\n${yaml}`);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('cluster_health config', () => {
  it("defaults to the seed systems' values", () => {
    expect(parseConfig('targets: [memory://]').cluster_health).toMatchObject({
      default_cluster: '',
      stale_after: null,
      error_after: 600_000,
      detail_retention: 5 * 86_400_000,
      daily_retention: 90 * 86_400_000,
      heartbeat: { token: '', rate_limit: 3600, rate_limit_period: 3_600_000 },
      aggregate_healthcheck: {
        path_prefix: '/__health',
        environment: 'Default-environment',
        cluster_url: '',
      },
    });
    const set = parseConfig(
      'targets: [memory://]\ncluster_health: { stale_after: 2m, error_after: 5m, heartbeat: { token: t, rate_limit: 10, rate_limit_period: 1m }, aggregate_healthcheck: { path_prefix: "" } }',
    ).cluster_health;
    expect(set).toMatchObject({
      stale_after: 120_000,
      error_after: 300_000,
      heartbeat: { rate_limit: 10, rate_limit_period: 60_000 },
      aggregate_healthcheck: { path_prefix: '' },
    });
  });

  it('names the key of each problem', () => {
    expect(problemsOf('cluster_health: { error_after: soon }')).toEqual([
      expect.stringMatching(/^cluster_health\.error_after: "soon" is not a duration/),
    ]);
    expect(problemsOf('cluster_health: { stale_after: 10ms }')).toEqual([
      expect.stringMatching(/^cluster_health\.stale_after: .*at least 1s/),
    ]);
    expect(
      problemsOf('cluster_health: { aggregate_healthcheck: { path_prefix: __health/ } }'),
    ).toEqual([
      expect.stringMatching(
        /^cluster_health\.aggregate_healthcheck\.path_prefix: must start with \//,
      ),
    ]);
    expect(problemsOf('cluster_health: { heartbeat: { rate_limit: 0 } }')).toEqual([
      expect.stringMatching(/^cluster_health\.heartbeat\.rate_limit: /),
    ]);
    expect(problemsOf('cluster_health: { daily_retention: 1h }')).toEqual([
      expect.stringMatching(/^cluster_health\.daily_retention: .*minimum is 1d/),
    ]);
    expect(problemsOf('cluster_health: { heartbeats: {} }')).toEqual([
      expect.stringMatching(/^cluster_health.*heartbeats/),
    ]);
  });
});
