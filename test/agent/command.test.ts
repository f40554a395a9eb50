import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApp, snapshotWhere, TOKEN, waitFor } from '../support/agent-harness.ts';
import { startKubeApi, type KubeApiServer } from '../support/kube-api-server.ts';
import { deployment, service } from '../support/kube-objects.ts';
import { STAUNCH_BIN, startStaunch, type StaunchProcess } from '../support/staunch-process.ts';

let api: KubeApiServer | undefined;
let app: FakeApp | undefined;
let agent: StaunchProcess | undefined;
afterEach(async () => {
  if (agent && agent.child.exitCode === null) await agent.stop('SIGKILL');
  await app?.down();
  await api?.close();
  agent = undefined;
  app = undefined;
  api = undefined;
});

describe('staunch agent (the command)', () => {
  it('pushes snapshots, serves /healthz and /metrics, and sends a last snapshot on SIGTERM', async () => {
    api = await startKubeApi();
    api.apply('services', service('shop', 'cart'));
    app = await new FakeApp().up();
    const dir = mkdtempSync(join(tmpdir(), 'staunch-agent-'));
    const file = join(dir, 'agent.yml');
    writeFileSync(
      file,
      'cluster: from-file\ndebounce: 10ms\nheartbeat: 1m\nwatch: {backoff_initial: 10ms, backoff_max: 200ms}\n',
    );
    agent = await startStaunch(['agent', '-c', file], {
      cwd: dir,
      env: {
        STAUNCH_AGENT_CLUSTER: 'proc',
        STAUNCH_AGENT_APP_URLS: app.url,
        STAUNCH_AGENT_TOKEN: TOKEN,
        STAUNCH_AGENT_KUBE_SERVER: api.url,
        STAUNCH_AGENT_LISTEN: '127.0.0.1:0',
      },
    });
    const first = await waitFor('first snapshot', () => app!.latest, 15_000);
    expect(first.cluster).toBe('proc');
    expect(first.services.map((item) => item.name)).toEqual(['cart']);

    const health = await fetch(`${agent.url}/healthz`);
    const body = await health.text();
    expect(health.status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ status: 'ok', synced: true, apps: [{ failures: 0 }] });
    expect(body).not.toContain(TOKEN);
    expect((await fetch(`${agent.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${agent.url}/metrics`)).text();
    expect(metrics).toMatch(/^staunch_agent_snapshots_total \d+/m);
    expect(metrics).toMatch(/^staunch_agent_objects\{kind="services"\} 1/m);
    expect(metrics).toContain('staunch_agent_process_resident_memory_bytes');
    expect(metrics).not.toContain(TOKEN);

    api.apply('deployments', deployment('shop', 'cart'));
    await waitFor(
      'a change',
      snapshotWhere(app, (s) => s.workloads.length === 1),
      10_000,
    );
    const count = app.received.length;
    expect(await agent.stop('SIGTERM')).toBe(0);
    expect(app.received.length).toBe(count + 1);
    expect(agent.output()).not.toContain(TOKEN);
    expect(agent.output()).toMatch(/"msg":"agent stopped"/);
  }, 60_000);

  it('refuses a bad config with the key and the problem, exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'staunch-agent-'));
    const file = join(dir, 'agent.yml');
    writeFileSync(file, 'cluster: ok\napps: []\nheartbeat: often\n');
    const run = spawnSync(process.execPath, [STAUNCH_BIN, 'agent', '-c', file], {
      cwd: dir,
      env: { ...process.env, STAUNCH_FROM_SOURCE: '1' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('apps: name at least one app to send snapshots to');
    expect(run.stderr).toContain('heartbeat: "often" is not a duration');
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
  }, 60_000);
});
