/**
 * Three `staunch serve` processes on shared PostgreSQL and MariaDB targets, two webhook channels
 * to one receiver. The receiver is down (503) for the first minute of an incident and its
 * updates, then stops answering while the instances retry; the instance holding the most claims
 * at that moment is SIGKILLed; then the receiver comes back. In the end each channel received
 * each message exactly once, by idempotency key and by count.
 *
 * The processes run on a test clock (NODE_ENV=test and STAUNCH_TEST_CLOCK_FILE, see
 * src/runtime/test-clock.ts) that the test runs ten times faster than real time, so the retries'
 * backoff and the dead instance's lease pass in seconds. It moves in steps of one second, never
 * in jumps: a jump longer than the lease would expire the claim of a send still in flight, which
 * no real clock does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDatabase, mysqlAvailable, type MysqlTestDatabase } from './support/mysql.ts';
import {
  createPostgresDatabase,
  postgresAvailable,
  withPostgres,
  type PostgresTestDatabase,
} from './support/postgres.ts';
import { eventually, startStaunch, type StaunchProcess } from './support/staunch-process.ts';
import { startWebhookSink, type WebhookSink } from './support/webhook-sink.ts';

const ADMIN = `Basic ${btoa('admin:s3cret-password')}`;
const available = (await postgresAvailable()) && (await mysqlAvailable());

let pg: PostgresTestDatabase;
let my: MysqlTestDatabase;
let sink: WebhookSink;
let cwd: string;
const instances: StaunchProcess[] = [];

beforeAll(async () => {
  if (!available) return;
  pg = await createPostgresDatabase();
  my = await createMysqlDatabase();
  sink = await startWebhookSink();
  cwd = mkdtempSync(join(tmpdir(), 'staunch-outbox-'));
}, 30_000);

afterAll(async () => {
  await Promise.all(instances.map((p) => p.stop('SIGKILL')));
  await sink?.close();
  await pg?.drop();
  await my?.drop();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
}, 30_000);

async function call(server: StaunchProcess, method: string, path: string, body?: unknown) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: ADMIN, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Retried while the instance has not seen the incident yet (404) or a write missed its quorum (503). */
async function write(server: StaunchProcess, method: string, path: string, body: unknown) {
  return eventually(
    async () => {
      const response = await call(server, method, path, body);
      return response.ok ? ((await response.json()) as { guid: string }) : undefined;
    },
    { timeoutMs: 20_000 },
  );
}

describe.runIf(available)(
  'three instances, one receiver down for a minute, one instance killed',
  () => {
    it('delivers each message to each channel exactly once', { timeout: 180_000 }, async () => {
      const postgresTarget = pg.freshTarget();
      const clockFile = join(cwd, 'clock');
      let offset = 0;
      const setClock = (ms: number) => {
        offset = ms;
        writeFileSync(clockFile, String(ms));
      };
      /** Move the test clock forward by `ms`, one second every 100 ms of real time. */
      const advance = async (ms: number) => {
        for (let moved = 0; moved < ms; moved += 1000) {
          setClock(offset + Math.min(1000, ms - moved));
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      const table = postgresTarget.searchParams.get('table')!;
      const states = () =>
        withPostgres(pg.url, async (client) => {
          const rows = await client.query<{ body: string }>(
            `SELECT body FROM "${table}" WHERE kind = 'outbox' AND NOT deleted`,
          );
          return rows.rows.map((row) => (JSON.parse(row.body) as { state: string }).state);
        });
      setClock(0);
      writeFileSync(
        join(cwd, 'config.yml'),
        [
          'username: admin',
          'password: s3cret-password',
          'components:',
          '  - name: API',
          '    group: Public',
          'targets:',
          `  - ${postgresTarget.href}`,
          `  - ${my.freshTarget().href}`,
          'snapshot: false',
          'replication:',
          '  poll_interval: 300ms',
          'notifiers:',
          '  - type: webhook',
          '    params:',
          `      endpoint: ${sink.url}/hooks/a`,
          '  - type: webhook',
          '    params:',
          `      endpoint: ${sink.url}/hooks/b`,
          'outbox:',
          '  lease: 20s',
          '  timeout: 5s',
          '  retry_base: 5s',
          '  retry_max: 30s',
          '  poll_interval: 200ms',
          '',
        ].join('\n'),
      );
      const env = { NODE_ENV: 'test', STAUNCH_TEST_CLOCK_FILE: clockFile };
      for (let i = 0; i < 3; i++) instances.push(await startStaunch(['serve'], { cwd, env }));
      for (const server of instances)
        await eventually(
          async () => ((await fetch(`${server.url}/readyz`)).status === 200 ? true : undefined),
          { timeoutMs: 30_000 },
        );
      const [one, two, three] = instances as [StaunchProcess, StaunchProcess, StaunchProcess];

      // The first minute: the receiver is down while the incident is opened, updated and resolved.
      sink.mode = 'down';
      const { guid } = await write(one, 'POST', '/v1/incidents', {
        components: ['Public - API'],
        component_state: 4,
        messages: [{ title: 'API down', content: 'Every request fails.' }],
      });
      await write(two, 'POST', `/v1/incidents/${guid}/messages`, {
        title: 'Found',
        content: 'A bad deploy.',
      });
      await write(three, 'POST', `/v1/incidents/${guid}/messages`, {
        title: 'Rolling back',
        content: '...',
      });
      await write(one, 'POST', `/v1/incidents/${guid}/messages`, {
        title: 'Recovering',
        content: '...',
      });
      await write(two, 'PUT', `/v1/incidents/${guid}`, { state: 1 });
      // Five messages, one more posted while the receiver hangs, to two channels.
      const deliveries = 5 * 2;
      const allDeliveries = 6 * 2;
      await eventually(async () => (sink.refused.size === deliveries ? true : undefined), {
        timeoutMs: 30_000,
      });

      // A minute later the instances retry into a receiver that no longer answers; kill the one
      // holding the most claims while its requests hang.
      sink.mode = 'hang';
      await advance(61_000);
      await eventually(async () => (sink.hanging() >= 2 ? true : undefined), { timeoutMs: 30_000 });
      // Deliveries hang on every instance, and the API still answers at once.
      const before = performance.now();
      const read = await call(one, 'GET', `/v1/incidents/${guid}`);
      const posted = await call(three, 'POST', `/v1/incidents/${guid}/messages`, {
        title: 'Still on it',
        content: '...',
      });
      const apiMs = Math.round(performance.now() - before);
      expect(read.status).toBe(200);
      expect(posted.status).toBe(201);
      expect(apiMs).toBeLessThan(2000);
      const claims = await withPostgres(pg.url, async (client) => {
        const rows = await client.query<{ id: string; body: string }>(
          `SELECT id, body FROM "${table}" WHERE kind = 'outbox_claim' AND NOT deleted`,
        );
        return rows.rows.map((row) => ({
          id: row.id,
          ...(JSON.parse(row.body) as { instance: string; expiresAt: number }),
        }));
      });
      const live = claims.filter((c) => c.expiresAt > Date.now() + offset);
      const holders = new Map<number, number>();
      for (const claim of live) {
        const pid = Number(claim.instance.split(':')[1]);
        holders.set(pid, (holders.get(pid) ?? 0) + 1);
      }
      const [victimPid, held] = [...holders.entries()].sort((a, b) => b[1] - a[1])[0]!;
      const victim = instances.find((p) => p.child.pid === victimPid)!;
      expect(victim).toBeDefined();
      expect(await victim.stop('SIGKILL')).toBe('SIGKILL');
      instances.splice(instances.indexOf(victim), 1);

      // The receiver is back; the survivors' hung requests fail, and the dead instance's claims expire.
      sink.mode = 'up';
      sink.releaseHanging();
      for (let i = 0; i < 120; i++) {
        const now = await states();
        if (now.length === allDeliveries && now.every((state) => state === 'sent')) break;
        await advance(5000);
      }
      expect(await states()).toEqual(Array.from({ length: allDeliveries }, () => 'sent'));
      // Much later (leases, backoffs and the clock's passes all run out), nothing more arrives.
      await advance(5 * 60_000);

      const byKey = new Map<string, number>();
      for (const a of sink.accepted)
        byKey.set(a.idempotencyKey, (byKey.get(a.idempotencyKey) ?? 0) + 1);
      const byChannel = new Map<string, number>();
      for (const a of sink.accepted) byChannel.set(a.path, (byChannel.get(a.path) ?? 0) + 1);
      console.log(
        [
          `outbox across 3 instances (pid ${victimPid} killed holding ${held} claims):`,
          `  API while every delivery hung: a read and a posted update in ${apiMs} ms`,
          `  refused while down: ${[...sink.refused.values()].reduce((x, y) => x + y, 0)} requests for ${sink.refused.size} deliveries`,
          ...[...byChannel].map(([path, count]) => `  ${path}: ${count} accepted`),
          `  accepted: ${sink.accepted.length} requests, ${byKey.size} idempotency keys, max ${Math.max(...byKey.values())} per key`,
        ].join('\n'),
      );
      expect(byChannel).toEqual(
        new Map([
          ['/hooks/a', 6],
          ['/hooks/b', 6],
        ]),
      );
      expect([...byKey.values()].every((count) => count === 1)).toBe(true);
      expect(sink.accepted).toHaveLength(allDeliveries);
      expect(held).toBeGreaterThan(0);
    });
  },
);
