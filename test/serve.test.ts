/**
 * `staunch serve` and `staunch targets check` as a user runs them: a real process, a real port.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, postgresAvailable } from './support/postgres.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';
import {
  eventually,
  STAUNCH_BIN,
  startStaunch,
  type StaunchProcess,
} from './support/staunch-process.ts';

const run = promisify(execFile);
const running: StaunchProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'staunch-serve-'));

interface Readiness {
  status: string;
  targets: Array<{ target: string; driver: string; state: string; latency_ms: number | null }>;
}

describe('staunch serve', () => {
  it('runs on the embedded default with both targets ready, and stops cleanly on SIGTERM', async () => {
    const cwd = tempDir();
    const server = await startStaunch(['serve'], { cwd });
    running.push(server);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    // Each target is pinged at start; until its first answer it reads `unknown`.
    const body = await eventually(async () => {
      const ready = await fetch(`${server.url}/readyz`);
      const readiness = (await ready.json()) as Readiness;
      return ready.status === 200 && readiness.targets.every((t) => t.state !== 'unknown')
        ? readiness
        : undefined;
    });
    expect(body.targets.map((t) => [t.driver, t.state])).toEqual([
      ['sqlite', 'ok'],
      ['file', 'ok'],
    ]);
    expect(body.targets.every((t) => typeof t.latency_ms === 'number')).toBe(true);
    expect(existsSync(join(cwd, 'data', 'staunch.db'))).toBe(true);

    // The page itself, rendered by the process started from another folder than the project's.
    const page = await fetch(`${server.url}/`, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('All Systems Operational');
    expect(html).toContain('Website');

    expect(await server.stop('SIGTERM')).toBe(0);
    running.length = 0;
  });

  it('exits with code 2 and names the key when the configuration is invalid', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'bad.yml'),
      'targets:\n  - sqlite://./a.db\n  - file://./d\n  - mongo://db/x\nbase_info:\n  titel: Status\n',
    );
    const error = await run(process.execPath, [STAUNCH_BIN, 'serve', '-c', 'bad.yml'], {
      cwd,
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toContain('targets[2]: unknown scheme "mongo"');
    expect(error?.stderr).toContain('base_info.titel: unknown key (did you mean "title"?)');
  });

  it('reports 503 from /readyz when no target can take a write, and keeps serving', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'config.yml'),
      'targets:\n  - postgres://nobody@127.0.0.1:1/none?timeout_ms=500\nreplication:\n  write_timeout: 500ms\n',
    );
    const server = await startStaunch(['serve'], { cwd });
    running.push(server);
    const body = await eventually(async () => {
      const response = await fetch(`${server.url}/readyz`);
      const json = (await response.json()) as Readiness;
      return response.status === 503 && json.targets[0]?.state === 'down' ? json : undefined;
    });
    expect(body.status).toBe('unavailable');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe.runIf(await postgresAvailable())('staunch serve with PostgreSQL', () => {
  it('turns the PostgreSQL target down in /readyz within 10 s of an outage, keeps serving, and recovers', async () => {
    const database = await createPostgresDatabase();
    const target = database.freshTarget();
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    try {
      const cwd = tempDir();
      writeFileSync(
        join(cwd, 'config.yml'),
        `targets:\n  - sqlite://./s.db\n  - ${proxy.via(target.href)}\nreplication:\n  write_timeout: 1s\n`,
      );
      const server = await startStaunch(['serve'], { cwd });
      running.push(server);
      const stateOf = async (driver: string) => {
        const body = (await (await fetch(`${server.url}/readyz`)).json()) as Readiness;
        return body.targets.find((t) => t.driver === driver)?.state;
      };
      await eventually(async () => ((await stateOf('postgres')) === 'ok' ? true : undefined));

      proxy.cut();
      await eventually(async () => ((await stateOf('postgres')) === 'down' ? true : undefined), {
        timeoutMs: 10_000,
      });
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200); // SQLite still takes writes
      expect(server.child.exitCode).toBeNull();

      proxy.restore();
      await eventually(async () => ((await stateOf('postgres')) === 'ok' ? true : undefined), {
        timeoutMs: 15_000,
      });
    } finally {
      await proxy.close();
      await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
      await database.drop();
    }
  });
});

describe('staunch targets check', () => {
  it('prints a table of every target and exits 1 when one is down', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'config.yml'),
      'targets:\n  - sqlite://./ok.db\n  - postgres://someone:hunter2@127.0.0.1:1/x?timeout_ms=500\n',
    );
    const result = await run(process.execPath, [STAUNCH_BIN, 'targets', 'check'], { cwd }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[2]).toMatch(
      /^target\s+driver\s+state\s+latency\s+hints\s+behind\s+last sync\s+error$/,
    );
    expect(lines.find((l) => l.includes('sqlite'))).toMatch(
      /sqlite\s+ok\s+[\d.]+ ms\s+0\s+0\s+never/,
    );
    expect(lines.find((l) => l.includes('postgres'))).toMatch(/postgres\s+down\s+-\s+0\s+-\s+\S/);
    expect(result.stdout).not.toContain('hunter2');
  });
});
