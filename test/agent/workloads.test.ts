import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../src/cluster/snapshot-schema.ts';
import { snapshotWhere, startHarness, waitFor, type Harness } from '../support/agent-harness.ts';
import { deployment, pod, statefulSet } from '../support/kube-objects.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const find = (snapshot: ClusterSnapshot, kind: string, name: string) =>
  snapshot.workloads.find((item) => item.kind === kind && item.name === name);

describe('agent: workloads and pods', () => {
  it('follows a Deployment rollout from spec change to complete, as kubectl rollout status reads it', async () => {
    harness = await startHarness({}, {}, (api) =>
      api.apply('deployments', deployment('shop', 'cart')),
    );
    const { api, app } = harness;
    const first = await waitFor('first snapshot', () => app.latest);
    expect(find(first, 'Deployment', 'cart')).toMatchObject({
      desired: 3,
      available: 3,
      rollout: { state: 'complete' },
      conditions: { available: { status: 'True', reason: 'MinimumReplicasAvailable' } },
    });

    const steps = [
      { generation: 2, observedGeneration: 1, updated: 3 },
      { generation: 2, updated: 1, total: 4, available: 3 },
      { generation: 2, updated: 3, total: 4, available: 3 },
      { generation: 2, updated: 3, total: 3, available: 2 },
    ];
    const messages = [
      /spec update to be observed/,
      /1 out of 3 new replicas have been updated/,
      /1 old replicas are pending termination/,
      /2 of 3 updated replicas are available/,
    ];
    for (const [index, step] of steps.entries()) {
      api.apply('deployments', deployment('shop', 'cart', step));
      const seen = await waitFor(
        `step ${index}`,
        snapshotWhere(app, (s) =>
          messages[index]!.test(find(s, 'Deployment', 'cart')?.rollout?.message ?? ''),
        ),
      );
      expect(find(seen, 'Deployment', 'cart')?.rollout?.state).toBe('progressing');
    }
    api.apply('deployments', deployment('shop', 'cart', { generation: 2 }));
    const done = await waitFor(
      'complete',
      snapshotWhere(app, (s) => find(s, 'Deployment', 'cart')?.rollout?.state === 'complete'),
    );
    expect(find(done, 'Deployment', 'cart')).toMatchObject({
      generation: 2,
      observedGeneration: 2,
    });

    api.apply(
      'deployments',
      deployment('shop', 'cart', {
        generation: 3,
        updated: 1,
        progressing: { status: 'False', reason: 'ProgressDeadlineExceeded' },
      }),
    );
    await waitFor(
      'deadline exceeded',
      snapshotWhere(app, (s) => find(s, 'Deployment', 'cart')?.rollout?.state === 'failed'),
    );
  });

  it('follows a StatefulSet rolling update until every pod is at the update revision', async () => {
    harness = await startHarness({}, {}, (api) =>
      api.apply('statefulsets', statefulSet('data', 'db')),
    );
    const { api, app } = harness;
    await waitFor(
      'first',
      snapshotWhere(app, (s) => find(s, 'StatefulSet', 'db')?.rollout?.state === 'complete'),
    );
    api.apply(
      'statefulsets',
      statefulSet('data', 'db', { generation: 2, ready: 2, updateRevision: 'db-new' }),
    );
    await waitFor(
      'waiting for a pod',
      snapshotWhere(app, (s) =>
        /Waiting for 1 pods to be ready/.test(find(s, 'StatefulSet', 'db')?.rollout?.message ?? ''),
      ),
    );
    api.apply(
      'statefulsets',
      statefulSet('data', 'db', { generation: 2, updateRevision: 'db-new' }),
    );
    await waitFor(
      'revision pending',
      snapshotWhere(app, (s) =>
        /rolling update to complete/.test(find(s, 'StatefulSet', 'db')?.rollout?.message ?? ''),
      ),
    );
    api.apply(
      'statefulsets',
      statefulSet('data', 'db', { generation: 2, currentRevision: 'db-new' }),
    );
    await waitFor(
      'complete',
      snapshotWhere(
        app,
        (s) =>
          find(s, 'StatefulSet', 'db')?.rollout?.state === 'complete' &&
          find(s, 'StatefulSet', 'db')?.generation === 2,
      ),
    );
  });

  it('counts healthy pods and details only the failing ones', async () => {
    harness = await startHarness({}, {}, (api) => {
      for (let i = 0; i < 5; i += 1) api.apply('pods', pod('shop', `cart-${i}`));
      api.apply('pods', pod('shop', 'job-1', { phase: 'Succeeded', ready: false }));
    });
    const { api, app } = harness;
    const first = await waitFor('first', () => app.latest);
    expect(first.pods).toMatchObject({
      total: 6,
      byPhase: { Running: 5, Succeeded: 1 },
      failing: [],
    });
    api.apply(
      'pods',
      pod('shop', 'cart-2', { ready: false, restarts: 4, waitingReason: 'CrashLoopBackOff' }),
    );
    api.apply('pods', pod('shop', 'cart-9', { phase: 'Pending' }));
    const broken = await waitFor(
      'failing pods',
      snapshotWhere(app, (s) => s.pods.failing.length === 2),
    );
    expect(broken.pods.failing).toEqual([
      {
        namespace: 'shop',
        name: 'cart-2',
        phase: 'Running',
        reason: 'CrashLoopBackOff',
        restarts: 4,
        ready: false,
      },
      {
        namespace: 'shop',
        name: 'cart-9',
        phase: 'Pending',
        reason: 'ContainerCreating',
        restarts: 0,
        ready: false,
      },
    ]);
    api.remove('pods', 'shop', 'cart-9');
    api.apply('pods', pod('shop', 'cart-2', { restarts: 4 }));
    await waitFor(
      'healthy again',
      snapshotWhere(app, (s) => s.pods.failing.length === 0 && s.pods.total === 6),
    );
  });

  it('watches only the configured namespaces', async () => {
    harness = await startHarness({ namespaces: ['shop'] }, {}, (api) => {
      api.apply('deployments', deployment('shop', 'cart'));
      api.apply('deployments', deployment('other', 'billing'));
    });
    const { api, app } = harness;
    const first = await waitFor('first', () => app.latest);
    expect(first.workloads.map((item) => `${item.namespace}/${item.name}`)).toEqual(['shop/cart']);
    expect(
      api.requests.some((request) => request.path === '/apis/apps/v1/namespaces/shop/deployments'),
    ).toBe(true);
    expect(api.requests.some((request) => request.path === '/apis/apps/v1/deployments')).toBe(
      false,
    );
  });
});
