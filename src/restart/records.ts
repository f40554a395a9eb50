/**
 * Restarts as replicated records, so they survive an app restart and every app instance sees the
 * same ones:
 * - `restart` (id: the restart id): the request, written once with its audit entry;
 * - `restart_lock` (id: the target): which restart the target's lock belongs to;
 * - `restart_lock_claim` (id: target@previous restart): claimed (putIfAbsent) before a new lock is
 *   written, so two instances taking a request for the same target at once cannot both win;
 * - `restart_dispatch` (id: the restart id): claimed by the instance that hands the request to
 *   the agent, so it is handed out once however many instances the agent asks;
 * - `restart_progress` (id: the restart id): the agent's latest report, written only from reports
 *   (the request record is never rewritten, so a report and a request cannot overwrite each other);
 * - `restart_resume_claim` (id: restart id@the silent report's time): claimed by the instance that
 *   hands a patched restart whose agent went silent to another agent, to follow, once.
 */
import type { Actor } from '../domain/types.ts';
import type { Json, StoredRecord } from '../../storage-drivers/types.ts';
import type { Replicas, ReportState, RestartKind } from './protocol.ts';

export const RESTART_KIND = {
  restart: 'restart',
  lock: 'restart_lock',
  lockClaim: 'restart_lock_claim',
  dispatch: 'restart_dispatch',
  progress: 'restart_progress',
  resumeClaim: 'restart_resume_claim',
} as const;

export interface RestartTargetRef {
  cluster: string;
  kind: RestartKind;
  namespace: string;
  name: string;
}

export interface RestartRequest extends RestartTargetRef {
  id: string;
  requestedAt: string;
  requestedBy: Actor;
}

export interface RestartProgress {
  state: ReportState;
  message: string;
  restartedAt?: string;
  replicas?: Replicas;
  podPhases?: Record<string, number>;
  updatedAt: string;
  /** The agent instance that reported. */
  agent?: string;
}

export const targetId = (target: RestartTargetRef): string =>
  `${target.cluster}/${target.kind}/${target.namespace}/${target.name}`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function decodeRequest(record: StoredRecord | undefined): RestartRequest | undefined {
  const body = record?.body;
  if (!isObject(body) || typeof body.id !== 'string' || typeof body.cluster !== 'string')
    return undefined;
  if (body.kind !== 'Deployment' && body.kind !== 'StatefulSet') return undefined;
  return body as unknown as RestartRequest;
}

export function decodeProgress(record: StoredRecord | undefined): RestartProgress | undefined {
  const body = record?.body;
  if (!isObject(body) || typeof body.state !== 'string') return undefined;
  return body as unknown as RestartProgress;
}

export const asJson = (value: object): Json => value as unknown as Json;
