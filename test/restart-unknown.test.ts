/**
 * A restarted `staunch serve` with an S3-only config, s3rver behind a TCP proxy: it never
 * answers "all clear" while it has loaded nothing (the target hanging, then slow to load), and
 * with the snapshot left by its last run it serves the stored major outage at once while the
 * target refuses every connection.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver, type RunningS3rver } from './support/s3rver.ts';
import { eventually, startStaunch, type StaunchProcess } from './support/staunch-process.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';

const ADMIN = `Basic ${btoa('admin:s3cret-password')}`;
let s3: RunningS3rver;
let proxy: TcpProxy;
const running: StaunchProcess[] = [];
beforeAll(async () => {
  s3 = await startS3rver();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: s3.port });
});
afterAll(async () => {
  await proxy?.close();
  await s3?.close();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
});

interface Summary {
  status: { indicator: string; description: string };
  incidents: { id: string; name: string }[];
}

async function serve(cwd: string): Promise<StaunchProcess> {
  const server = await startStaunch(['serve'], { cwd });
  running.push(server);
  return server;
}

async function summaryOf(server: StaunchProcess): Promise<{ status: number; body: Summary }> {
  const response = await fetch(`${server.url}/api/v2/summary.json`);
  return { status: response.status, body: (await response.json()) as Summary };
}

describe('a restarted S3-only instance', () => {
  it('says "unknown" until its view is loaded, then serves the last known state from its snapshot at once', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'staunch-restart-'));
    const target = s3.freshTarget();
    writeFileSync(
      join(cwd, 'config.yml'),
      [
        'username: admin',
        'password: s3cret-password',
        'components:',
        '  - name: API',
        '    group: Public',
        'targets:',
        `  - ${proxy.via(target.href)}`,
        'replication:',
        '  write_timeout: 2s',
        '',
      ].join('\n'),
    );
    const snapshotFile = join(cwd, 'data', 'view-snapshot.json');

    // First run: a major outage is stored, and the snapshot written.
    const first = await serve(cwd);
    await eventually(
      async () => ((await fetch(`${first.url}/readyz`)).status === 200 ? true : undefined),
      { timeoutMs: 30_000 },
    );
    // A write that misses its quorum on a loaded machine (503) is undone, so asking again is safe.
    const created = await eventually(
      async () => {
        const response = await fetch(`${first.url}/v1/incidents`, {
          method: 'POST',
          headers: { Authorization: ADMIN, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            components: ['Public - API'],
            component_state: 4,
            messages: [{ title: 'API is down', content: 'Every request fails' }],
          }),
        });
        return response.status === 201 ? response : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const { guid } = (await created.json()) as { guid: string };
    await eventually(async () =>
      existsSync(snapshotFile) && readFileSync(snapshotFile, 'utf8').includes(guid)
        ? true
        : undefined,
    );
    expect(await first.stop('SIGTERM')).toBe(0);
    running.length = 0;

    // Second run, no snapshot, the target hanging: every surface says "unknown".
    rmSync(snapshotFile);
    proxy.silence();
    const second = await serve(cwd);
    const unknown = await summaryOf(second);
    expect(unknown.status).toBe(503);
    expect(unknown.body.status).toEqual({ indicator: 'major', description: 'Status unknown' });
    expect((await fetch(`${second.url}/v1/incidents`)).status).toBe(503);
    expect((await fetch(`${second.url}/v1/incidents/${guid}`)).status).toBe(503);
    const page = await fetch(`${second.url}/`, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('Status unknown');
    expect((await fetch(`${second.url}/readyz`)).status).toBe(503);

    // The target comes back, slowly (hung connections time out first): never "all clear" meanwhile.
    const answers: string[] = [];
    setTimeout(() => proxy.restore(), 1_500);
    const loaded = await eventually(
      async () => {
        const { status, body } = await summaryOf(second);
        answers.push(`${status} ${body.status.indicator}`);
        return status === 200 ? body : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    expect(loaded.status.indicator).toBe('critical');
    expect(loaded.incidents.map((i) => i.id)).toEqual([guid]);
    expect(answers.filter((a) => a.endsWith(' none'))).toEqual([]);
    expect(answers.filter((a) => a.startsWith('503')).length).toBeGreaterThan(1);
    await eventually(async () =>
      existsSync(snapshotFile) && readFileSync(snapshotFile, 'utf8').includes(guid)
        ? true
        : undefined,
    );
    expect(await second.stop('SIGTERM')).toBe(0);
    running.length = 0;

    // Third run, the target refusing every connection: the snapshot's outage, at once.
    proxy.cut();
    const third = await serve(cwd);
    const first3 = await summaryOf(third);
    expect(first3.status).toBe(200);
    expect(first3.body.status.indicator).toBe('critical');
    expect(first3.body.incidents.map((i) => i.name)).toEqual(['API is down']);
    const html = await (await fetch(`${third.url}/`, { headers: { Accept: 'text/html' } })).text();
    expect(html).toContain('API is down');
    expect(html).toContain('Showing the last known state, as of');
    expect((await fetch(`${third.url}/v1/incidents/${guid}`)).status).toBe(200);
    proxy.restore();
  }, 120_000);
});
