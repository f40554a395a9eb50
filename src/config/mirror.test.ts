import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './parse.ts';
import { nodeDrivers } from '../runtime/registry.node.ts';

const base = 'targets: [memory://a]\n';
const parse = (mirror: string) =>
  parseConfig(`${base}mirror: ${mirror}\n`, { drivers: nodeDrivers, baseDir: '/srv/staunch' });
const problems = (mirror: string): string[] => {
  try {
    parse(mirror);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('mirror: in the config', () => {
  it('takes folders and buckets, relative folders from the config file, with defaults', () => {
    const config = parse(
      '[{ to: "file://./public" }, { to: "s3://K:S@minio:9000/site/status?tls=false", interval: 1m, stale_after: 30m }]',
    );
    expect(config.mirror).toEqual([
      { to: 'file:///srv/staunch/public', debounce: 2000, interval: 300_000, stale_after: 600_000 },
      {
        to: 's3://K:S@minio:9000/site/status?tls=false',
        debounce: 2000,
        interval: 60_000,
        stale_after: 1_800_000,
      },
    ]);
    expect(parseConfig(base).mirror).toEqual([]);
  });

  it('names the entry and the problem, and keeps secrets out of the message', () => {
    expect(problems('[{ to: "postgres://u:pw@db/x" }]')).toEqual([
      'mirror[0].to: scheme "postgres" cannot hold a mirror; use file:///folder or s3://KEY:SECRET@host/bucket[/prefix]',
    ]);
    const [bucket] = problems('[{ to: "s3://K:secret-key@minio:9000/site?tsl=false" }]');
    expect(bucket).toMatch(/^mirror\[0\]\.to: .*unknown parameter "tsl" \(did you mean "tls"\?\)/);
    expect(bucket).not.toContain('secret-key');
    expect(problems('[{ to: "file://./x", interval: 1s, colour: red }]')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^mirror\[0\]\.interval: "1s" is too short: the minimum is 10s/),
        expect.stringMatching(/^mirror\[0\]: unknown key "colour"|mirror\[0\]\.colour/),
      ]),
    );
    expect(problems('[{ interval: 1m }]')).toEqual([expect.stringMatching(/^mirror\[0\]\.to: /)]);
  });
});
