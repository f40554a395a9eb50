/**
 * `staunch import --from-statusetat`: a statusetat store in each of its formats, created as
 * statusetat lays it out, imported into a Staunch target; the /v1 answers for the imported
 * incidents equal statusetat's, and a second run writes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.ts';
import { statusetatImportCommand } from '../src/commands/import-statusetat.ts';
import { parseConfig } from '../src/config/parse.ts';
import type { StatusetatIncident } from '../src/domain/statusetat-import.ts';
import { silentLogger } from '../src/logger.ts';
import { createReplicator } from '../src/replication/replicator.ts';
import { createSqliteDriver } from '../storage-drivers/sqlite.ts';
import { createMysqlDatabase, mysqlAvailable, type MysqlTestDatabase } from './support/mysql.ts';
import {
  createPostgresDatabase,
  postgresAvailable,
  type PostgresTestDatabase,
} from './support/postgres.ts';
import { startS3rver, type RunningS3rver } from './support/s3rver.ts';
import {
  createBucketStore,
  createFolderStore,
  createMysqlStore,
  createPostgresStore,
  createSqliteStore,
} from './support/statusetat-store.ts';
import { AUTH } from './support/test-app.ts';
import { TEST_CONFIG_YAML } from './support/domain-fixtures.ts';

const INCIDENT_GUID = '6f1c1a52-5b8e-4a57-9d0e-0c4c1e7b2a11';
const MAINTENANCE_GUID = '0b7d4c0e-2f7e-4b8a-8c11-5d2e9f3a6b22';
const PERSISTENT_GUID = 'a3e5f7c9-1b2d-4e6f-8a0c-2e4f6a8c0e33';

/** As statusetat's API answers them (SQLite, folder and S3 keep the offsets they were given). */
const INCIDENTS: StatusetatIncident[] = [
  {
    guid: INCIDENT_GUID,
    created_at: '2026-11-20T10:00:00.123456+05:00',
    updated_at: '2026-11-20T12:30:00+05:00',
    state: 1,
    component_state: 3,
    components: ['Public - API'],
    messages: [
      {
        guid: 'c9d8e7f6-0000-4000-8000-000000000002',
        incident_guid: INCIDENT_GUID,
        created_at: '2026-11-20T12:30:00+05:00',
        title: 'Resolved',
        content: 'The API answers again.',
      },
      {
        guid: 'm1',
        incident_guid: INCIDENT_GUID,
        created_at: '2026-11-20T10:00:00.123456+05:00',
        title: 'API errors',
        content: 'We are looking **into** it.',
      },
    ],
    metadata: [{ incident_guid: INCIDENT_GUID, key: 'ticket', value: 'INC-42' } as never],
    is_scheduled: false,
    scheduled_end: '0001-01-01T00:00:00Z',
    origin: 'https://old-status.example.test',
    persistent: false,
  },
  {
    guid: MAINTENANCE_GUID,
    created_at: '2026-11-24T22:00:00Z',
    updated_at: '2026-11-19T09:15:00Z',
    state: 0,
    component_state: 1,
    components: ['Internal - Database'],
    messages: [
      {
        guid: 'e1f2a3b4-0000-4000-8000-000000000003',
        incident_guid: MAINTENANCE_GUID,
        created_at: '2026-11-19T09:15:00Z',
        title: 'Database upgrade',
        content: 'Planned.',
      },
    ],
    metadata: [],
    is_scheduled: true,
    scheduled_end: '2026-11-25T02:00:00Z',
    origin: 'https://old-status.example.test',
    persistent: false,
  },
  {
    guid: PERSISTENT_GUID,
    created_at: '2026-10-01T08:00:00+02:00',
    updated_at: '2026-10-01T08:00:00+02:00',
    state: 0,
    component_state: 2,
    components: ['Public - Website'],
    messages: [
      {
        guid: 'f0e1d2c3-0000-4000-8000-000000000004',
        incident_guid: PERSISTENT_GUID,
        created_at: '2026-10-01T08:00:00+02:00',
        title: 'Slow search',
        content: 'Known issue.',
      },
    ],
    metadata: [],
    is_scheduled: false,
    scheduled_end: '0001-01-01T00:00:00Z',
    origin: 'https://old-status.example.test',
    persistent: true,
  },
];
const SUBSCRIBERS = ['ops@example.test', 'Bob <bob@example.test>'];

/** What a backend keeping only the instant answers: UTC, to its precision (MySQL DATETIME: seconds). */
function asUtc(
  incident: StatusetatIncident,
  precision: 'microseconds' | 'seconds',
): StatusetatIncident {
  const utc = (text: string) => {
    if (text.startsWith('0001-')) return text;
    const iso = new Date(text).toISOString();
    const micro = /\.(\d+)/.exec(text)?.[1]?.padEnd(6, '0').slice(0, 6).replace(/0+$/, '');
    return precision === 'seconds' || !micro
      ? iso.replace(/\.\d+Z$/, 'Z')
      : iso.replace(/\.\d+Z$/, `.${micro}Z`);
  };
  return {
    ...incident,
    created_at: utc(incident.created_at),
    updated_at: utc(incident.updated_at),
    scheduled_end: utc(incident.scheduled_end),
    messages: incident.messages!.map((m) => ({ ...m, created_at: utc(m.created_at) })),
  };
}

const work = mkdtempSync(join(tmpdir(), 'staunch-statusetat-'));
let s3: RunningS3rver;
const databases: Array<PostgresTestDatabase | MysqlTestDatabase> = [];
beforeAll(async () => {
  s3 = await startS3rver({ buckets: ['statusetat'] });
}, 30_000);
afterAll(async () => {
  await s3?.close();
  await Promise.all(databases.map((d) => d.drop()));
  rmSync(work, { recursive: true, force: true });
});

let runs = 0;
/** Imports `uri` into a fresh SQLite target twice, then answers /v1 requests from that target. */
async function importAndServe(uri: string) {
  const dir = mkdtempSync(join(work, `run-${++runs}-`));
  const target = `sqlite://${join(dir, 'staunch.db')}`;
  const yaml = TEST_CONFIG_YAML.replace('memory://unused', target) + '\nsnapshot: false\n';
  const configFile = join(dir, 'config.yml');
  writeFileSync(configFile, yaml);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const progress = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    expect(await statusetatImportCommand(uri, { config: configFile })).toBe(0);
    const first = log.mock.calls.map((c) => String(c[0])).join('\n');
    expect(first).toContain('incidents: 3 new, 0 changed, 0 unchanged (4 messages)');
    expect(first).toContain('subscribers: 2 new');
    log.mockClear();
    expect(await statusetatImportCommand(uri, { config: configFile })).toBe(0);
    const second = log.mock.calls.map((c) => String(c[0])).join('\n');
    expect(second).toContain('incidents: 0 new, 0 changed, 3 unchanged');
    expect(second).toContain('subscribers: 0 new, 2 already subscribed');
  } finally {
    log.mockRestore();
    progress.mockRestore();
  }
  const driver = createSqliteDriver(new URL(target));
  const replicator = createReplicator({
    drivers: [driver],
    pollIntervalMs: 0,
    syncIntervalMs: 0,
    healthIntervalMs: 0,
  });
  await replicator.start();
  const { app } = buildApp({
    config: parseConfig(yaml),
    store: replicator,
    logger: silentLogger,
    startedAt: new Date(),
    version: 'test',
  });
  const get = async (path: string, auth?: string) => {
    const response = await app.request(
      `http://localhost${path}`,
      auth ? { headers: { Authorization: auth } } : {},
    );
    expect(response.status, path).toBe(200);
    return response.json();
  };
  return {
    get,
    close: async () => {
      await replicator.stop();
      await driver.close();
    },
  };
}

async function expectStatusetatAnswers(uri: string, expected: StatusetatIncident[]) {
  const served = await importAndServe(uri);
  try {
    for (const incident of expected)
      expect(await served.get(`/v1/incidents/${incident.guid}`)).toEqual({
        ...incident,
        metadata: incident.metadata ?? [],
      });
    expect(await served.get(`/v1/incidents/${INCIDENT_GUID}/messages/m1`)).toEqual(
      expected[0]!.messages![1],
    );
    expect(await served.get('/v1/persistent_incidents')).toEqual([expected[2]]);
    const listed = (await served.get(
      '/v1/incidents?from=2026-11-01T00:00:00Z&to=2026-11-30T00:00:00Z&all_types=1',
    )) as Array<{ guid: string }>;
    expect(listed.map((i) => i.guid)).toEqual([MAINTENANCE_GUID, INCIDENT_GUID]);
    expect(((await served.get('/v1/subscribers', AUTH.admin)) as string[]).sort()).toEqual(
      [...SUBSCRIBERS].sort(),
    );
  } finally {
    await served.close();
  }
}

describe('import --from-statusetat', () => {
  it('from its SQLite database', async () => {
    const path = join(work, 'statusetat.db');
    createSqliteStore(path, INCIDENTS, SUBSCRIBERS);
    await expectStatusetatAnswers(`sqlite://${path}`, INCIDENTS);
  });

  it('from its folder', async () => {
    const folder = join(work, 'statusetat-files');
    createFolderStore(folder, INCIDENTS, SUBSCRIBERS);
    await expectStatusetatAnswers(`file://${folder}`, INCIDENTS);
  });

  it('from its S3 bucket', async () => {
    await createBucketStore(s3.endpoint, 'statusetat', INCIDENTS, SUBSCRIBERS);
    await expectStatusetatAnswers(`s3://S3RVER:S3RVER@${s3.host}/statusetat?tls=false`, INCIDENTS);
  });

  it('from its PostgreSQL database', async (ctx) => {
    if (!(await postgresAvailable())) return ctx.skip();
    const database = await createPostgresDatabase();
    databases.push(database);
    await createPostgresStore(database.url, INCIDENTS, SUBSCRIBERS);
    await expectStatusetatAnswers(
      database.url.href,
      INCIDENTS.map((i) => asUtc(i, 'microseconds')),
    );
  });

  it('from its MySQL / MariaDB database', async (ctx) => {
    if (!(await mysqlAvailable())) return ctx.skip();
    const database = await createMysqlDatabase();
    databases.push(database);
    await createMysqlStore(database.url, INCIDENTS, SUBSCRIBERS);
    // statusetat's working form: parseTime=true percent-encoded into the path.
    const uri = new URL(database.url.href);
    uri.pathname += '%3FparseTime=true';
    await expectStatusetatAnswers(
      uri.href.replace(/^mysql:/, 'mariadb:'),
      INCIDENTS.map((i) => asUtc(i, 'seconds')),
    );
  });

  it('refuses a URI that names no statusetat store', async () => {
    await expect(statusetatImportCommand('mongo://x/y', {})).rejects.toThrow(
      /not a statusetat store/,
    );
  });
});
