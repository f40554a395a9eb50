/**
 * A workload's rollout state, read from its status the way `kubectl rollout status` reads it
 * (not from one pod picked at random): the spec change must be observed, then every replica
 * updated, old ones gone and the new ones available (Deployments), or ready and at the update
 * revision (StatefulSets, RollingUpdate only).
 */
import type { WorkloadView } from './projections.ts';

export interface RolloutState {
  state: 'complete' | 'progressing' | 'failed' | 'paused';
  message: string;
}

export function rolloutState(workload: WorkloadView): RolloutState {
  return workload.kind === 'Deployment'
    ? deploymentRollout(workload)
    : statefulSetRollout(workload);
}

function deploymentRollout(d: WorkloadView): RolloutState {
  const name = `deployment "${d.metadata.name}"`;
  if (d.generation > d.observedGeneration)
    return {
      state: 'progressing',
      message: 'Waiting for deployment spec update to be observed...',
    };
  if (d.progressingCondition?.reason === 'ProgressDeadlineExceeded')
    return { state: 'failed', message: `${name} exceeded its progress deadline` };
  if (d.paused) return { state: 'paused', message: `${name} is paused` };
  if (d.updated < d.desired)
    return {
      state: 'progressing',
      message: `Waiting for ${name} rollout to finish: ${d.updated} out of ${d.desired} new replicas have been updated...`,
    };
  if (d.total > d.updated)
    return {
      state: 'progressing',
      message: `Waiting for ${name} rollout to finish: ${d.total - d.updated} old replicas are pending termination...`,
    };
  if (d.available < d.updated)
    return {
      state: 'progressing',
      message: `Waiting for ${name} rollout to finish: ${d.available} of ${d.updated} updated replicas are available...`,
    };
  return { state: 'complete', message: `${name} successfully rolled out` };
}

function statefulSetRollout(s: WorkloadView): RolloutState {
  if (s.strategy !== 'RollingUpdate')
    return {
      state: 'complete',
      message: `rollout status is only available for RollingUpdate strategy type (${s.strategy})`,
    };
  if (s.observedGeneration === 0 || s.generation > s.observedGeneration)
    return {
      state: 'progressing',
      message: 'Waiting for statefulset spec update to be observed...',
    };
  if (s.ready < s.desired)
    return {
      state: 'progressing',
      message: `Waiting for ${s.desired - s.ready} pods to be ready...`,
    };
  const partition = s.partition ?? 0;
  if (partition > 0) {
    if (s.updated < s.desired - partition)
      return {
        state: 'progressing',
        message: `Waiting for partitioned roll out to finish: ${s.updated} out of ${s.desired - partition} new pods have been updated...`,
      };
    return {
      state: 'complete',
      message: `partitioned roll out complete: ${s.updated} new pods have been updated...`,
    };
  }
  if (s.updateRevision !== s.currentRevision)
    return {
      state: 'progressing',
      message: `waiting for statefulset rolling update to complete ${s.updated} pods at revision ${s.updateRevision}...`,
    };
  return {
    state: 'complete',
    message: `statefulset rolling update complete ${s.ready} pods at revision ${s.currentRevision}...`,
  };
}
