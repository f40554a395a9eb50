/**
 * Restarts on the app's side: which targets may be restarted (those an agent's latest snapshot
 * marks `restartAllowed`), the lock, the requests and the agent's reports, all on replicated
 * records (records.ts) so every app instance answers the same and an app restart loses nothing.
 *
 * The lock: a target is locked from a taken request until the agent reports it complete, failed
 * or refused, or until `forceUnlockMs` after the request, whichever comes first. It is never
 * held by one instance's memory, so a second request to another instance also gets 423. A
 * patched restart whose agent goes silent is handed out again to be followed (never patched
 * again), so an agent restarted mid-rollout does not leave it to expire.
 */
import { auditMutation } from '../domain/audit.ts';
import type { DomainContext } from '../domain/context.ts';
import type { Actor } from '../domain/types.ts';
import type { ClusterRegistry } from '../cluster/registry.ts';
import type { RecordStore } from '../replication/types.ts';
import type { RestartMetrics } from './metrics.ts';
import {
  FINAL_REPORT_STATES,
  RESUME_AFTER_MS,
  type RestartCommand,
  type RestartKind,
  type RestartReport,
} from './protocol.ts';
import {
  asJson,
  decodeProgress,
  decodeRequest,
  RESTART_KIND,
  targetId,
  type RestartProgress,
  type RestartRequest,
  type RestartTargetRef,
} from './records.ts';

export const DEFAULT_FORCE_UNLOCK_MS = 300_000;

export type RestartOutcome = 'pending' | 'dispatched' | RestartReport['state'] | 'expired';

export interface RestartHistoryEntry extends RestartRequest {
  outcome: RestartOutcome;
  progress?: RestartProgress;
}

export interface RestartTargetView extends RestartTargetRef {
  /** The workload as the agent's latest snapshot shows it. */
  rollout?: { state: string; message: string };
  replicas: { desired: number; updated: number; ready: number; available: number };
  paused: boolean;
  locked: boolean;
  last?: RestartHistoryEntry;
}

export interface RestartServiceDeps {
  store: RecordStore;
  registry: ClusterRegistry;
  metrics: RestartMetrics;
  now: () => number;
  forceUnlockMs?: number;
  /** How long a patched restart's reports may stop before another agent is asked to follow it. */
  resumeAfterMs?: number;
  randomId?: () => string;
}

export type RequestResult =
  | { ok: true; id: string; target: RestartTargetRef }
  | { ok: false; reason: 'locked'; target: RestartTargetRef; restartId: string };

export type ReportResult = 'ok' | 'not_found' | 'wrong_cluster' | 'finished';

const label = (t: RestartTargetRef) => `${t.kind} ${t.namespace}/${t.name} in cluster ${t.cluster}`;

export class RestartService {
  readonly forceUnlockMs: number;

  constructor(private readonly deps: RestartServiceDeps) {
    this.forceUnlockMs = deps.forceUnlockMs ?? DEFAULT_FORCE_UNLOCK_MS;
  }

  get metrics(): RestartMetrics {
    return this.deps.metrics;
  }

  /** Every target some agent allows, with its state, by cluster, kind, namespace and name. */
  targets(): RestartTargetView[] {
    const out: RestartTargetView[] = [];
    for (const view of this.deps.registry.list()) {
      for (const w of view.snapshot?.workloads ?? []) {
        if (!w.restartAllowed) continue;
        const ref: RestartTargetRef = {
          cluster: view.cluster,
          kind: w.kind,
          namespace: w.namespace,
          name: w.name,
        };
        const last = this.last(ref);
        out.push({
          ...ref,
          ...(w.rollout ? { rollout: w.rollout } : {}),
          replicas: {
            desired: w.desired,
            updated: w.updated,
            ready: w.ready,
            available: w.available,
          },
          paused: w.paused === true,
          locked: last !== undefined && this.holdsLock(last),
          ...(last ? { last } : {}),
        });
      }
    }
    return out.sort((a, b) => targetId(a).localeCompare(targetId(b)));
  }

  /** The allowed targets matching kind/namespace/name (several when clusters share names). */
  find(kind: RestartKind, namespace: string, name: string, cluster?: string): RestartTargetView[] {
    return this.targets().filter(
      (t) =>
        t.kind === kind &&
        t.namespace === namespace &&
        t.name === name &&
        (cluster === undefined || t.cluster === cluster),
    );
  }

  entry(id: string): RestartHistoryEntry | undefined {
    const request = decodeRequest(this.deps.store.get(RESTART_KIND.restart, id));
    if (!request) return undefined;
    const progress = decodeProgress(this.deps.store.get(RESTART_KIND.progress, id));
    const dispatched = this.deps.store.get(RESTART_KIND.dispatch, id) !== undefined;
    let outcome: RestartOutcome = progress?.state ?? (dispatched ? 'dispatched' : 'pending');
    if (!FINAL_REPORT_STATES.has(outcome as RestartReport['state']) && this.expired(request))
      outcome = 'expired';
    return { ...request, outcome, ...(progress ? { progress } : {}) };
  }

  /** Newest first. */
  history(limit = 50): RestartHistoryEntry[] {
    return this.deps.store
      .list(RESTART_KIND.restart)
      .flatMap((record) => decodeRequest(record) ?? [])
      .sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : 0))
      .slice(0, limit)
      .flatMap((request) => this.entry(request.id) ?? []);
  }

  private last(target: RestartTargetRef): RestartHistoryEntry | undefined {
    const lock = this.deps.store.get(RESTART_KIND.lock, targetId(target))?.body as
      { restartId?: string } | undefined;
    return lock?.restartId ? this.entry(lock.restartId) : undefined;
  }

  private expired(request: RestartRequest): boolean {
    return this.deps.now() > Date.parse(request.requestedAt) + this.forceUnlockMs;
  }

  private holdsLock(entry: RestartHistoryEntry): boolean {
    return (
      entry.outcome === 'pending' ||
      entry.outcome === 'dispatched' ||
      entry.outcome === 'patched' ||
      entry.outcome === 'progressing'
    );
  }

  isLocked(target: RestartTargetRef): boolean {
    const last = this.last(target);
    return last !== undefined && this.holdsLock(last);
  }

  /** Takes a request for an allowed target: 423's case when its lock is held. */
  async request(target: RestartTargetRef, actor: Actor): Promise<RequestResult> {
    const { store, now } = this.deps;
    const previous = this.last(target);
    if (previous && this.holdsLock(previous))
      return { ok: false, reason: 'locked', target, restartId: previous.id };
    const id = (this.deps.randomId ?? (() => crypto.randomUUID()))();
    // Whoever claims the successor of the previous lock holds the new one; a racing instance loses here.
    const won = await store.claim(
      RESTART_KIND.lockClaim,
      `${targetId(target)}@${previous?.id ?? 'first'}`,
      asJson({ restartId: id }),
    );
    if (!won) {
      const winner = this.last(target);
      return { ok: false, reason: 'locked', target, restartId: winner?.id ?? '' };
    }
    const at = new Date(now()).toISOString();
    const request: RestartRequest = { ...target, id, requestedAt: at, requestedBy: actor };
    const ctx = this.auditContext();
    await store.write([
      { kind: RESTART_KIND.restart, id, body: asJson(request) },
      { kind: RESTART_KIND.lock, id: targetId(target), body: asJson({ restartId: id, at }) },
      auditMutation(ctx, actor, {
        action: 'restart.request',
        target: { kind: 'restart', id },
        summary: `Restart of ${label(target)} requested`,
      }),
      ...(previous?.outcome === 'expired'
        ? [
            auditMutation(
              ctx,
              { type: 'system', name: 'restarts' },
              {
                action: 'restart.expired',
                target: { kind: 'restart', id: previous.id },
                summary: `Restart of ${label(previous)} unlocked after ${Math.round(this.forceUnlockMs / 1000)} s without an outcome (${previous.progress?.message || 'no report from the agent'})`,
              },
            ),
          ]
        : []),
    ]);
    this.deps.metrics.restarted(target);
    return { ok: true, id, target };
  }

  /** Requests for a cluster's agent that no instance has handed out yet and that still hold their lock. */
  pendingFor(cluster: string): RestartRequest[] {
    return this.deps.store
      .list(RESTART_KIND.restart)
      .flatMap((record) => decodeRequest(record) ?? [])
      .filter(
        (r) =>
          r.cluster === cluster &&
          !this.expired(r) &&
          this.deps.store.get(RESTART_KIND.dispatch, r.id) === undefined &&
          this.deps.store.get(RESTART_KIND.progress, r.id) === undefined,
      );
  }

  /**
   * Patched restarts of a cluster whose agent stopped reporting before the rollout ended (it was
   * restarted or moved): another agent follows them to their end instead of them expiring.
   */
  resumableFor(cluster: string): RestartHistoryEntry[] {
    const silentSince = this.deps.now() - (this.deps.resumeAfterMs ?? RESUME_AFTER_MS);
    return this.deps.store
      .list(RESTART_KIND.restart)
      .flatMap((record) => decodeRequest(record) ?? [])
      .filter((r) => r.cluster === cluster && !this.expired(r))
      .flatMap((r) => this.entry(r.id) ?? [])
      .filter(
        (e) =>
          (e.outcome === 'patched' || e.outcome === 'progressing') &&
          e.progress?.restartedAt !== undefined &&
          Date.parse(e.progress.updatedAt) < silentSince,
      );
  }

  /** Something to hand to the cluster's agent. */
  hasWork(cluster: string): boolean {
    return this.pendingFor(cluster).length > 0 || this.resumableFor(cluster).length > 0;
  }

  /** Hands out the pending and resumable requests this call wins the claim for. */
  async dispatch(cluster: string, agent: string): Promise<RestartCommand[]> {
    const out: RestartCommand[] = [];
    const command = (r: RestartRequest): RestartCommand => ({
      id: r.id,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      requestedAt: r.requestedAt,
    });
    for (const entry of this.resumableFor(cluster)) {
      const progress = entry.progress!;
      // One hand-out per silent report: if the new agent goes silent too, the next one is asked.
      const won = await this.deps.store.claim(
        RESTART_KIND.resumeClaim,
        `${entry.id}@${progress.updatedAt}`,
        asJson({ at: new Date(this.deps.now()).toISOString(), agent }),
      );
      if (won) out.push({ ...command(entry), resume: { restartedAt: progress.restartedAt! } });
    }
    for (const request of this.pendingFor(cluster)) {
      const won = await this.deps.store.claim(
        RESTART_KIND.dispatch,
        request.id,
        asJson({ at: new Date(this.deps.now()).toISOString(), agent }),
      );
      if (won) out.push(command(request));
    }
    return out;
  }

  /** Stores an agent's report; a final one releases the lock and goes to the audit log. */
  async report(
    cluster: string,
    id: string,
    report: RestartReport,
    agent: string,
  ): Promise<ReportResult> {
    const entry = this.entry(id);
    if (!entry) return 'not_found';
    if (entry.cluster !== cluster) return 'wrong_cluster';
    if (entry.progress && FINAL_REPORT_STATES.has(entry.progress.state)) return 'finished';
    const progress: RestartProgress = {
      state: report.state,
      message: report.message,
      // The patched time stays with the restart whichever report carried it.
      ...(report.restartedAt || entry.progress?.restartedAt
        ? { restartedAt: report.restartedAt || entry.progress!.restartedAt! }
        : {}),
      ...(report.replicas ? { replicas: report.replicas } : {}),
      ...(report.podPhases ? { podPhases: report.podPhases } : {}),
      updatedAt: new Date(this.deps.now()).toISOString(),
      ...(agent ? { agent } : {}),
    };
    const final = FINAL_REPORT_STATES.has(report.state);
    await this.deps.store.write([
      { kind: RESTART_KIND.progress, id, body: asJson(progress) },
      ...(final
        ? [
            auditMutation(
              this.auditContext(),
              { type: 'system', name: `agent of ${cluster}` },
              {
                action: `restart.${report.state}`,
                target: { kind: 'restart', id },
                summary: `Restart of ${label(entry)} ${report.state === 'complete' ? 'completed' : report.state}${report.message ? `: ${report.message}` : ''}`,
              },
            ),
          ]
        : []),
    ]);
    if (report.state === 'failed' || report.state === 'refused') this.deps.metrics.failed(entry);
    return 'ok';
  }

  /** auditMutation reads only the clock and the id source of its context. */
  private auditContext(): DomainContext {
    return {
      store: this.deps.store,
      now: this.deps.now,
      ...(this.deps.randomId ? { randomId: this.deps.randomId } : {}),
    } as DomainContext;
  }
}
