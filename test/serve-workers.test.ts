/**
 * `serve.workers: 2` through the CLI as a process, on the embedded default's kind of targets (a
 * SQLite file and a folder): both workers answer on one port, a write through one shows in the
 * very next reads whichever worker answers, a notification reaches its receiver once, a killed
 * worker is replaced, and SIGTERM stops everything with exit 0. The config key's checks run in
 * process, plus its exit code 2.
 *
 * Which worker answered is read from /metrics (its series carry a `worker` label), on a new
 * connection per request: the cluster hands connections, not requests, to the workers in turn.
 * Polling is slowed to 30 s, so a read shows another worker's write only through the relay.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/parse.ts';
import { workerCount } from '../src/runtime/cluster-ipc.ts';
import {
  eventually,
  startStaunch,
  STAUNCH_BIN,
  type StaunchProcess,
} from './support/staunch-process.ts';
import { startWebhookSink, type WebhookSink } from './support/webhook-sink.ts';

const run = promisify(execFile);
const ADMIN = `Basic ${btoa('admin:s3cret-password')}`;
const METRICS_TOKEN = 'metrics-token-0123456789';

describe('serve.workers in the config', () => {
  const parse = (workers: string, runtime?: 'worker') =>
    parseConfig(`targets: [memory://x]\nserve:\n  workers: ${workers}\n`, {
      ...(runtime ? { runtime } : {}),
    });

  it('is 1 by default, a whole number from 1 to 256, or auto (one per core)', () => {
    expect(parseConfig('targets: [memory://x]\n').serve.workers).toBe(1);
    expect(parse('3').serve.workers).toBe(3);
    expect(parse('auto').serve.workers).toBe('auto');
    expect(workerCount('auto')).toBe(availableParallelism());
    expect(workerCount(2)).toBe(2);
  });

  it.each([
    ['0', 'serve.workers: must be at least 1'],
    ['257', 'serve.workers: must be at most 256'],
    ['1.5', 'serve.workers: 1.5 is not allowed: use a whole number from 1 to 256, or auto'],
    ['two', 'serve.workers: "two" is not allowed'],
    ['"2"', 'serve.workers: "2" is not allowed'],
  ])('refuses %s, naming the key', (workers, message) => {
    expect(() => parse(workers)).toThrow(message);
  });

  it('is ignored on Workers, with a warning', () => {
    expect(parse('2', 'worker').warnings).toContainEqual({
      key: 'serve.workers',
      message: expect.stringContaining('ignored on Workers') as string,
    });
    expect(parse('1', 'worker').warnings).toEqual([]);
  });

  it('stops `staunch serve` with exit code 2 when it is wrong', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'staunch-workers-bad-'));
    writeFileSync(join(dir, 'config.yml'), 'targets: [memory://x]\nserve:\n  workers: 0\n');
    const failed = await run(process.execPath, [STAUNCH_BIN, 'serve', '-c', 'config.yml'], {
      cwd: dir,
      env: { ...process.env, STAUNCH_FROM_SOURCE: '1' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    rmSync(dir, { recursive: true, force: true });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('serve.workers: must be at least 1');
    expect(failed.stderr).not.toContain('    at ');
  });
});

/** One request on a connection of its own, so that the cluster may hand it to either worker. */
function fresh(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const req = request(
      url,
      {
        agent: false,
        method: init.method ?? 'GET',
        headers: {
          ...init.headers,
          ...(body ? { 'Content-Type': 'application/json', Authorization: ADMIN } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface ServingLine {
  worker: number;
  pid: number;
}

/** The workers that logged "staunch is serving", in order. */
function servingLines(server: StaunchProcess): ServingLine[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"staunch is serving"'))
    .map((line) => JSON.parse(line) as ServingLine);
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('staunch serve with serve.workers: 2 on a SQLite file and a folder', () => {
  let dir: string;
  let sink: WebhookSink;
  let server: StaunchProcess;
  const workerOf = async () => {
    const { status, text } = await fresh(`${server.url}/metrics`, {
      headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(status).toBe(200);
    return Number(/\bworker="(\d+)"/.exec(text)?.[1]);
  };
  /** Which workers answer `count` requests, each on its own connection. */
  const answering = async (count: number) => {
    const seen = new Set<number>();
    for (let i = 0; i < count; i++) seen.add(await workerOf());
    return seen;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'staunch-workers-'));
    sink = await startWebhookSink();
    writeFileSync(
      join(dir, 'config.yml'),
      [
        'listen: 127.0.0.1:0',
        'username: admin',
        'password: s3cret-password',
        'serve:',
        '  workers: 2',
        'metrics:',
        '  enabled: true',
        `  token: ${METRICS_TOKEN}`,
        'components:',
        '  - name: API',
        '    group: Public',
        'targets:',
        '  - sqlite://./data/staunch.db',
        '  - file://./data/records',
        'snapshot: ./data/view-snapshot.json',
        'replication:',
        '  poll_interval: 30s',
        'notifiers:',
        '  - type: webhook',
        '    params:',
        `      endpoint: ${sink.url}/hooks/a`,
        'outbox:',
        '  poll_interval: 200ms',
        '',
      ].join('\n'),
    );
    // SQLite creates its file, not its folder.
    mkdirSync(join(dir, 'data'));
    server = await startStaunch(['serve', '-c', 'config.yml'], { cwd: dir });
    await eventually(async () => (servingLines(server).length >= 2 ? true : undefined), {
      timeoutMs: 120_000,
    });
    await eventually(
      async () => ((await fresh(`${server.url}/readyz`)).status === 200 ? true : undefined),
      { timeoutMs: 30_000 },
    );
  }, 180_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) await server.stop('SIGKILL');
    await sink?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers from both workers on one port, marking each log line with its worker', async () => {
    expect(new Set(servingLines(server).map((line) => line.worker))).toEqual(new Set([1, 2]));
    expect(await answering(6)).toEqual(new Set([1, 2]));
  });

  it('shows a write through one worker in the next reads, whichever worker answers', async () => {
    for (let round = 0; round < 3; round++) {
      const created = await fresh(`${server.url}/v1/incidents`, {
        method: 'POST',
        body: {
          components: ['Public - API'],
          component_state: 4,
          messages: [{ title: `Down ${round}`, content: 'Every request fails.' }],
        },
      });
      expect(created.status).toBe(201);
      const { guid } = JSON.parse(created.text) as { guid: string };
      for (let read = 0; read < 4; read++) {
        const got = await fresh(`${server.url}/v1/incidents/${guid}`);
        expect(got.status, `round ${round}, read ${read}`).toBe(200);
        expect(got.text).toContain(`Down ${round}`);
      }
      const resolved = await fresh(`${server.url}/v1/incidents/${guid}`, {
        method: 'PUT',
        body: { state: 1 },
      });
      expect(resolved.status).toBe(200);
      for (let read = 0; read < 4; read++) {
        const got = await fresh(`${server.url}/v1/incidents/${guid}`);
        expect((JSON.parse(got.text) as { state: number }).state, `read ${read}`).toBe(1);
      }
    }
  });

  it('sends each notification once, with two workers running the outbox', async () => {
    const db = new Database(join(dir, 'data', 'staunch.db'), { readonly: true });
    const outbox = () =>
      (
        db
          .prepare(
            `SELECT body FROM staunch_records WHERE kind = 'outbox' AND deleted = 0 ORDER BY id`,
          )
          .all() as { body: string }[]
      ).map((row) => JSON.parse(row.body) as { state: string });
    try {
      // Six messages so far (three incidents, each opened and resolved); all of them delivered.
      await eventually(
        async () => {
          const entries = outbox();
          return entries.length === 6 && entries.every((e) => e.state === 'sent')
            ? true
            : undefined;
        },
        { timeoutMs: 60_000 },
      );
    } finally {
      db.close();
    }
    const keys = sink.accepted.map((a) => a.idempotencyKey);
    expect(keys).toHaveLength(6);
    expect(new Set(keys).size).toBe(6);
  });

  it('replaces a worker that dies, logging which one', { timeout: 120_000 }, async () => {
    const before = servingLines(server);
    const victim = before.find((line) => line.worker === 2)!;
    process.kill(victim.pid, 'SIGKILL');
    const replacement = await eventually(
      async () =>
        servingLines(server)
          .slice(before.length)
          .find((line) => line.worker === 2),
      { timeoutMs: 90_000 },
    );
    expect(replacement.pid).not.toBe(victim.pid);
    expect(server.output()).toMatch(
      new RegExp(
        `"worker":2,"pid":${victim.pid},.*"signal":"SIGKILL".*"a worker exited; restarting it"`,
      ),
    );
    // The new worker knows what the others wrote before it started.
    const listed = await eventually(async () => {
      const seen = await answering(4);
      return seen.size === 2 ? seen : undefined;
    });
    expect(listed).toEqual(new Set([1, 2]));
    for (let read = 0; read < 4; read++) {
      const got = await fresh(`${server.url}/api/v2/incidents.json`);
      expect((JSON.parse(got.text) as { incidents: unknown[] }).incidents).toHaveLength(3);
    }
  });

  it('stops every worker on SIGTERM and exits 0', { timeout: 60_000 }, async () => {
    const pids = [server.child.pid!, ...servingLines(server).map((line) => line.pid)];
    expect(await server.stop('SIGTERM')).toBe(0);
    await eventually(async () => (pids.every((pid) => !isRunning(pid)) ? true : undefined), {
      timeoutMs: 10_000,
    });
    expect(server.output()).toContain('"msg":"stopping the workers"');
    expect(server.output().match(/"msg":"shutting down"/g)).toHaveLength(2);
  });
});
