/**
 * `/healthz`: the process is alive and serving. `/readyz`: each storage target's state and
 * latency; 503 when no target can take a write (pages are still served from the view), and
 * while the view is not loaded from a target or a snapshot (every surface says "unknown" then).
 */
import { Hono, type Context } from 'hono';
import type { TargetStatus, ViewLoadState } from '../replication/types.ts';
import { knownState } from './known-state.ts';

export interface HealthDeps {
  targets(): TargetStatus[];
  loadState(): ViewLoadState;
  startedAt: Date;
  version: string;
  now: () => number;
  /** True when the request may see each target's details (host, user, bucket, errors): a read token or the admin. */
  mayInspect(c: Context): Promise<boolean>;
}

export function healthRoutes(deps: HealthDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({
      status: 'ok',
      version: deps.version,
      uptime_seconds: Math.round((deps.now() - deps.startedAt.getTime()) / 1000),
    });
  });
  app.get('/readyz', async (c) => {
    const targets = deps.targets().map((t) => ({
      target: t.location,
      driver: t.driver,
      state: t.state === 'up' ? 'ok' : t.state,
      latency_ms: t.latencyMs === null ? null : Math.round(t.latencyMs * 10) / 10,
      lag: t.lag,
      queued_hints: t.queuedHints,
      last_sync: t.lastSync ?? null,
      // Records this target refused (a value its backend cannot store): skipped, so they never block a batch.
      refused_records: t.refusedRecords,
      ...(t.lastError ? { error: t.lastError } : {}),
    }));
    const writable = targets.filter((t) => t.state === 'ok').length;
    const load = deps.loadState();
    const known = knownState({ loadState: load }).known;
    const ready = writable > 0 && known;
    c.header('Cache-Control', 'no-store');
    const view =
      load.source === 'none'
        ? 'loading'
        : load.source === 'snapshot'
          ? 'last_known_snapshot'
          : 'loaded';
    const status = ready ? 'ready' : writable === 0 ? 'unavailable' : 'loading';
    // Anonymous probes get the verdict and each target's kind and state; where the targets live (host,
    // user, database, bucket, key id) and their errors are for a read token or the admin.
    if (!(await deps.mayInspect(c))) {
      const summary = targets.map((t) => ({
        driver: t.driver,
        state: t.state,
        latency_ms: t.latency_ms,
      }));
      return c.json(
        {
          status,
          view,
          writable_targets: writable,
          target_count: targets.length,
          targets: summary,
        },
        ready ? 200 : 503,
      );
    }
    return c.json({ status, view, writable_targets: writable, targets }, ready ? 200 : 503);
  });
  return app;
}
