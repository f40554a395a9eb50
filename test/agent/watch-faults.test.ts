import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agent/agent.ts';
import { snapshotWhere, startHarness, waitFor, type Harness } from '../support/agent-harness.ts';
import { deployment, service } from '../support/kube-objects.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const names = (snapshot: { services: Array<{ name: string }> }) =>
  snapshot.services.map((item) => item.name).sort();

async function counter(
  agent: Agent,
  metric: 'watchRestarts' | 'relists',
  watch: string,
  reason?: string,
) {
  const { values } = await agent.metrics[metric].get();
  return values
    .filter(
      (value) =>
        (watch === '*' || value.labels.watch === watch) &&
        (!reason || (value.labels as Record<string, unknown>).reason === reason),
    )
    .reduce((sum, value) => sum + value.value, 0);
}

describe('agent: watches recover from what API servers do', () => {
  it.each(['status', 'event'] as const)(
    'after an API server restart with compacted history (410 as %s), re-lists: nothing stale, nothing missed',
    async (as) => {
      harness = await startHarness({}, {}, (api) => {
        api.apply('services', service('shop', 'cart'));
        api.apply('services', service('shop', 'old'));
      });
      const { api, app, agent } = harness;
      await waitFor(
        'first',
        snapshotWhere(app, (s) => names(s).join() === 'cart,old'),
      );
      if (as === 'status') {
        await api.restart(() => {
          // Changed while it was down, with no event anybody could see.
          api.silently('services', (objects) => objects.delete('shop/old'));
          api.silently('services', (objects) =>
            objects.set('shop/new', {
              ...service('shop', 'new'),
              metadata: { name: 'new', namespace: 'shop', resourceVersion: '5' },
            }),
          );
        });
      } else {
        api.silently('services', (objects) => objects.delete('shop/old'));
        api.silently('services', (objects) =>
          objects.set('shop/new', {
            ...service('shop', 'new'),
            metadata: { name: 'new', namespace: 'shop', resourceVersion: '5' },
          }),
        );
        api.expire('event');
        api.dropWatches();
      }
      await waitFor(
        're-listed',
        snapshotWhere(app, (s) => names(s).join() === 'cart,new'),
      );
      expect(await counter(agent, 'relists', 'services')).toBeGreaterThanOrEqual(1);
      // And watching again: a change after the re-list arrives.
      api.apply('services', service('shop', 'after'));
      await waitFor(
        'watching again',
        snapshotWhere(app, (s) => names(s).includes('after')),
      );
    },
  );

  it('starts a watch again after a 500 (where a client-node informer stops for good)', async () => {
    harness = await startHarness();
    const { api, app, agent } = harness;
    await waitFor('first', () => app.latest);
    api.failWatches(3, 500);
    api.dropWatches();
    api.apply('deployments', deployment('shop', 'cart'));
    await waitFor(
      'seen after the 500s',
      snapshotWhere(app, (s) => s.workloads.length === 1),
    );
    // Three watches were refused: each was started again.
    expect(await counter(agent, 'watchRestarts', '*', 'error')).toBeGreaterThanOrEqual(3);
  });

  it('resumes after a dropped connection from the last resourceVersion, without re-listing', async () => {
    harness = await startHarness({}, {}, (api) => api.apply('services', service('shop', 'cart')));
    const { api, app, agent } = harness;
    await waitFor('first', () => app.latest);
    const lists = api.requests.filter((r) => !r.watch && r.path === '/api/v1/services').length;
    const seen = api.resourceVersion;
    api.dropWatches();
    api.apply('services', service('shop', 'pay'));
    await waitFor(
      'seen after the drop',
      snapshotWhere(app, (s) => names(s).includes('pay')),
    );
    expect(api.requests.filter((r) => !r.watch && r.path === '/api/v1/services').length).toBe(
      lists,
    );
    const resumed = api.requests.filter((r) => r.watch && r.path === '/api/v1/services').at(-1)!;
    expect(Number(resumed.query.get('resourceVersion'))).toBeGreaterThanOrEqual(seen - 1);
    expect(await counter(agent, 'relists', 'services')).toBe(0);
  });

  it('cuts a watch that stays open and silent, and resumes it', async () => {
    harness = await startHarness({}, {}, (api) => api.apply('services', service('shop', 'cart')));
    const { api, app, agent } = harness;
    await waitFor('first', () => app.latest);
    api.silenceWatches();
    api.silenceWatches(false);
    const before = api.requests.length;
    api.apply('services', service('shop', 'pay'));
    await waitFor(
      'seen after the silence',
      snapshotWhere(app, (s) => names(s).includes('pay')),
      5000,
    );
    // The stalled watch says nothing: only a new one, opened by the guard, could bring it.
    const resumed = api.requests
      .slice(before)
      .filter((r) => r.watch && r.path === '/api/v1/services');
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    expect(await counter(agent, 'watchRestarts', 'services', 'silent')).toBeGreaterThanOrEqual(1);
    expect(await counter(agent, 'relists', 'services')).toBe(0);
  });

  it('keeps watches alive across bookmarks and resumes from the bookmarked version', async () => {
    harness = await startHarness();
    const { api, app } = harness;
    await waitFor('first', () => app.latest);
    // Unrelated changes move the version on; a bookmark tells the watch where it is.
    for (let i = 0; i < 5; i += 1) api.apply('deployments', deployment('other', `d${i}`));
    api.bookmark();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const bookmarked = api.resourceVersion;
    api.dropWatches();
    await waitFor('resumed', () =>
      api.requests.some(
        (r) =>
          r.watch &&
          r.path === '/api/v1/services' &&
          Number(r.query.get('resourceVersion')) === bookmarked,
      ),
    );
  });
});

describe('agent: a watch that cannot list', () => {
  it('sends the first snapshot after the sync timeout naming the unsynced watch, then the full one', async () => {
    const started = Date.now();
    harness = await startHarness({ syncTimeoutMs: 300, heartbeatMs: 10_000 }, {}, (api) => {
      api.apply('services', service('shop', 'cart'));
      // Lists fail until the first snapshot is in, however late a loaded machine runs the timer.
      api.failLists('/api/v1/pods', Infinity);
    });
    const { api, app } = harness;
    const first = await waitFor('first', () => app.latest);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(first.unsynced).toEqual(['pods']);
    expect(names(first)).toEqual(['cart']);
    api.failLists('/api/v1/pods', 0);
    const full = await waitFor(
      'synced',
      snapshotWhere(app, (s) => s.unsynced === undefined),
    );
    expect(full.sequence).toBeGreaterThan(first.sequence);
    expect(harness.agent.health().synced).toBe(true);
  });
});

describe('agent: unsynced kinds with namespaces configured', () => {
  it('names the kind, not the per-namespace watch', async () => {
    harness = await startHarness(
      { syncTimeoutMs: 300, heartbeatMs: 10_000, namespaces: ['shop', 'billing'] },
      {},
      (api) => api.failLists('/api/v1/namespaces/billing/pods', Infinity),
    );
    const first = await waitFor('first', () => harness!.app.latest);
    expect(first.unsynced).toEqual(['pods']);
    harness.api.failLists('/api/v1/namespaces/billing/pods', 0);
  });
});
