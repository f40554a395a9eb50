/**
 * status-service's state machine for each `StatusServices` object, on records:
 * - `ok` while its Service has a ready endpoint, `warning` when it has none;
 * - `error` once a warning has lasted `errorAfter`, decided on the clock, not on a new event, and
 *   dated when it became due (a late evaluation does not move it);
 * - recovery goes straight back to `ok`, and nothing turns an `ok` into `error` afterwards (the
 *   original's cron compares the last two changes and can flip a recovered service back);
 * - a day's state is the worst it reached that day, written when it gets worse or the day is new.
 *
 * A pass returns the mutations to write, nothing else: with nothing changed it returns none, so a
 * burst of identical snapshots writes nothing.
 */
import type { Mutation, RecordStore } from '../replication/types.ts';
import type { Json } from '../../storage-drivers/types.ts';
import { localDate } from '../domain/uptime.ts';
import { startOfDay } from '../domain/time.ts';
import type { ClusterSnapshot, SnapshotStatusService } from './snapshot-schema.ts';
import {
  HEALTH_KIND,
  isStatusState,
  statusChangeId,
  statusDayId,
  statusServiceId,
  worseStatus,
  type StatusChangeBody,
  type StatusDayBody,
  type StatusServiceBody,
  type StatusState,
} from './health-records.ts';

export interface StatusMachineOptions {
  errorAfterMs: number;
  timeZone: string;
}

type Reader = Pick<RecordStore, 'get' | 'list'>;

export function statusUid(service: { uid?: string; namespace: string; name: string }): string {
  return service.uid || `${service.namespace}~${service.name}`;
}

export function readStatusService(store: Reader, id: string): StatusServiceBody | undefined {
  const body = store.get(HEALTH_KIND.statusService, id)?.body as StatusServiceBody | undefined;
  return body && isStatusState(body.state) ? body : undefined;
}

/** The state as of `now`: a stored warning past `errorAfter` is an error even before it is written. */
export function effectiveStatus(
  body: Pick<StatusServiceBody, 'state' | 'since'>,
  now: number,
  errorAfterMs: number,
): { state: StatusState; since: string } {
  if (body.state !== 'warning') return body;
  const due = Date.parse(body.since) + errorAfterMs;
  return now >= due ? { state: 'error', since: new Date(due).toISOString() } : body;
}

function desired(
  spec: SnapshotStatusService,
  snapshot: ClusterSnapshot,
): { state: 'ok' | 'warning' } {
  const service = snapshot.services.find(
    (s) => s.namespace === spec.namespace && s.name === spec.serviceName,
  );
  return { state: service && service.readyEndpoints > 0 ? 'ok' : 'warning' };
}

/** The mutations that bring one cluster's status-service records up to `snapshot` as of `now`. */
export function statusServicePass(
  store: Reader,
  snapshot: ClusterSnapshot,
  now: number,
  options: StatusMachineOptions,
): Mutation[] {
  const { cluster } = snapshot;
  const mutations: Mutation[] = [];
  const nowIso = new Date(now).toISOString();
  const seen = new Set<string>();
  for (const spec of snapshot.statusServices) {
    const id = statusServiceId(cluster, spec.namespace, spec.name);
    seen.add(id);
    const stored = readStatusService(store, id);
    const uid = statusUid(spec);
    const raw = desired(spec, snapshot).state;
    // The changes since the stored state, in order: an escalation that fell due meanwhile is
    // recorded at its due time even when the service has recovered since.
    const steps: { state: StatusState; since: string }[] = [];
    let current = stored ? effectiveStatus(stored, now, options.errorAfterMs) : undefined;
    if (stored && current && current.state !== stored.state) steps.push(current);
    if (raw === 'ok' && current?.state !== 'ok') steps.push({ state: 'ok', since: nowIso });
    if (raw === 'warning' && (!current || current.state === 'ok'))
      steps.push({ state: 'warning', since: nowIso });
    current = steps.at(-1) ?? current!;

    const body: StatusServiceBody = {
      cluster,
      namespace: spec.namespace,
      name: spec.name,
      uid,
      serviceName: spec.serviceName,
      displayName: spec.displayName,
      ...(spec.displayDescription ? { displayDescription: spec.displayDescription } : {}),
      ...(spec.group ? { group: spec.group } : {}),
      state: current.state,
      since: current.since,
    };
    if (JSON.stringify(stored) !== JSON.stringify(body))
      mutations.push({ kind: HEALTH_KIND.statusService, id, body: body as unknown as Json });
    // Each day's worst: of the days the steps fall on, and of today (a new day with no change).
    const worstOfDay = new Map<string, { at: number; state: StatusState }>();
    const touch = (at: number, state: StatusState) => {
      const date = localDate(at, options.timeZone);
      const before = worstOfDay.get(date);
      worstOfDay.set(date, { at, state: before ? worseStatus(before.state, state) : state });
    };
    for (const step of steps) {
      const change: StatusChangeBody = {
        cluster,
        namespace: spec.namespace,
        name: spec.name,
        uid,
        state: step.state,
        at: step.since,
      };
      mutations.push({
        kind: HEALTH_KIND.statusChange,
        id: statusChangeId(cluster, spec.namespace, spec.name, step.since, step.state),
        body: change as unknown as Json,
      });
      touch(Date.parse(step.since), step.state);
    }
    touch(now, current.state);
    for (const [date, { at, state }] of worstOfDay) {
      const dayId = statusDayId(cluster, spec.namespace, spec.name, date);
      const day = store.get(HEALTH_KIND.statusDay, dayId)?.body as StatusDayBody | undefined;
      const worst = day && isStatusState(day.state) ? worseStatus(day.state, state) : state;
      if (day?.state === worst) continue;
      const dayBody: StatusDayBody = {
        cluster,
        namespace: spec.namespace,
        name: spec.name,
        uid,
        date,
        start: startOfDay(at, options.timeZone),
        state: worst,
      };
      mutations.push({ kind: HEALTH_KIND.statusDay, id: dayId, body: dayBody as unknown as Json });
    }
  }
  // A StatusServices object deleted from the cluster leaves; its history expires with retention.
  const listed = !(snapshot.unsynced ?? []).includes('statusservices');
  if (listed)
    for (const record of store.list(HEALTH_KIND.statusService)) {
      const body = record.body as { cluster?: unknown } | null;
      if (body?.cluster === cluster && !seen.has(record.id))
        mutations.push({ kind: HEALTH_KIND.statusService, id: record.id, deleted: true });
    }
  return mutations;
}
