import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { DEFAULT_CONFIG_YAML } from './default.ts';
import { ConfigError, parseConfig, parseConfigValue, type ParseOptions } from './parse.ts';
import { nodeDrivers } from '../runtime/registry.node.ts';
import { configSchema } from './schema.ts';
import { vcapConfig } from './vcap.ts';
import { statusetatReadmeConfig } from '../../test/support/statusetat-readme.ts';

const parse = (text: string, options: ParseOptions = {}) =>
  parseConfig(text, {
    drivers: nodeDrivers,
    baseDir: '/srv/staunch',
    randomId: () => 'generated-id',
    ...options,
  });
const problemsOf = (text: string, options: ParseOptions = {}): string[] => {
  try {
    parse(text, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

// statusetat's README config with Staunch's spelling of the zone key, and a base URL whose
// trailing slash must go.
const STATUSETAT_README_CONFIG = statusetatReadmeConfig('time_zone').replace(
  'base_url: http://localhost:8080',
  'base_url: http://localhost:8080/',
);

describe('parseConfig', () => {
  it('accepts a statusetat config.yml unchanged', () => {
    const config = parse(STATUSETAT_README_CONFIG);
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.components).toEqual([
      { name: 'my-service', description: 'description of my service', group: '' },
    ]);
    expect(config.notifiers[0]).toEqual({
      type: 'slack',
      params: { endpoint: 'http://my-mattermost.com/hooks/aj6na7hz5ib1mfs3eggc1bu8tk' },
      for: { require_all: false, groups: [], names: [] },
    });
    expect(config.base_info.base_url).toBe('http://localhost:8080');
    expect(config.theme.persistent_display_name).toBe('persistent incident');
    expect(config.generated).toEqual({ credentials: false, cookieKey: false });
    expect(config.replication).toEqual({
      write_quorum: 1,
      write_timeout: 5000,
      sync_interval: 60_000,
      poll_interval: 2000,
      tombstone_retention: 30 * 86_400_000,
    });
  });

  it('parses the embedded default', () => {
    const config = parse(DEFAULT_CONFIG_YAML);
    expect(config.targets.map((t) => new URL(t).protocol)).toEqual(['sqlite:', 'file:']);
    expect(config.components.length).toBeGreaterThan(0);
  });

  it('names the target and scheme that is unknown', () => {
    const problems = problemsOf('targets: [sqlite://./a.db, file://./d, "mongo://db:27017/x"]');
    expect(problems).toEqual([
      expect.stringMatching(/^targets\[2\]: unknown scheme "mongo" \(available here: .*sqlite/),
    ]);
  });

  it("accepts statusetat's sqlite://:memory: spelling", () => {
    expect(parse('targets: ["sqlite://:memory:"]').targets).toEqual(['sqlite::memory:']);
  });

  it('rejects a target that is not a URI without echoing its password', () => {
    const [problem] = problemsOf('targets: ["not a uri with //user:hunter2@host"]');
    expect(problem).toMatch(/^targets\[0\]: not a URI/);
    expect(problem).not.toContain('hunter2');
  });

  it('interpolates ${VAR}, ${VAR:-default} and $$, and names unset variables', () => {
    const config = parse(
      'targets: ["postgres://staunch:${DB_PASSWORD}@db/status"]\npassword: "$${literal}"\nusername: ${ADMIN:-root}',
      { env: { DB_PASSWORD: 's3cret' } },
    );
    expect(config.targets[0]).toBe('postgres://staunch:s3cret@db/status');
    expect(config.password).toBe('${literal}');
    expect(config.username).toBe('root');
    expect(problemsOf('targets: ["postgres://u:${MISSING}@db/x"]')).toEqual([
      'targets[0]: environment variable MISSING is not set',
    ]);
  });

  it('lets PORT replace the port of listen', () => {
    expect(
      parse('listen: 10.0.0.1:9000\ntargets: [memory://]', { env: { PORT: '7777' } }).listen,
    ).toEqual({ host: '10.0.0.1', port: 7777 });
    expect(problemsOf('targets: [memory://]', { env: { PORT: 'eighty' } })).toEqual([
      'PORT: "eighty" is not a port number',
    ]);
  });

  it('refuses one agent token for two clusters, and takes two tokens for one (a rotation)', () => {
    const agents = (entries: string) => `targets: [memory://]\nagents:\n${entries}`;
    expect(
      problemsOf(
        agents(
          '  - { cluster: a, token: shared-token-0123456789 }\n  - { cluster: b, token: shared-token-0123456789 }',
        ),
      ),
    ).toEqual([
      'agents[1].token: the same token as agents[0] (cluster "a"); each cluster needs its own',
    ]);
    const rotated = parse(
      agents(
        '  - { cluster: a, token: old-token-0123456789 }\n  - { cluster: a, token: new-token-0123456789 }',
      ),
    );
    expect(rotated.agents.map((agent) => agent.cluster)).toEqual(['a', 'a']);
  });

  it('explains each invalid key with its path', () => {
    expect(problemsOf('targets: [memory://]\nbase_info:\n  time_zon: Europe/Paris')).toEqual([
      'base_info.time_zon: unknown key (did you mean "time_zone"?)',
    ]);
    expect(problemsOf('targets: [memory://]\nbase_info:\n  time_zone: Mars/Olympus')).toEqual([
      'base_info.time_zone: is not an IANA time zone (e.g. Europe/Paris)',
    ]);
    expect(problemsOf('targets: []')).toEqual(['targets: at least one storage target is required']);
    expect(problemsOf('targets: [memory://]\nreplication:\n  sync_interval: soon')[0]).toMatch(
      /^replication.sync_interval: "soon" is not a duration/,
    );
    expect(problemsOf('targets: [memory://]\nreplication:\n  write_quorum: 3')[0]).toMatch(
      /^replication.write_quorum: /,
    );
    expect(
      problemsOf(
        'targets: [memory://]\ncomponents:\n  - name: a\n    group: g\n  - name: a\n    group: g',
      ),
    ).toEqual(['components[1]: "g - a" is listed twice (also components[0])']);
    expect(problemsOf('targets: [memory://]\nlisten: "host:99999"')).toEqual([
      'listen: "host:99999" is not host:port',
    ]);
    expect(
      problemsOf('targets: [memory://]\napi_tokens:\n  - name: ci\n    scopes: [read]'),
    ).toEqual(['api_tokens[0]: give either sha256 or token (exactly one)']);
    expect(
      problemsOf(
        'targets: [memory://]\napi_tokens:\n  - name: ci\n    token: short\n    scopes: [read]',
      ),
    ).toEqual(['api_tokens[0].token: tokens must be at least 16 characters']);
  });

  it('reports YAML syntax errors with the source name, line and column', () => {
    expect(problemsOf('targets: [memory://\nlisten: : :', { source: 'broken.yml' })[0]).toMatch(
      /^broken\.yml: line 2, column 1: /,
    );
    expect(
      problemsOf('targets: [memory://]\nlisten: a\nlisten: b', { source: 'twice.yml' }),
    ).toEqual(['twice.yml: line 3, column 1: Map keys must be unique']);
  });

  it('reads durations in every unit', () => {
    const config = parse(
      'targets: [memory://]\nreplication:\n  write_timeout: 250ms\n  sync_interval: 2m\n  poll_interval: 1.5s\n  tombstone_retention: 7d\n  write_quorum: majority',
    );
    expect(config.replication).toEqual({
      write_quorum: 'majority',
      write_timeout: 250,
      sync_interval: 120_000,
      poll_interval: 1500,
      tombstone_retention: 7 * 86_400_000,
    });
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

describe('parseConfig: targets through their drivers', () => {
  // One row per bad target: the URI and what its message must say. Every row must fail alone.
  const BAD_TARGETS: Array<[string, RegExp]> = [
    [
      's3://bucket-without-host',
      /the bucket is missing .*"bucket-without-host" is read as the host/,
    ],
    ['s3://K:S@minio:9000/b?regoin=eu', /unknown parameter "regoin" \(did you mean "region"\?\)/],
    ['s3://K:S@minio:9000/b?tls=maybe', /tls="maybe" is not a boolean/],
    [
      's3://K:S@minio:9000/b?checksum=crc',
      /checksum="crc" is not one of when_required, when_supported/,
    ],
    ['s3://K:S@minio:9000/b?max_attempts=lots', /max_attempts="lots" is not a whole number/],
    ['s3://K@minio:9000/b', /give both the access key and the secret key/],
    ['file:///x?fsyn=false', /unknown parameter "fsyn" \(did you mean "fsync"\?\)/],
    ['file:///x?fsync=maybe', /fsync="maybe" is not a boolean/],
    ['file:relative', /path: write file:\/\/\/absolute\/folder, or file:\/\/\.\/relative\/folder/],
    ['file:///', /path: names the root folder/],
    ['file:///x?timeout_ms=-5', /timeout_ms="-5" is not a number of at least 1/],
    ['sqlite:relative.db', /path: write sqlite:\/\/\/absolute\/file\.db/],
    ['sqlite://', /path: the database file is missing/],
    ['sqlite:///x.db?tabel=t', /unknown parameter "tabel" \(did you mean "table"\?\)/],
    ['sqlite:///x.db?table=drop;table', /table="drop;table" is not a plain identifier/],
    ['postgres:///db', /host: missing/],
    ['postgres://u@db:0/x', /port: 0 is not a port/],
    ['postgres://u@db/a/b', /path: "a\/b" is not a database name/],
    ['postgres://u@db/x?sslmod=require', /unknown parameter "sslmod" \(did you mean "sslmode"\?\)/],
    [
      'postgres://u@db/x?sslmode=always',
      /sslmode="always" is not one of disable, allow, prefer, require/,
    ],
    [
      'postgresql://u@db/x?statement_timeout=soon',
      /statement_timeout="soon" is not a whole number/,
    ],
    ['mysql://root@db:3306/', /path: the database name is missing/],
    ['mysql:///x', /host: missing/],
    [
      'mariadb://root@db/x?conectTimeout=5',
      /unknown parameter "conectTimeout" \(did you mean "connectTimeout"\?\)/,
    ],
    [
      'mysql://root@db/x?multipleStatements=perhaps',
      /multipleStatements="perhaps" is not a boolean/,
    ],
    ['mysql://root@db/x?ssl=yes-please', /ssl="yes-please" is not a JSON object/],
    ['memory://a?x=1', /unknown parameter "x" \(this driver takes none\)/],
    ['mongo://db:27017/x', /unknown scheme "mongo" \(available here: .*sqlite/],
    ['postgre://u@db/x', /unknown scheme "postgre" \(did you mean "postgres"\?\)/],
  ];

  it.each(BAD_TARGETS)('refuses %s, naming the target', (target, message) => {
    const problems = problemsOf(`targets: [${JSON.stringify(target)}]`);
    expect(problems).toEqual([expect.stringMatching(/^targets\[0\]: /)]);
    expect(problems[0]).toMatch(message);
  });

  it('reports every problem of every target in one round', () => {
    const problems = problemsOf(
      'targets: ["s3://K:S@h/b?regoin=x&tls=maybe", "file:///x?fsyn=false"]\ncomponents: [{name: a}, {name: a}]\nbase_info:\n  titel: x',
    );
    expect(problems).toEqual([
      'base_info.titel: unknown key (did you mean "title"?)',
      expect.stringMatching(/^targets\[0\]: unknown parameter "regoin"/),
      expect.stringMatching(/^targets\[0\]: tls="maybe"/),
      expect.stringMatching(/^targets\[1\]: unknown parameter "fsyn"/),
      'components[1]: "a" is listed twice (also components[0])',
    ]);
  });

  it('never prints a password, whatever it holds', () => {
    for (const password of [
      'hunter/2',
      'hun@ter2',
      'hun:ter2',
      'hun%2Fter2',
      'hun?ter2',
      'hun#ter2',
    ]) {
      for (const target of [
        `postgres://u:${password}@db/x?sslmod=1`,
        `s3://KEY:${password}@h/b?regoin=1`,
        `mysql://u:${password}@db/?x=1`,
      ]) {
        const text = problemsOf(`targets: [${JSON.stringify(target)}]`).join('\n');
        expect(text, target).toMatch(/^targets\[0\]: /);
        expect(text, target).not.toMatch(/hun|ter2/);
      }
    }
  });

  it('resolves relative file and SQLite paths against the config file folder', () => {
    const config = parse(
      'targets: ["sqlite://./data/s.db", "file://./records?fsync=false", "file://../shared", "sqlite:///abs/s.db"]',
    );
    expect(config.targets).toEqual([
      'sqlite:///srv/staunch/data/s.db',
      'file:///srv/staunch/records?fsync=false',
      'file:///srv/shared',
      'sqlite:///abs/s.db',
    ]);
  });

  it('refuses one store listed twice under two spellings', () => {
    const same = [
      ['postgres://u@127.0.0.1:5432/test', 'postgres://u@localhost/test'],
      ['mysql://root@[::1]:3306/db', 'mariadb://root@localhost/db'],
      ['sqlite://./s.db', 'sqlite:///srv/staunch/s.db'],
      ['file:///srv/staunch/records/', 'file://./records'],
      ['s3://K:S@minio:9000/b/p', 's3://K2:S2@MINIO:9000/b/p?region=x'],
      ['memory://one', 'memory://one'],
    ];
    for (const [a, b] of same) {
      expect(
        problemsOf(`targets: [${JSON.stringify(a)}, ${JSON.stringify(b)}]`),
        `${a} ${b}`,
      ).toEqual([
        expect.stringMatching(/^targets\[1\]: the same store as targets\[0\] .*write_quorum/),
      ]);
    }
    // Different tables, databases, buckets or prefixes are different stores; unnamed memory stores never share.
    expect(() =>
      parse(
        'targets: ["postgres://u@localhost/test", "postgres://u@localhost/test?table=other", "postgres://u@localhost/other", "s3://K:S@h/b/p1", "s3://K:S@h/b/p2", "memory://", "memory://"]',
      ),
    ).not.toThrow();
  });
});

describe('parseConfig: durations, quorum, notifiers, aliases', () => {
  it.each([
    ['write_timeout: 0', /^replication\.write_timeout: 0 is too short: the minimum is 100ms \(/],
    ['sync_interval: 0', /^replication\.sync_interval: 0 is too short: the minimum is 1s \(/],
    [
      'poll_interval: 0s',
      /^replication\.poll_interval: "0s" is too short: the minimum is 100ms \(/,
    ],
    [
      'tombstone_retention: 0',
      /^replication\.tombstone_retention: 0 is too short: the minimum is 1h \(/,
    ],
    [
      'tombstone_retention: 2h\n  sync_interval: 3h',
      /^replication\.tombstone_retention: must be longer than sync_interval/,
    ],
    ['write_quorum: 2', /^replication\.write_quorum: 2 is not allowed: use 1, majority or all/],
    [
      'write_quorum: most',
      /^replication\.write_quorum: "most" is not allowed: use 1, majority or all/,
    ],
  ])('refuses %s with the reason', (line, message) => {
    expect(problemsOf(`targets: [memory://]\nreplication:\n  ${line}`)).toEqual([
      expect.stringMatching(message),
    ]);
  });

  it("checks each notifier block's params through its channel, naming the key, and refuses unknown types", () => {
    const config = parse(
      'targets: [memory://]\nnotifiers:\n  - type: slack\n    params: {endpoint: https://hooks.example.com/x}\n  - type: log_notifier\n    params: {path: ./log-notif}',
    );
    expect(config.warnings).toEqual([
      {
        key: 'notifiers[1]',
        message:
          'notifiers[1] (log_notifier): read as type plugin because it has params.path (statusetat itself only loads plugins declared as type: plugin)',
      },
    ]);
    expect(problemsOf('targets: [memory://]\nnotifiers:\n  - type: emial')).toEqual([
      expect.stringMatching(
        /^notifiers\[0\]\.type: unknown notifier "emial" \(did you mean "email"\?\)/,
      ),
    ]);
    expect(
      problemsOf(
        'targets: [memory://]\nnotifiers:\n  - type: slack\n  - type: grafana_annotation\n    params: {endpoint: ftp://grafana, dashbord_id: 3}',
      ),
    ).toEqual([
      'notifiers[0].params.endpoint: is required (the incoming webhook URL)',
      'notifiers[1].params.endpoint: must be an http or https URL, not ftp:',
      expect.stringMatching(
        /^notifiers\[1\]\.params\.dashbord_id: unknown param \(did you mean "dashboard_id"\?\)/,
      ),
    ]);
  });

  it('refuses a mail template that does not compile at start, with its line and column', () => {
    expect(
      problemsOf(
        "targets: [memory://]\nnotifiers:\n  - type: email\n    params:\n      host: smtp.example.com\n      subject_incident: '{{ .IncidentTitle | shout }}'\n      txt_incident: '{{ .Incident.Nope }}'",
      ),
    ).toEqual([
      'notifiers[0].params.subject_incident: template: subject_incident:1:1: function "shout" not defined',
      "notifiers[0].params.txt_incident: template: txt_incident:1:1: can't evaluate field Nope in type models.Incident",
    ]);
  });

  it('refuses email on Workers, saying why, and accepts the fetch-based channels there', () => {
    const email =
      'targets: [memory://]\nnotifiers:\n  - type: email\n    params: {host: smtp.example.com}';
    expect(() => parseConfig(email, { runtime: 'worker' })).toThrow(
      /notifiers\[0\]\.type: email cannot run on Workers: SMTP needs outgoing TCP connections/,
    );
    expect(() => parseConfig(email, { runtime: 'node' })).not.toThrow();
    const slack =
      'targets: [memory://]\nnotifiers:\n  - type: slack\n    params: {endpoint: https://hooks.example.com/x}';
    expect(() => parseConfig(slack, { runtime: 'worker' })).not.toThrow();
  });

  it("reads statusetat's documented base_info.timezone as time_zone, with a warning", () => {
    const config = parse('targets: [memory://]\nbase_info:\n  timezone: Europe/Paris');
    expect(config.base_info.time_zone).toBe('Europe/Paris');
    expect(config.warnings).toEqual([
      {
        key: 'base_info.timezone',
        message: expect.stringMatching(
          /statusetat's README spelling; it is read as base_info\.time_zone/,
        ),
      },
    ]);
    expect(
      problemsOf('targets: [memory://]\nbase_info:\n  timezone: UTC\n  time_zone: UTC'),
    ).toEqual([
      'base_info.timezone: set together with base_info.time_zone; keep only base_info.time_zone',
    ]);
    expect(problemsOf('targets: [memory://]\nbase_info:\n  timezone: Mars/Olympus')).toEqual([
      'base_info.time_zone: is not an IANA time zone (e.g. Europe/Paris)',
    ]);
  });
});

describe('vcapConfig', () => {
  const services = (...entries: unknown[]) =>
    JSON.stringify({
      'user-provided': entries,
      'p.mysql': [{ name: 'db', credentials: { hostname: 'h', username: 'u', password: 'p' } }],
    });

  it("merges the bound services' credentials with statusetat's rules", () => {
    const { value, problems, warnings } = vcapConfig(
      services(
        {
          name: 'a',
          credentials: {
            targets: ['memory://a'],
            components: [{ name: 'web' }],
            base_info: { title: 'First' },
            username: 'admin',
          },
        },
        {
          name: 'b',
          credentials: {
            targets: ['memory://b'],
            components: [{ name: 'api' }],
            base_info: { title: 'Second' },
            username: 'ops',
            password: 'pw',
            disable_maintenance_to_incident: true,
          },
        },
        { name: 'c', credentials: { username: 'late', password: 'late', listen: ':9000' } },
      ),
    );
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      {
        key: 'VCAP_SERVICES.p.mysql',
        message: 'VCAP_SERVICES: service "db" (p.mysql) holds no Staunch configuration; skipped',
      },
    ]);
    const config = parseConfigValue(value, { drivers: nodeDrivers, interpolate: false });
    expect(config.targets).toEqual(['memory://a', 'memory://b']);
    expect(config.components.map((c) => c.name)).toEqual(['web', 'api']);
    expect(config.base_info.title).toBe('First');
    expect([config.username, config.password]).toEqual(['ops', 'pw']);
    expect(config.listen.port).toBe(9000);
    expect(config.disable_maintenance_to_incident).toBe(true);
  });

  it('says what is wrong with VCAP_SERVICES itself', () => {
    expect(vcapConfig('{not json').problems).toEqual([
      expect.stringMatching(/^VCAP_SERVICES: not JSON/),
    ]);
    expect(vcapConfig(services()).problems).toEqual([
      expect.stringMatching(/^VCAP_SERVICES: no bound service holds a Staunch configuration/),
    ]);
  });
});

describe('config.example.yml', () => {
  const text = readFileSync(new URL('../../config.example.yml', import.meta.url), 'utf8');
  const env = {
    STAUNCH_ADMIN_PASSWORD: 'pw',
    STAUNCH_COOKIE_KEY: 'k',
    PG_PASSWORD: 'p',
    SLACK_WEBHOOK_URL: 'https://hooks.example/x',
    STAUNCH_CI_TOKEN: 'a-token-of-sixteen-chars',
    STAUNCH_AGENT_TOKEN_PRODUCTION: 'agent-token-0123456789',
  };

  it('is a valid configuration', () => {
    expect(() => parse(text, { env })).not.toThrow();
  });

  it('documents every key the schema knows', () => {
    const keys = new Set<string>();
    const walk = (schema: z.ZodType): void => {
      const def = schema._zod.def as {
        type: string;
        shape?: Record<string, z.ZodType>;
        innerType?: z.ZodType;
        element?: z.ZodType;
        in?: z.ZodType;
        options?: z.ZodType[];
      };
      if (def.shape) {
        for (const [key, child] of Object.entries(def.shape)) {
          keys.add(key);
          walk(child);
        }
      }
      for (const inner of [def.innerType, def.element, def.in, ...(def.options ?? [])])
        if (inner) walk(inner);
    };
    walk(configSchema);
    const undocumented = [...keys].filter(
      (key) => !new RegExp(`^\\s*#?\\s*-?\\s*${key}:`, 'm').test(text),
    );
    expect(undocumented).toEqual([]);
  });
});
