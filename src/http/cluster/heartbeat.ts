/**
 * k8s-controller-heartbeat's `GET`/`HEAD /api/healthz/:namespace/deployment/:name`: 200 when
 * every desired replica is available and no rollout is under way or failed (as `kubectl rollout
 * status` reads it, from the agent's snapshot rather than one random pod), 503 when not, 404 when
 * the cluster has no such Deployment. A stale cluster answers 503 with `X-Cluster-State: stale`:
 * unknown is not healthy.
 *
 * Token: `Authorization: Basic <token>` (the raw credential, as the original compares it) or
 * `?token=`; a header token wins over the query. 401 without one, 403 for a wrong one, compared
 * as digests in constant time. The rate limit runs first and counts every request.
 */
import { Hono, type Context } from 'hono';
import { digestsEqual, sha256 } from '../auth.ts';
import { clientAddress, clientKey } from '../rate-limit.ts';
import { staleText, type RouteContext } from './index.ts';

function presentedToken(c: Context): string | undefined {
  const authorization = c.req.header('authorization');
  if (authorization) {
    const space = authorization.indexOf(' ');
    if (space > 0 && authorization.slice(0, space) === 'Basic')
      return authorization.slice(space + 1);
  }
  const query = c.req.query('token');
  return query || undefined;
}

export function heartbeatRoutes(ctx: RouteContext): Hono {
  const app = new Hono();
  const config = ctx.health.config.heartbeat;
  const expected = config.token ? sha256(config.token) : undefined;

  app.on(['GET', 'HEAD'], '/api/healthz/:namespace/deployment/:name', async (c) => {
    if (!expected)
      return c.text(
        'the heartbeat route is off: set cluster_health.heartbeat.token to turn it on\n',
        404,
      );
    const limit = ctx.heartbeatLimiter.take(clientKey(clientAddress(c)));
    for (const [name, value] of Object.entries(limit.headers)) c.header(name, value);
    if (!limit.allowed) return c.text('Limit exceeded\n', 429);
    const token = presentedToken(c);
    if (token === undefined) {
      c.header('WWW-Authenticate', 'Basic');
      c.header('X-Content-Type-Options', 'nosniff');
      return c.text('authorization failed\n', 401);
    }
    if (!digestsEqual(await sha256(token), await expected)) return c.body(null, 403);

    const found = ctx.lookup(c);
    if ('problem' in found) return c.text(`${found.problem}\n`, 404);
    const { view } = found;
    if (view.stale) {
      c.header('X-Cluster-State', 'stale');
      return c.text(`unknown: ${staleText(view)}\n`, 503);
    }
    const namespace = c.req.param('namespace');
    const name = c.req.param('name');
    const workload = view.workloads.find(
      (w) => w.kind === 'Deployment' && w.namespace === namespace && w.name === name,
    );
    if (!workload) return c.text(`no deployment ${namespace}/${name} in ${view.cluster}\n`, 404);
    return c.body(null, workload.healthy ? 200 : 503);
  });
  return app;
}
