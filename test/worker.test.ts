/**
 * The Worker in workerd, through `wrangler dev` (offline), tested over HTTP: the same app, the
 * same routes, with the targets workerd can run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { clusterSnapshot } from './support/cluster-snapshot.ts';
import { startRecordingReceiver, type RecordingReceiver } from './support/recording-receiver.ts';
import { eventually } from './support/staunch-process.ts';
import { startWranglerDev, type WranglerDev } from './support/wrangler-dev.ts';
import { createMysqlDatabase, mysqlAvailable, withMysql } from './support/mysql.ts';
import { createPostgresDatabase, postgresAvailable, withPostgres } from './support/postgres.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
type RunningWorker = WranglerDev;

const persistDirs: string[] = [];
afterAll(() => {
  for (const dir of persistDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Start `wrangler dev` with a configuration; ready once `/healthz` answers as `isUp` expects.
 * Its local state (the Cache API's entries) is in a folder of its own, so runs never share it.
 */
function startWorker(
  config: string,
  isUp: (response: Response) => boolean = (r) => r.ok,
  extraArgs: string[] = [],
): Promise<RunningWorker> {
  const state = mkdtempSync(join(tmpdir(), 'staunch-wrangler-'));
  persistDirs.push(state);
  return startWranglerDev({
    args: ['--var', `STAUNCH_CONFIG:${config}`, '--test-scheduled', ...extraArgs],
    state,
    probe: '/healthz',
    ready: isUp,
    timeoutMs: 90_000,
  });
}

const ADMIN = `Basic ${btoa('admin:worker-password')}`;

/** A JSON POST as the admin of the tests' configurations. */
const postJson = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const stop = (worker: RunningWorker | undefined) => worker?.stop();

describe('the Worker in workerd', () => {
  let worker: RunningWorker | undefined;
  beforeAll(async () => {
    worker = await startWorker(
      '{targets: [memory://worker-test], username: admin, password: worker-password, components: [{name: API, group: Public}], agents: [{cluster: edge, token: edge-agent-token-0123456789}]}',
    );
  }, 120_000);
  afterAll(() => stop(worker));

  it('serves health and readiness with its memory target', async () => {
    const ready = await fetch(`${worker!.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      targets: [{ driver: 'memory', state: 'ok' }],
    });
  });

  it('takes a statusetat API write and shows it on the Statuspage API and the page', async () => {
    const created = await postJson(`${worker!.url}/v1/incidents`, {
      components: ['Public - API'],
      component_state: 4,
      messages: [{ title: 'API down', content: 'Investigating **now**' }],
    });
    expect(created.status).toBe(201);
    const status = (await (await fetch(`${worker!.url}/api/v2/status.json`)).json()) as {
      status: { indicator: string };
    };
    expect(status.status.indicator).toBe('critical');
    const page = await fetch(`${worker!.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('API down');
  });

  it('takes a gzip snapshot from an agent, and ignores it sent again', async () => {
    const push = () =>
      fetch(`${worker!.url}/api/agent/v1/snapshots`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer edge-agent-token-0123456789',
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        },
        body: gzipSync(JSON.stringify(clusterSnapshot({ cluster: 'edge' }))),
      });
    const first = await push();
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ cluster: 'edge', ignored: false, transitions: 3 });
    expect(await (await push()).json()).toMatchObject({ ignored: true, reason: 'stale_sequence' });
  });

  it('answers a burst of page and API reads with one rendering each, and shows a write at once', async () => {
    const post = (title: string) =>
      postJson(`${worker!.url}/v1/incidents`, {
        components: ['Public - API'],
        messages: [{ title, content: 'Investigating' }],
      });
    expect((await post('Edge burst')).status).toBe(201);
    for (const [path, bucketMs] of [
      ['/', 60_000],
      ['/api/v2/summary.json', 10_000],
    ] as const) {
      const before = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 16 }, async () => {
          const response = await fetch(`${worker!.url}${path}`);
          return { source: response.headers.get('x-staunch-cache'), body: await response.text() };
        }),
      );
      // One rendering per key; the burst may straddle the end of a time bucket, never more.
      const buckets = Math.floor(Date.now() / bucketMs) - Math.floor(before / bucketMs) + 1;
      const misses = answers.filter((a) => a.source === 'miss').length;
      expect(misses, path).toBeGreaterThanOrEqual(1);
      expect(misses, path).toBeLessThanOrEqual(buckets);
      expect(answers.filter((a) => a.source === 'memory')).toHaveLength(16 - misses);
      expect(answers[0]!.body, path).toContain('Edge burst');
      if (buckets === 1) expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    }
    // A write changes the content version: the next read renders, with the write in it.
    expect((await post('Edge second')).status).toBe(201);
    const after = await fetch(`${worker!.url}/`);
    expect(after.headers.get('x-staunch-cache')).toBe('miss');
    expect(await after.text()).toContain('Edge second');
    const revalidated = await fetch(`${worker!.url}/`, {
      headers: { 'if-none-match': after.headers.get('etag')! },
    });
    expect(revalidated.status).toBe(304);
    // What depends on the visitor goes to the app, uncached.
    for (const init of [{ headers: { cookie: 'a=b' } }, {}]) {
      const path = 'headers' in init ? '/' : '/?timezone=UTC';
      const response = await fetch(`${worker!.url}${path}`, init);
      expect(response.status).toBe(200);
      expect(response.headers.has('x-staunch-cache')).toBe(false);
    }
  });

  it('runs the sync from its cron trigger', async () => {
    const response = await fetch(`${worker!.url}/__scheduled?cron=*+*+*+*+*`);
    expect(response.status).toBe(200);
    const lastSync = await eventually(async () => {
      // Sync times are a detail /readyz shows to the admin only.
      const ready = (await (
        await fetch(`${worker!.url}/readyz`, {
          headers: { authorization: ADMIN },
        })
      ).json()) as { targets: Array<{ last_sync: string | null }> };
      return ready.targets[0]?.last_sync ?? undefined;
    });
    expect(lastSync).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe('the Worker with a webhook channel', () => {
  let worker: RunningWorker | undefined;
  let receiver: RecordingReceiver;
  beforeAll(async () => {
    receiver = await startRecordingReceiver();
    worker = await startWorker(
      `{targets: [memory://worker-notify], username: admin, password: worker-password, components: [{name: API, group: Public}], notifiers: [{type: webhook, params: {endpoint: "${receiver.url}/hook"}}], outbox: {retry_base: 100ms}}`,
    );
  }, 120_000);
  afterAll(async () => {
    await stop(worker);
    await receiver?.close();
  });

  it('delivers after the answer (waitUntil), and retries a refused delivery at the cron trigger', async () => {
    receiver.answer(() => ({ status: 503, body: 'down' }));
    const created = await postJson(`${worker!.url}/v1/incidents`, {
      components: ['Public - API'],
      messages: [{ title: 'API down', content: 'Investigating' }],
    });
    expect(created.status).toBe(201);
    await eventually(async () => (receiver.requests.length === 1 ? true : undefined)).catch(
      (e: Error) => {
        throw new Error(`${e.message}\n${worker!.output()}`);
      },
    );
    receiver.answer(() => ({ status: 200, body: 'ok' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetch(`${worker!.url}/__scheduled?cron=*+*+*+*+*`)).status).toBe(200);
    await eventually(async () => (receiver.requests.length === 2 ? true : undefined));
    const keys = receiver.requests.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[0]).toMatch(/\.created~webhook-1~-$/);
  });
});

describe('the Worker on PostgreSQL and MariaDB', async () => {
  // Both are required with CI=true (serverAvailable fails the run instead of skipping).
  const ready = (await postgresAvailable()) && (await mysqlAvailable());
  let worker: RunningWorker | undefined;
  let drop: (() => Promise<void>)[] = [];
  let targets: URL[] = [];
  beforeAll(async () => {
    if (!ready) return;
    const pg = await createPostgresDatabase();
    const my = await createMysqlDatabase();
    drop = [pg.drop, my.drop];
    targets = [pg.freshTarget(), my.freshTarget()];
    worker = await startWorker(
      `{targets: [${targets.map((t) => JSON.stringify(t.href)).join(', ')}], replication: {write_quorum: all}, username: admin, password: worker-password, components: [{name: API, group: Public}]}`,
    );
  }, 120_000);
  afterAll(async () => {
    await stop(worker);
    for (const each of drop) await each().catch(() => undefined);
  });

  // workerd ties a socket to the request that opened it: a pooled connection hung every later one.
  it.runIf(ready)('writes and reads across requests, each with its own connections', async () => {
    const created = await postJson(`${worker!.url}/api/v1/incidents`, {
      title: 'API down',
      components: ['Public - API'],
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    for (const content of ['Investigating.', 'Fix deployed.']) {
      const update = await postJson(`${worker!.url}/api/v1/incidents/${id}/updates`, { content });
      expect(update.status).toBe(201);
    }
    const page = await fetch(`${worker!.url}/`);
    expect(await page.text()).toContain('Fix deployed.');
    // With write_quorum all, every answer above waited for both databases.
    const [pg, my] = targets as [URL, URL];
    const pgTable = pg.searchParams.get('table')!;
    const myTable = my.searchParams.get('table')!;
    const counts = async () => {
      const inPg = await withPostgres(pg, async (client) => {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${pgTable}" WHERE kind = 'incident_update'`,
        );
        return rows[0]!.n;
      });
      const inMy = await withMysql(my, async (connection) => {
        const [rows] = await connection.query(
          `SELECT count(*) AS n FROM \`${myTable}\` WHERE kind = 'incident_update'`,
        );
        return Number((rows as { n: number }[])[0]!.n);
      });
      return [inPg, inMy];
    };
    expect(await counts()).toEqual([3, 3]);
  });
});

describe('the Worker with a Node-only target', () => {
  let worker: RunningWorker | undefined;
  afterAll(() => stop(worker));

  it('refuses it and names the targets that work there', async () => {
    // The configuration is read on the first request, which answers with the problem.
    worker = await startWorker(
      '{targets: ["sqlite:///tmp/x.db"]}',
      (response) => response.status === 500,
    );
    const response = await fetch(`${worker.url}/`);
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(
      /targets\[0\]: unknown scheme "sqlite" \(available here: .*memory.*postgres.*s3/,
    );
  }, 120_000);
});

describe('a new isolate on the Cache API an earlier one filled', () => {
  // The Worker through an entry file of its own: rewriting it makes wrangler load the code into a
  // new isolate (no copies in memory, nothing loaded) in the same process, with the same cache.
  const folder = mkdtempSync(join(tmpdir(), 'staunch-worker-entry-'));
  const entry = join(folder, 'entry.ts');
  const writeEntry = (generation: number) =>
    writeFileSync(
      entry,
      `// generation ${generation}\nexport { default } from ${JSON.stringify(join(root, 'src/runtime/worker.ts'))};\n`,
    );
  let worker: RunningWorker | undefined;
  afterAll(async () => {
    await stop(worker);
    rmSync(folder, { recursive: true, force: true });
  });

  it('answers from the copy the earlier isolate stored, without rendering', async () => {
    writeEntry(0);
    const toml = join(folder, 'wrangler.toml');
    writeFileSync(
      toml,
      [
        'name = "staunch-cache-test"',
        'main = "entry.ts"',
        'compatibility_date = "2026-04-01"',
        'compatibility_flags = ["nodejs_compat"]',
        '[alias]',
        `"@aws-sdk/xml-builder" = ${JSON.stringify(join(root, 'node_modules/@aws-sdk/xml-builder/dist-cjs/index.js'))}`,
        '',
      ].join('\n'),
    );
    // poll_interval under a second: no "newest copy" is kept, so the new isolate's first answer
    // comes from its own key (the same content, the same minute) rather than a stale one.
    worker = await startWorker(
      '{targets: [memory://worker-cache], components: [{name: API, group: Public}], replication: {poll_interval: 500ms}}',
      undefined,
      ['--config', toml],
    );
    const page = async () => {
      const response = await fetch(`${worker!.url}/`);
      return { source: response.headers.get('x-staunch-cache'), body: await response.text() };
    };
    const first = await page();
    expect(first.source).toBe('miss');
    let earlier = { ...first, minute: Math.floor(Date.now() / 60_000) };
    // A reload takes seconds on a loaded machine: when the minute (in the page's key) has moved
    // on meanwhile, the new isolate renders for the new minute, and one more reload is tried.
    for (let generation = 1; ; generation++) {
      writeEntry(generation);
      const fresh = await eventually(
        async () => {
          const answer = await page();
          return answer.source === 'memory' ? undefined : answer;
        },
        { timeoutMs: 90_000, intervalMs: 200 },
      );
      const minute = Math.floor(Date.now() / 60_000);
      if (minute !== earlier.minute && generation < 3) {
        earlier = { ...fresh, minute };
        continue;
      }
      expect(fresh.source).toBe('hit');
      expect(fresh.body).toBe(earlier.body);
      expect((await page()).source).toBe('memory');
      break;
    }
  }, 300_000);
});
