/**
 * One status message per target, in k8s-restart-app's websocket format
 * (`kind_namespace_name`, `status.message`, `status.pod_status`, `status.last_restart`,
 * `is_locked`), with fields of its own beside them: `cluster`, `replicas`, `rollout` and the
 * last `restart`. Unlike the original, `is_locked` is the lock itself (a request is running and
 * a second one gets 423), not "not every pod is Running", and no placeholder message follows a
 * release.
 */
import type { RestartTargetView } from './service.ts';

export interface StatusMessage {
  kind_namespace_name: { kind: string; name: string; namespace: string };
  cluster: string;
  status: {
    message: string;
    /** Pod phase → count from the agent's last report of a restart; null before any. */
    pod_status: Record<string, number> | null;
    last_restart: string;
  };
  is_locked: boolean;
  replicas: RestartTargetView['replicas'];
  rollout: { state: string; message: string } | null;
  restart: {
    id: string;
    outcome: string;
    requestedAt: string;
    requestedBy: string;
    message: string;
  } | null;
}

export function statusMessage(target: RestartTargetView): StatusMessage {
  const last = target.last;
  const ongoing = target.locked;
  // While a restart runs, the agent's reports are newer than its snapshots; after, the snapshot is.
  const message = (ongoing ? last?.progress?.message : undefined) ?? target.rollout?.message ?? '';
  return {
    kind_namespace_name: { kind: target.kind, name: target.name, namespace: target.namespace },
    cluster: target.cluster,
    status: {
      message,
      pod_status: last?.progress?.podPhases ?? null,
      last_restart: last?.progress?.restartedAt ?? '',
    },
    is_locked: target.locked,
    replicas: ongoing && last?.progress?.replicas ? last.progress.replicas : target.replicas,
    rollout: target.rollout ?? null,
    restart: last
      ? {
          id: last.id,
          outcome: last.outcome,
          requestedAt: last.requestedAt,
          requestedBy: last.requestedBy.name,
          message: last.progress?.message ?? '',
        }
      : null,
  };
}

/** Messages keyed by target, for sending only what changed since the last tick. */
export function statusMessages(targets: RestartTargetView[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const target of targets)
    out.set(
      `${target.cluster}/${target.kind}/${target.namespace}/${target.name}`,
      JSON.stringify(statusMessage(target)),
    );
  return out;
}
