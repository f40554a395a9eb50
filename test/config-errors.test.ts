/**
 * Every bad configuration, through the CLI as a process: exit code 2, the key named, no stack
 * trace, no password. Each driver's URI variants share one file per driver, since every problem
 * is reported in one round.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { STAUNCH_BIN } from './support/staunch-process.ts';

const run = promisify(execFile);
const SECRET = 'hunter/2';

const targets = (...uris: string[]) =>
  `targets:\n${uris.map((uri) => `  - ${JSON.stringify(uri)}`).join('\n')}\n`;

// [name, config file, every line stderr must contain]
const BAD_CONFIGS: Array<[string, string, string[]]> = [
  [
    's3 without a host',
    targets('s3://bucket-without-host'),
    ['targets[0]: path: the bucket is missing'],
  ],
  [
    'a typo in a file parameter',
    targets('file:///x?fsyn=false'),
    ['targets[0]: unknown parameter "fsyn" (did you mean "fsync"?)'],
  ],
  [
    'a relative file: path',
    targets('file:relative'),
    ['targets[0]: path: write file:///absolute/folder'],
  ],
  [
    'write_quorum 2 with one target',
    `${targets('memory://')}replication:\n  write_quorum: 2\n`,
    ['replication.write_quorum: 2 is not allowed: use 1, majority or all'],
  ],
  [
    'zero durations',
    `${targets('memory://')}replication:\n  sync_interval: 0\n  poll_interval: 0\n  write_timeout: 0\n  tombstone_retention: 0\n`,
    [
      'replication.sync_interval: 0 is too short',
      'replication.poll_interval: 0 is too short',
      'replication.write_timeout: 0 is too short',
      'replication.tombstone_retention: 0 is too short',
    ],
  ],
  [
    'one database under two host names',
    targets('postgres://u@127.0.0.1:5432/test', 'postgres://u@localhost/test'),
    ['targets[1]: the same store as targets[0]'],
  ],
  [
    'a password holding a slash',
    targets(`postgres://staunch:${SECRET}@db.internal:5432/x`),
    ['targets[0]: not a valid URI: percent-encode'],
  ],
  ['YAML syntax', 'targets: [memory://\nlisten: : :\n', ['bad.yml: line 2, column 1: ']],
  [
    'an unknown notifier type',
    `${targets('memory://')}notifiers:\n  - type: slak\n`,
    ['notifiers[0].type: unknown notifier "slak" (did you mean "slack"?)'],
  ],
  [
    'a typo in a key',
    `${targets('memory://')}base_info:\n  titel: x\n`,
    ['base_info.titel: unknown key (did you mean "title"?)'],
  ],
  [
    'several problems and a duplicate component, in one round',
    `${targets('mongo://db/x')}components:\n  - name: a\n  - name: a\nlisten: "host:99999"\n`,
    [
      'targets[0]: unknown scheme "mongo"',
      'components[1]: "a" is listed twice',
      'listen: "host:99999" is not host:port',
    ],
  ],
  [
    'sqlite URIs',
    targets(
      'sqlite:relative.db',
      'sqlite://',
      'sqlite:///x.db?tabel=t',
      'sqlite:///y.db?table=a-b',
      'sqlite:///z.db?timeout_ms=soon',
    ),
    [
      'targets[0]: path: write sqlite:///absolute/file.db',
      'targets[1]: path: the database file is missing',
      'targets[2]: unknown parameter "tabel" (did you mean "table"?)',
      'targets[3]: table="a-b" is not a plain identifier',
      'targets[4]: timeout_ms="soon" is not a number',
    ],
  ],
  [
    'file URIs',
    targets('file:///', 'file:///a?fsync=maybe', 'file:///b?timeout=5'),
    [
      'targets[0]: path: names the root folder',
      'targets[1]: fsync="maybe" is not a boolean',
      'targets[2]: unknown parameter "timeout"',
    ],
  ],
  [
    'postgres URIs',
    targets(
      'postgres:///x',
      'postgres://u@db:0/x',
      'postgres://u@db/a/b',
      'postgres://u@db/x?sslmod=require',
      'postgresql://u@db/x?sslmode=always',
    ),
    [
      'targets[0]: host: missing',
      'targets[1]: port: 0 is not a port',
      'targets[2]: path: "a/b" is not a database name',
      'targets[3]: unknown parameter "sslmod" (did you mean "sslmode"?)',
      'targets[4]: sslmode="always" is not one of',
    ],
  ],
  [
    'mysql URIs',
    targets(
      'mysql:///x',
      'mysql://root@db:3306/',
      'mariadb://root@db/x?conectTimeout=5',
      'mysql://root@db/x?multipleStatements=perhaps',
    ),
    [
      'targets[0]: host: missing',
      'targets[1]: path: the database name is missing',
      'targets[2]: unknown parameter "conectTimeout" (did you mean "connectTimeout"?)',
      'targets[3]: multipleStatements="perhaps" is not a boolean',
    ],
  ],
  [
    's3 URIs',
    targets(
      `s3://KEY:${SECRET.replace('/', '%2F')}@minio:9000/b?regoin=eu`,
      's3://K:S@minio:9000/',
      's3://K:S@minio:9000/b?tls=maybe&max_attempts=0',
      's3://K@minio/b',
      's3://K:S@s3.amazonaws.com/b?tls=false',
    ),
    [
      'targets[0]: unknown parameter "regoin" (did you mean "region"?)',
      'targets[1]: path: the bucket is missing',
      'targets[2]: tls="maybe" is not a boolean',
      'targets[2]: max_attempts="0" is not a whole number',
      'targets[3]: credentials: give both',
      'targets[4]: tls: amazonaws.com endpoints need TLS',
    ],
  ],
  [
    'memory URIs',
    targets('memory://a?x=1', 'memory://b', 'memory://b'),
    ['targets[0]: unknown parameter "x"', 'targets[2]: the same store as targets[1]'],
  ],
];

async function staunch(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return run(process.execPath, [STAUNCH_BIN, ...args], { cwd, timeout: 30_000 }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );
}

describe('bad configurations through the CLI', () => {
  it.each(BAD_CONFIGS)(
    '%s: exit 2, the key named, no stack trace',
    async (name, text, expected) => {
      const cwd = mkdtempSync(join(tmpdir(), 'staunch-config-'));
      writeFileSync(join(cwd, 'bad.yml'), text);
      // serve for all; targets check too for a few, since every command reads the config the same way.
      const commands = name.endsWith('URIs')
        ? [
            ['serve', '-c', 'bad.yml'],
            ['targets', 'check', '-c', 'bad.yml'],
          ]
        : [['serve', '-c', 'bad.yml']];
      for (const args of commands) {
        const { code, stderr } = await staunch(args, cwd);
        expect(code, `${args.join(' ')}\n${stderr}`).toBe(2);
        expect(stderr).toMatch(/^invalid configuration:\n/);
        for (const line of expected) expect(stderr).toContain(`  - ${line}`);
        expect(stderr).not.toMatch(/\n\s+at /);
        expect(stderr).not.toMatch(/hunter|%2F2/);
      }
    },
    60_000,
  );
});
