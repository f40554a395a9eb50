/**
 * Simulated pods rolling after a PATCH of a Deployment in the stand-in kube API, step by step as
 * a Deployment controller with maxSurge 1 / maxUnavailable 0 would: the new generation is
 * observed, then for each replica a new pod is created (Pending), becomes Running and ready, and
 * an old pod goes away, with the Deployment's status counts following. `failWith:
 * 'ProgressDeadlineExceeded'` stops halfway with that Progressing condition instead.
 */
import type { KubeApiServer } from './kube-api-server.ts';
import { pod } from './kube-objects.ts';

export interface RolloutOptions {
  namespace: string;
  name: string;
  replicas: number;
  stepMs: number;
  failWith?: 'ProgressDeadlineExceeded';
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The old pods (`<name>-old-<i>`) the rollout will replace. */
export function seedPods(
  kube: KubeApiServer,
  namespace: string,
  name: string,
  replicas: number,
): void {
  for (let i = 1; i <= replicas; i += 1)
    kube.apply('pods', pod(namespace, `${name}-old-${i}`, { labels: { app: name } }));
}

/** Rolls the pods after each PATCH of the named Deployment; `rollouts` counts them. */
export function rollOnPatch(
  kube: KubeApiServer,
  options: RolloutOptions,
): { rollouts: number; done: Promise<void>[] } {
  const state = { rollouts: 0, done: [] as Promise<void>[] };
  kube.onPatch = (resource, namespace, name) => {
    if (resource !== 'deployments' || namespace !== options.namespace || name !== options.name)
      return;
    state.rollouts += 1;
    state.done.push(roll(kube, options, state.rollouts));
  };
  return state;
}

async function roll(kube: KubeApiServer, o: RolloutOptions, round: number): Promise<void> {
  const setStatus = (s: {
    updated: number;
    total: number;
    ready: number;
    progressing?: [string, string];
  }) =>
    kube.modify('deployments', o.namespace, o.name, (d) => {
      const status = (d.status ?? {}) as Record<string, unknown>;
      d.status = {
        ...status,
        observedGeneration: d.metadata.generation,
        replicas: s.total,
        updatedReplicas: s.updated,
        readyReplicas: s.ready,
        availableReplicas: s.ready,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          {
            type: 'Progressing',
            status: s.progressing?.[0] ?? 'True',
            reason: s.progressing?.[1] ?? 'ReplicaSetUpdated',
          },
        ],
      };
    });
  await wait(o.stepMs);
  setStatus({ updated: 0, total: o.replicas, ready: o.replicas });
  const old = kube
    .list('pods')
    .filter((p) => p.metadata.namespace === o.namespace && p.metadata.labels?.app === o.name)
    .map((p) => p.metadata.name);
  for (let i = 1; i <= o.replicas; i += 1) {
    const fresh = `${o.name}-r${round}-${i}`;
    await wait(o.stepMs);
    kube.apply('pods', pod(o.namespace, fresh, { labels: { app: o.name }, phase: 'Pending' }));
    setStatus({ updated: i, total: o.replicas + 1, ready: o.replicas });
    if (o.failWith && i * 2 > o.replicas) {
      await wait(o.stepMs);
      setStatus({
        updated: i,
        total: o.replicas + 1,
        ready: o.replicas,
        progressing: ['False', o.failWith],
      });
      return;
    }
    await wait(o.stepMs);
    kube.apply('pods', pod(o.namespace, fresh, { labels: { app: o.name }, phase: 'Running' }));
    const gone = old[i - 1];
    if (gone) kube.remove('pods', o.namespace, gone);
    setStatus({ updated: i, total: o.replicas, ready: o.replicas });
  }
  setStatus({
    updated: o.replicas,
    total: o.replicas,
    ready: o.replicas,
    progressing: ['True', 'NewReplicaSetAvailable'],
  });
}
