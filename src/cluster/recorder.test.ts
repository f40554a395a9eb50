import { afterEach, describe, expect, it } from 'vitest';
import {
  cartDeployment,
  cartHealth,
  cartService,
  clusterSnapshot,
  failingCheck,
  nextSnapshot,
} from '../../test/support/cluster-snapshot.ts';
import { startReplicas, TEST_NOW, type Replicas } from '../../test/support/domain-fixtures.ts';
import type { Mutation, Replicator } from '../replication/types.ts';
import { CLUSTER_KIND } from './object-states.ts';
import { ClusterRecorder } from './recorder.ts';
import type { ClusterSnapshot } from './snapshot-schema.ts';

let replicas: Replicas | undefined;
afterEach(async () => {
  await replicas?.stop();
  replicas = undefined;
});

/** The store with every mutation it is asked to write counted. */
function counted(store: Replicator): { store: Replicator; mutations: Mutation[] } {
  const mutations: Mutation[] = [];
  const write = store.write.bind(store);
  store.write = (batch) => {
    mutations.push(...batch);
    return write(batch);
  };
  return { store, mutations };
}

async function setup(instances = 1) {
  const clock = { now: TEST_NOW };
  replicas = await startReplicas(instances, 2, () => clock.now);
  return { clock, replicas };
}

const withEndpoints = (previous: ClusterSnapshot, readyEndpoints: number) =>
  nextSnapshot(previous, { services: [cartService({ readyEndpoints })] });

describe('ClusterRecorder', () => {
  it('writes each object once at first sight, then nothing for a burst of identical snapshots', async () => {
    const { clock, replicas } = await setup();
    const { store, mutations } = counted(replicas.stores[0]!);
    const recorder = new ClusterRecorder({ store, now: () => clock.now });
    let snapshot = clusterSnapshot();
    expect((await recorder.record(snapshot)).transitions).toHaveLength(3);
    for (let i = 0; i < 500; i++) {
      snapshot = withEndpoints(snapshot, 1 + (i % 3)); // the count moves, never to 0
      await recorder.record(snapshot);
    }
    expect(mutations).toHaveLength(3);
  });

  it('writes 20 records for a burst of 10,000 snapshots holding 20 transitions', async () => {
    const { clock, replicas } = await setup();
    const { store, mutations } = counted(replicas.stores[0]!);
    const recorder = new ClusterRecorder({ store, now: () => clock.now });
    let snapshot = clusterSnapshot();
    await recorder.record(snapshot);
    const firstSight = mutations.length;
    for (let i = 1; i <= 10_000; i++) {
      clock.now += 100;
      // Every 500th snapshot flips the Service; the others only move its counts or repeat.
      const flips = Math.floor(i / 500);
      const ready = flips % 2 === 1 ? 0 : 1 + (i % 4);
      snapshot = withEndpoints(snapshot, ready);
      await recorder.record(snapshot);
    }
    expect(mutations.length - firstSight).toBe(20);
  });

  it("writes a Service's ready endpoints going to 0 and back, with when each state began", async () => {
    const { clock, replicas } = await setup();
    const store = replicas.stores[0]!;
    const recorder = new ClusterRecorder({ store, now: () => clock.now });
    let snapshot = clusterSnapshot();
    await recorder.record(snapshot);
    clock.now += 60_000;
    snapshot = withEndpoints(snapshot, 0);
    const down = await recorder.record(snapshot);
    expect(down.transitions).toEqual([
      {
        kind: CLUSTER_KIND.service,
        id: 'prod-eu/shop/cart',
        state: 'unavailable',
        previous: 'available',
      },
    ]);
    expect(store.get(CLUSTER_KIND.service, 'prod-eu/shop/cart')!.body).toEqual({
      cluster: 'prod-eu',
      namespace: 'shop',
      name: 'cart',
      state: 'unavailable',
      since: new Date(TEST_NOW + 60_000).toISOString(),
    });
    clock.now += 60_000;
    await recorder.record(withEndpoints(snapshot, 2));
    expect(store.get(CLUSTER_KIND.service, 'prod-eu/shop/cart')!.body).toMatchObject({
      state: 'available',
      since: new Date(TEST_NOW + 120_000).toISOString(),
    });
  });

  it('keeps `since` when only a detail changes: a rollout starts while every replica stays available', async () => {
    const { clock, replicas } = await setup();
    const store = replicas.stores[0]!;
    const recorder = new ClusterRecorder({ store, now: () => clock.now });
    const snapshot = clusterSnapshot();
    await recorder.record(snapshot);
    clock.now += 60_000;
    const rolling = nextSnapshot(snapshot, { workloads: [cartDeployment({ generation: 4 })] });
    expect((await recorder.record(rolling)).transitions).toHaveLength(1);
    expect(store.get(CLUSTER_KIND.deployment, 'prod-eu/shop/cart')!.body).toMatchObject({
      state: 'available',
      rollout: 'progressing',
      since: new Date(TEST_NOW).toISOString(),
    });
  });

  it("writes an FT service's health changing, and not its pod counts", async () => {
    const { replicas } = await setup();
    const { store, mutations } = counted(replicas.stores[0]!);
    const recorder = new ClusterRecorder({ store });
    const snapshot = clusterSnapshot();
    await recorder.record(snapshot);
    const failing = nextSnapshot(snapshot, {
      health: [
        cartHealth({
          pods: { total: 2, healthy: 1 },
          failing: [{ pod: 'cart-1', checks: [failingCheck('db')] }],
        }),
      ],
    });
    await recorder.record(failing);
    await recorder.record(
      nextSnapshot(failing, {
        health: [
          cartHealth({
            pods: { total: 3, healthy: 2 },
            failing: [{ pod: 'cart-2', checks: [failingCheck('db')] }],
          }),
        ],
      }),
    );
    expect(mutations.slice(3)).toEqual([
      {
        kind: CLUSTER_KIND.health,
        id: 'prod-eu/shop/cart',
        body: expect.objectContaining({ state: 'unhealthy', severity: 1, failing: ['db'] }),
      },
    ]);
  });

  it('removes the record of an object that left the cluster', async () => {
    const { replicas } = await setup();
    const store = replicas.stores[0]!;
    const recorder = new ClusterRecorder({ store });
    const snapshot = clusterSnapshot();
    await recorder.record(snapshot);
    const outcome = await recorder.record(nextSnapshot(snapshot, { workloads: [] }));
    expect(outcome.transitions).toEqual([
      {
        kind: CLUSTER_KIND.deployment,
        id: 'prod-eu/shop/cart',
        state: 'removed',
        previous: 'available',
      },
    ]);
    expect(store.get(CLUSTER_KIND.deployment, 'prod-eu/shop/cart')).toBeUndefined();
  });

  it('leaves alone what a half-started agent cannot vouch for: unlisted watches, unprobed FT services', async () => {
    const { replicas } = await setup();
    const { store, mutations } = counted(replicas.stores[0]!);
    await new ClusterRecorder({ store }).record(clusterSnapshot());
    // A restarted agent: its EndpointSlices and Deployments have not listed yet, and no pod has
    // been probed, so the Service looks endpoint-less, the Deployment and the FT results absent.
    const restarted = new ClusterRecorder({ store });
    const outcome = await restarted.record(
      clusterSnapshot({
        agent: { instance: 'agent-b', version: '0.1.0' },
        services: [cartService({ readyEndpoints: 0, servingEndpoints: 0 })],
        workloads: [],
        health: [],
        unsynced: ['endpointslices', 'deployments'],
      }),
    );
    expect(outcome.transitions).toEqual([]);
    expect(mutations).toHaveLength(3);
    // Once everything has listed, a real change is written, and a Service that lost its
    // hasHealthcheck label takes its FT record with it.
    const synced = await restarted.record(
      clusterSnapshot({
        agent: { instance: 'agent-b', version: '0.1.0' },
        sequence: 2,
        services: [cartService({ readyEndpoints: 0, hasHealthcheck: false })],
        health: [],
      }),
    );
    expect(synced.transitions.map((t) => `${t.kind} ${t.state}`).sort()).toEqual([
      `${CLUSTER_KIND.health} removed`,
      `${CLUSTER_KIND.service} unavailable`,
    ]);
  });

  it('writes an object listed twice once, and a removal another instance made not again', async () => {
    const { replicas } = await setup(2);
    const first = counted(replicas.stores[0]!);
    const snapshot = clusterSnapshot({ services: [cartService(), cartService()] });
    const a = new ClusterRecorder({ store: first.store });
    await a.record(snapshot);
    expect(first.mutations).toHaveLength(3);
    const second = counted(replicas.stores[1]!);
    await replicas.exchange();
    const b = new ClusterRecorder({ store: second.store });
    await b.record(snapshot);
    const gone = nextSnapshot(snapshot, { workloads: [] });
    await a.record(gone);
    await replicas.exchange();
    await b.record(gone);
    expect(first.mutations).toHaveLength(4);
    expect(second.mutations).toHaveLength(0);
  });

  it("never touches another cluster's records", async () => {
    const { replicas } = await setup();
    const store = replicas.stores[0]!;
    const recorder = new ClusterRecorder({ store });
    await recorder.record(clusterSnapshot({ cluster: 'prod-us' }));
    await recorder.record(clusterSnapshot({ workloads: [], services: [], health: [] }));
    expect(store.list(CLUSTER_KIND.service).map((r) => r.id)).toEqual(['prod-us/shop/cart']);
  });

  it('writes nothing again after a restart of the app (what it wrote is read back)', async () => {
    const { replicas } = await setup();
    const { store, mutations } = counted(replicas.stores[0]!);
    await new ClusterRecorder({ store }).record(clusterSnapshot());
    const restarted = new ClusterRecorder({ store });
    await restarted.record(clusterSnapshot({ sequence: 7 }));
    expect(mutations).toHaveLength(3);
  });

  it('does not write again what another app instance wrote from the same snapshot', async () => {
    const { clock, replicas } = await setup(2);
    const first = counted(replicas.stores[0]!);
    const second = counted(replicas.stores[1]!);
    const a = new ClusterRecorder({ store: first.store, now: () => clock.now });
    const b = new ClusterRecorder({ store: second.store, now: () => clock.now });
    const snapshot = clusterSnapshot();
    await a.record(snapshot);
    await replicas.exchange();
    await b.record(snapshot);
    const down = withEndpoints(snapshot, 0);
    await a.record(down);
    await replicas.exchange();
    await b.record(down);
    expect(first.mutations).toHaveLength(4);
    expect(second.mutations).toHaveLength(0);
  });

  it('keeps changes it could not store and writes them with the next snapshot', async () => {
    const { replicas } = await setup();
    const store = replicas.stores[0]!;
    const recorder = new ClusterRecorder({ store });
    let snapshot = clusterSnapshot();
    await recorder.record(snapshot);
    // The same view, with every write refused as a quorum failure would be.
    const failing: Replicator = Object.create(store) as Replicator;
    failing.write = () => Promise.reject(new Error('every target is down'));
    const broken = new ClusterRecorder({ store: failing });
    await broken.record(snapshot);
    snapshot = withEndpoints(snapshot, 0);
    const refused = await broken.record(snapshot);
    expect(refused).toMatchObject({ transitions: [], pending: 1, error: 'every target is down' });
    failing.write = store.write.bind(store);
    const retried = await broken.record(nextSnapshot(snapshot));
    expect(retried.transitions.map((t) => t.state)).toEqual(['unavailable']);
    expect(store.get(CLUSTER_KIND.service, 'prod-eu/shop/cart')!.body).toMatchObject({
      state: 'unavailable',
    });
  });

  it('waits for the stored view before comparing, so a slow start keeps when states began', async () => {
    const { clock, replicas } = await setup();
    const store = replicas.stores[0]!;
    const down = withEndpoints(clusterSnapshot(), 0);
    await new ClusterRecorder({ store, now: () => clock.now }).record(down);
    clock.now += 5 * 60_000;
    // A restarted instance whose targets have not answered yet.
    let loaded = false;
    const loading: Replicator = Object.create(store) as Replicator;
    Object.defineProperty(loading, 'loadState', {
      get: () => (loaded ? store.loadState : { source: 'none' }),
    });
    const { store: counting, mutations } = counted(loading);
    const recorder = new ClusterRecorder({ store: counting, now: () => clock.now });
    expect(await recorder.record(nextSnapshot(down))).toMatchObject({
      transitions: [],
      pending: 3,
      error: 'the stored state is not loaded yet',
    });
    loaded = true;
    await recorder.record(nextSnapshot(nextSnapshot(down)));
    expect(mutations).toEqual([]);
    expect(store.get(CLUSTER_KIND.service, 'prod-eu/shop/cart')!.body).toMatchObject({
      state: 'unavailable',
      since: new Date(TEST_NOW).toISOString(),
    });
  });

  it('folds snapshots that arrive during a slow write into one pass that records the newest', async () => {
    const { replicas } = await setup();
    const { store, mutations } = counted(replicas.stores[0]!);
    const recorder = new ClusterRecorder({ store });
    let snapshot = clusterSnapshot();
    const pending = [recorder.record(snapshot)];
    for (let i = 0; i < 10; i++) {
      snapshot = withEndpoints(snapshot, i % 2);
      pending.push(recorder.record(snapshot));
    }
    await Promise.all(pending);
    // The first pass, then one pass for the newest (1 endpoint: available, as first written).
    expect(mutations).toHaveLength(3);
    expect(store.get(CLUSTER_KIND.service, 'prod-eu/shop/cart')!.body).toMatchObject({
      state: 'available',
    });
  });
});
