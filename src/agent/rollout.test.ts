import { describe, expect, it } from 'vitest';
import { deployment, statefulSet } from '../../test/support/kube-objects.ts';
import { projectWorkload } from './projections.ts';
import { rolloutState } from './rollout.ts';

const ofDeployment = (...args: Parameters<typeof deployment>) =>
  rolloutState(projectWorkload('Deployment')(deployment(...args)));
const ofStatefulSet = (...args: Parameters<typeof statefulSet>) =>
  rolloutState(projectWorkload('StatefulSet')(statefulSet(...args)));

describe('rollout state, as kubectl rollout status says it', () => {
  it('Deployments: each stage of a rollout in kubectl words', () => {
    expect(ofDeployment('a', 'web')).toEqual({
      state: 'complete',
      message: 'deployment "web" successfully rolled out',
    });
    expect(ofDeployment('a', 'web', { generation: 2, observedGeneration: 1 }).message).toBe(
      'Waiting for deployment spec update to be observed...',
    );
    expect(ofDeployment('a', 'web', { generation: 2, updated: 1 }).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
    );
    expect(ofDeployment('a', 'web', { total: 5 }).message).toBe(
      'Waiting for deployment "web" rollout to finish: 2 old replicas are pending termination...',
    );
    expect(ofDeployment('a', 'web', { available: 1 }).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...',
    );
    expect(
      ofDeployment('a', 'web', {
        updated: 1,
        progressing: { status: 'False', reason: 'ProgressDeadlineExceeded' },
      }),
    ).toEqual({ state: 'failed', message: 'deployment "web" exceeded its progress deadline' });
    expect(ofDeployment('a', 'web', { paused: true, updated: 1 }).state).toBe('paused');
  });

  it('a Deployment scaled to zero has rolled out', () => {
    expect(ofDeployment('a', 'web', { replicas: 0 }).state).toBe('complete');
  });

  it('StatefulSets: ready pods, partitions and revisions', () => {
    expect(ofStatefulSet('a', 'db').state).toBe('complete');
    expect(ofStatefulSet('a', 'db', { generation: 3, observedGeneration: 2 }).message).toBe(
      'Waiting for statefulset spec update to be observed...',
    );
    expect(ofStatefulSet('a', 'db', { ready: 1 }).message).toBe(
      'Waiting for 2 pods to be ready...',
    );
    expect(ofStatefulSet('a', 'db', { partition: 2, updated: 0 }).message).toBe(
      'Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...',
    );
    expect(ofStatefulSet('a', 'db', { partition: 2, updated: 1 }).state).toBe('complete');
    expect(ofStatefulSet('a', 'db', { updateRevision: 'db-2' }).state).toBe('progressing');
  });
});
