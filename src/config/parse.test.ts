import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { DEFAULT_CONFIG_YAML } from './default.ts';
import { ConfigError, parseConfig, type ParseOptions } from './parse.ts';
import { configSchema } from './schema.ts';

const schemes = ['file', 'mariadb', 'memory', 'mysql', 'postgres', 'postgresql', 's3', 'sqlite'];
const parse = (text: string, options: ParseOptions = {}) => parseConfig(text, { knownSchemes: schemes, randomId: () => 'generated-id', ...options });
const problemsOf = (text: string, options: ParseOptions = {}): string[] => {
  try {
    parse(text, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

// The development config from statusetat's README, unchanged (including `group: ~`).
const STATUSETAT_README_CONFIG = `
listen: 0.0.0.0:8080 # this will listen in http on port 8080
targets:
- sqlite://./store.db
log:
  level: debug
components:
- name: my-service
  description: description of my service
  group: ~
notifiers:
- type: slack
  params:
    endpoint: http://my-mattermost.com/hooks/aj6na7hz5ib1mfs3eggc1bu8tk
- type: plugin
  params:
    path: /path/to/my/plugin.so
username: admin
password: admin
cookie_key: encryption-key-for-cookies
base_info:
  base_url: http://localhost:8080/
  support: https://doc.to.my.service.com
  contact: http://my-mattermost.com/channel/town
  time_zone: UTC
`;

describe('parseConfig', () => {
  it('accepts a statusetat config.yml unchanged', () => {
    const config = parse(STATUSETAT_README_CONFIG);
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.components).toEqual([{ name: 'my-service', description: 'description of my service', group: '' }]);
    expect(config.notifiers[0]).toEqual({ type: 'slack', params: { endpoint: 'http://my-mattermost.com/hooks/aj6na7hz5ib1mfs3eggc1bu8tk' }, for: { require_all: false, groups: [], names: [] } });
    expect(config.base_info.base_url).toBe('http://localhost:8080');
    expect(config.theme.persistent_display_name).toBe('persistent incident');
    expect(config.generated).toEqual({ credentials: false, cookieKey: false });
    expect(config.replication).toEqual({ write_quorum: 1, write_timeout: 5000, sync_interval: 60_000, poll_interval: 2000, tombstone_retention: 30 * 86_400_000 });
  });

  it('parses the embedded default', () => {
    const config = parse(DEFAULT_CONFIG_YAML);
    expect(config.targets.map((t) => new URL(t).protocol)).toEqual(['sqlite:', 'file:']);
    expect(config.components.length).toBeGreaterThan(0);
  });

  it('names the target and scheme that is unknown', () => {
    const problems = problemsOf('targets: [sqlite://./a.db, file://./d, "mongo://db:27017/x"]');
    expect(problems).toEqual([expect.stringMatching(/^targets\[2\]: unknown scheme "mongo" \(available here: .*sqlite/)]);
  });

  it("accepts statusetat's sqlite://:memory: spelling", () => {
    expect(parse('targets: ["sqlite://:memory:"]').targets).toEqual(['sqlite::memory:']);
  });

  it('rejects a target that is not a URI without echoing its password', () => {
    const [problem] = problemsOf('targets: ["not a uri with //user:hunter2@host"]');
    expect(problem).toMatch(/^targets\[0\]: .* is not a URI/);
    expect(problem).not.toContain('hunter2');
  });

  it('interpolates ${VAR}, ${VAR:-default} and $$, and names unset variables', () => {
    const config = parse('targets: ["postgres://staunch:${DB_PASSWORD}@db/status"]\npassword: "$${literal}"\nusername: ${ADMIN:-root}', { env: { DB_PASSWORD: 's3cret' } });
    expect(config.targets[0]).toBe('postgres://staunch:s3cret@db/status');
    expect(config.password).toBe('${literal}');
    expect(config.username).toBe('root');
    expect(problemsOf('targets: ["postgres://u:${MISSING}@db/x"]')).toEqual(['targets[0]: environment variable MISSING is not set']);
  });

  it('lets PORT replace the port of listen', () => {
    expect(parse('listen: 10.0.0.1:9000\ntargets: [memory://]', { env: { PORT: '7777' } }).listen).toEqual({ host: '10.0.0.1', port: 7777 });
    expect(problemsOf('targets: [memory://]', { env: { PORT: 'eighty' } })).toEqual(['PORT: "eighty" is not a port number']);
  });

  it('explains each invalid key with its path', () => {
    expect(problemsOf('targets: [memory://]\nbase_info:\n  timezone: Europe/Paris')).toEqual(['base_info.timezone: unknown key (did you mean "time_zone"?)']);
    expect(problemsOf('targets: [memory://]\nbase_info:\n  time_zone: Mars/Olympus')).toEqual(['base_info.time_zone: is not an IANA time zone (e.g. Europe/Paris)']);
    expect(problemsOf('targets: []')).toEqual(['targets: at least one storage target is required']);
    expect(problemsOf('targets: [memory://]\nreplication:\n  sync_interval: soon')[0]).toMatch(/^replication.sync_interval: "soon" is not a duration/);
    expect(problemsOf('targets: [memory://]\nreplication:\n  write_quorum: 3')[0]).toMatch(/^replication.write_quorum: /);
    expect(problemsOf('targets: [memory://]\ncomponents:\n  - name: a\n    group: g\n  - name: a\n    group: g')).toEqual(['components[1]: "g - a" is listed twice']);
    expect(problemsOf('targets: [memory://]\nlisten: "host:99999"')).toEqual(['listen: "host:99999" is not host:port']);
    expect(problemsOf('targets: [memory://]\napi_tokens:\n  - name: ci\n    scopes: [read]')).toEqual(['api_tokens[0]: give either sha256 or token (exactly one)']);
    expect(problemsOf('targets: [memory://]\napi_tokens:\n  - name: ci\n    token: short\n    scopes: [read]')).toEqual(['api_tokens[0].token: tokens must be at least 16 characters']);
  });

  it('reports YAML syntax errors with the source name', () => {
    expect(problemsOf('targets: [memory://\nlisten: : :', { source: 'broken.yml' })[0]).toMatch(/^broken\.yml: /);
  });

  it('reads durations in every unit', () => {
    const config = parse('targets: [memory://]\nreplication:\n  write_timeout: 250ms\n  sync_interval: 2m\n  poll_interval: 1.5s\n  tombstone_retention: 7d\n  write_quorum: majority');
    expect(config.replication).toEqual({ write_quorum: 'majority', write_timeout: 250, sync_interval: 120_000, poll_interval: 1500, tombstone_retention: 7 * 86_400_000 });
  });

  it('generates missing secrets instead of leaving them empty', () => {
    const config = parse('targets: [memory://]');
    expect(config.username).toBe('admin');
    expect(config.password).toBe('generated-id');
    expect(config.generated).toEqual({ credentials: true, cookieKey: true });
    expect(config.base_info.base_url).toBe('http://localhost:8080');
    expect(config.base_info.contact).toBe('http://localhost:8080');
  });
});

describe('config.example.yml', () => {
  const text = readFileSync(new URL('../../config.example.yml', import.meta.url), 'utf8');
  const env = { STAUNCH_ADMIN_PASSWORD: 'pw', STAUNCH_COOKIE_KEY: 'k', PG_PASSWORD: 'p', SLACK_WEBHOOK_URL: 'https://hooks.example/x', STAUNCH_CI_TOKEN: 'a-token-of-sixteen-chars', STAUNCH_AGENT_TOKEN_PRODUCTION: 'agent-token-0123456789' };

  it('is a valid configuration', () => {
    expect(() => parse(text, { env })).not.toThrow();
  });

  it('documents every key the schema knows', () => {
    const keys = new Set<string>();
    const walk = (schema: z.ZodType): void => {
      const def = schema._zod.def as { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; in?: z.ZodType; options?: z.ZodType[] };
      if (def.shape) {
        for (const [key, child] of Object.entries(def.shape)) {
          keys.add(key);
          walk(child);
        }
      }
      for (const inner of [def.innerType, def.element, def.in, ...(def.options ?? [])]) if (inner) walk(inner);
    };
    walk(configSchema);
    const undocumented = [...keys].filter((key) => !new RegExp(`^\\s*#?\\s*-?\\s*${key}:`, 'm').test(text));
    expect(undocumented).toEqual([]);
  });
});
