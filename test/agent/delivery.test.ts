import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.ts';
import {
  agentOptions,
  FakeApp,
  snapshotWhere,
  startHarness,
  TOKEN,
  waitFor,
  type Harness,
} from '../support/agent-harness.ts';
import { startKubeApi } from '../support/kube-api-server.ts';
import { deployment } from '../support/kube-objects.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('agent: delivering snapshots', () => {
  it('sends a heartbeat snapshot when nothing changes', async () => {
    harness = await startHarness({ heartbeatMs: 40 });
    const { app } = harness;
    await waitFor('three snapshots', () => app.received.length >= 3);
    const [a, b] = app.received.map((item) => item.snapshot);
    expect(b!.sequence).toBe(a!.sequence + 1);
    expect(b!.agent.instance).toBe(a!.agent.instance);
    expect(a!.heartbeatSeconds).toBe(0.04);
  });

  it('debounces bursts of changes into few snapshots', async () => {
    harness = await startHarness({ heartbeatMs: 10_000, debounceMs: 50 });
    const { api, app } = harness;
    await waitFor('first', () => app.latest);
    const before = app.received.length;
    for (let i = 0; i < 100; i += 1) api.apply('deployments', deployment('shop', `d${i}`));
    await waitFor(
      'all 100',
      snapshotWhere(app, (s) => s.workloads.length === 100),
    );
    await sleep(100);
    // 100 changes, a handful of snapshots (a loaded machine spreads the events out a little).
    expect(app.received.length - before).toBeLessThanOrEqual(10);
  });

  it('keeps only the newest snapshot while the app is unreachable and sends that one when it returns', async () => {
    // Heartbeat 50 ms stands for 15 s: the app is away for 600 ms, three minutes at that scale.
    harness = await startHarness({ heartbeatMs: 50 });
    const { api, app, agent } = harness;
    await waitFor('first', () => app.latest);
    await app.down();
    const lastBefore = app.received.length;
    for (let i = 0; i < 5; i += 1) {
      api.apply('deployments', deployment('shop', `during-outage-${i}`));
      await sleep(120);
    }
    // The newest snapshot made and handed to the sender (one with every change of the outage).
    const outage = (name: string) => name.startsWith('during-outage-');
    await waitFor(
      'made while down',
      () => agent.lastSnapshot?.workloads.filter((w) => outage(w.name)).length === 5,
    );
    const madeWhileDown = agent.lastSnapshot!.sequence;
    expect(madeWhileDown).toBeGreaterThan(app.latest!.sequence + 5);
    expect(agent.health().apps[0]).toMatchObject({ pending: true });
    expect(agent.health().apps[0]!.failures).toBeGreaterThan(0);
    await app.up();
    await waitFor('delivery after the outage', () => app.received.length > lastBefore);
    const first = app.received[lastBefore]!.snapshot;
    // Not the backlog: the newest one made by then, with every change of the outage in it.
    expect(first.sequence).toBeGreaterThanOrEqual(madeWhileDown);
    expect(first.workloads.filter((item) => outage(item.name))).toHaveLength(5);
    await waitFor('app marked reachable', () => agent.health().apps[0]!.failures === 0);
    const after = app.received.slice(lastBefore).map((item) => item.snapshot.sequence);
    expect(after).toEqual([...after].sort((x, y) => x - y));
    expect(new Set(after).size).toBe(after.length);
  });

  it('sends to every configured app, each with its token, one being down not holding the other', async () => {
    const api = await startKubeApi();
    const up = await new FakeApp().up();
    const down = await new FakeApp().up();
    await down.down();
    const agent = new Agent(
      agentOptions(api, [
        { url: up.url, token: TOKEN },
        { url: `${down.url}/`, token: 'other-token-0123456789' },
      ]),
    );
    await agent.start();
    try {
      await waitFor('two snapshots on the reachable app', () => up.received.length >= 2);
      const [reachable, unreachable] = agent.health().apps;
      expect(reachable).toMatchObject({ failures: 0, lastSuccessAt: expect.any(String) });
      expect(unreachable).toMatchObject({
        pending: true,
        lastError: expect.stringMatching(/ECONNREFUSED/),
      });
      expect(unreachable!.failures).toBeGreaterThan(0);
      await down.up();
      await waitFor('the other app', () => down.received.length >= 1);
      expect(down.received[0]!.authorization).toBe('Bearer other-token-0123456789');
    } finally {
      await agent.stop(200);
      await up.down();
      await down.down();
      await api.close();
    }
  });

  it('sends a last snapshot when stopped', async () => {
    harness = await startHarness({ heartbeatMs: 10_000, debounceMs: 10_000 });
    const { api, app, agent } = harness;
    await waitFor('first', () => app.latest);
    const count = app.received.length;
    api.apply('deployments', deployment('shop', 'late'));
    // Seen, but not yet sent: the debounce holds it for 10 s.
    await waitFor('seen', () => agent.objectCounts().deployments === 1);
    expect(app.received.length).toBe(count);
    await agent.stop(1000);
    expect(app.received.length).toBeGreaterThan(count);
    expect(app.latest!.workloads.map((item) => item.name)).toContain('late');
  });
});
