import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AgentConfigError, parseAgentConfig } from './config.ts';

const EXAMPLE = readFileSync(new URL('../../deploy/agent.example.yml', import.meta.url), 'utf8');
const TOKEN = 'a-token-of-at-least-16-chars';

const problems = (text: string | undefined, env: NodeJS.ProcessEnv = {}) => {
  try {
    parseAgentConfig(text, env);
  } catch (error) {
    if (error instanceof AgentConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('agent config', () => {
  it('reads the documented example, with the defaults it shows', () => {
    const config = parseAgentConfig(EXAMPLE, { STAUNCH_AGENT_TOKEN: TOKEN });
    expect(config).toMatchObject({
      cluster: 'prod-eu',
      apps: [{ url: 'https://status.example.com', token: TOKEN }],
      kubernetes: { namespaces: [], endpoints: 'auto' },
      listen: { host: '0.0.0.0', port: 9090 },
      heartbeat: 15_000,
      debounce: 1000,
      watch: { timeout: 300_000, silence: 360_000, page_size: 500 },
      probes: {
        concurrency: 10,
        timeout: 12_000,
        attempts: 3,
        default_refresh: 60_000,
        health_path: '/__health',
      },
    });
  });

  it('runs from environment variables alone, which also win over the file', () => {
    const env = {
      STAUNCH_AGENT_CLUSTER: 'staging',
      STAUNCH_AGENT_APP_URLS: 'https://a.example, https://b.example',
      STAUNCH_AGENT_TOKEN: TOKEN,
      STAUNCH_AGENT_NAMESPACES: 'shop,billing',
      STAUNCH_AGENT_LISTEN: '127.0.0.1:0',
      STAUNCH_AGENT_HEARTBEAT: '30s',
    };
    const config = parseAgentConfig(undefined, env);
    expect(config.apps.map((app) => app.url)).toEqual(['https://a.example', 'https://b.example']);
    expect(config.kubernetes.namespaces).toEqual(['shop', 'billing']);
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 0 });
    expect(config.heartbeat).toBe(30_000);
    expect(parseAgentConfig(EXAMPLE, env).cluster).toBe('staging');
  });

  it('names every bad key and what is wrong with it', () => {
    const found = problems(
      [
        'cluster: Prod EU',
        'apps: [{url: "status.example.com"}]',
        'token: short',
        'heartbeat: soon',
        'listen: "nowhere"',
        'watch: {silence: 1s}',
        'probes: {concurency: 3}',
      ].join('\n'),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cluster: must be a lower-case DNS label/),
        expect.stringMatching(/^token: agent tokens must be at least 16 characters/),
        expect.stringMatching(/^apps\[0\]\.url: must be an http:\/\/ or https:\/\/ URL/),
        expect.stringMatching(/^heartbeat: "soon" is not a duration/),
        expect.stringMatching(/^listen: "nowhere" is not host:port/),
        expect.stringMatching(/^watch\.silence: "1s" is too short/),
        'probes.concurency: unknown key',
      ]),
    );
  });

  it('wants a cluster, an app and a token for it', () => {
    expect(problems('')).toEqual(
      expect.arrayContaining(['cluster: required', expect.stringMatching(/^apps: /)]),
    );
    expect(problems('cluster: x\napps: [{url: "https://a.example"}]')).toEqual([
      'apps[0].token: required (or set token, or STAUNCH_AGENT_TOKEN)',
    ]);
    expect(problems('cluster: x\ntoken: ${MISSING}\napps: [{url: "https://a.example"}]')).toContain(
      'token: environment variable MISSING is not set',
    );
  });
});
