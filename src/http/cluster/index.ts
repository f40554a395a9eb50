/**
 * The seed systems' cluster routes, kept as their clients call them: status-service's
 * `/status...`, k8s-controller-heartbeat's `/api/healthz/...`, and FT aggregate-healthcheck's
 * `/__gtg` and `<path_prefix>/...`. Unprefixed they answer for the default cluster
 * (`cluster_health.default_cluster`, or the only one); under `/clusters/:name` for any.
 */
import { Hono, type Context } from 'hono';
import type { ClusterHealth, ClusterHealthView } from '../../cluster/health.ts';
import type { Authenticator } from '../auth.ts';
import type { Limits } from '../limits.ts';
import type { Logger } from '../../logger.ts';
import { statusServiceRoutes } from './status-service.ts';
import { heartbeatRoutes } from './heartbeat.ts';
import { aggregateRoutes } from './aggregate.ts';
import { HeartbeatLimiter } from './heartbeat-limit.ts';

export interface ClusterRoutesDeps {
  health: ClusterHealth;
  auth: Authenticator;
  limits: Limits;
  now: () => number;
  logger: Logger;
}

/** The cluster a request is about, or why there is none (answered in the route's own format). */
export type ClusterLookup = { view: ClusterHealthView } | { problem: string };

export interface RouteContext extends ClusterRoutesDeps {
  lookup(c: Context): ClusterLookup;
  /** Where this cluster's routes are mounted: '' or `/clusters/<name>`. */
  base(c: Context): string;
  heartbeatLimiter: HeartbeatLimiter;
}

function routesFor(ctx: RouteContext): Hono {
  const app = new Hono();
  app.route('/', statusServiceRoutes(ctx));
  app.route('/', heartbeatRoutes(ctx));
  app.route('/', aggregateRoutes(ctx));
  return app;
}

export function clusterHealthRoutes(deps: ClusterRoutesDeps): Hono {
  const heartbeatLimiter = new HeartbeatLimiter(deps.health.config.heartbeat, deps.now);
  const find = (name: string | undefined): ClusterLookup => {
    if (name === undefined)
      return {
        problem:
          'several clusters report here and none is the default: set cluster_health.default_cluster or use /clusters/<name>/...',
      };
    const view = deps.health.view(name);
    return view ? { view } : { problem: `no cluster named ${JSON.stringify(name)}` };
  };
  const app = new Hono();
  app.route(
    '/',
    routesFor({
      ...deps,
      heartbeatLimiter,
      lookup: () => find(deps.health.defaultCluster()),
      base: () => '',
    }),
  );
  app.route(
    '/clusters/:cluster',
    routesFor({
      ...deps,
      heartbeatLimiter,
      lookup: (c) => find(c.req.param('cluster')),
      base: (c) => `/clusters/${encodeURIComponent(c.req.param('cluster') ?? '')}`,
    }),
  );
  return app;
}

/** "no data from cluster X since 14:02:05 UTC" (or never), for every format's stale answer. */
export function staleText(view: ClusterHealthView): string {
  const since =
    view.lastSnapshotAt === null
      ? 'since this instance started'
      : `since ${new Date(view.lastSnapshotAt).toISOString()}`;
  return `no data from cluster ${view.cluster} ${since}`;
}
