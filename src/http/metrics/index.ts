/**
 * `GET /metrics`: the Prometheus text of metricFamilies(), when `metrics.enabled`. A scraper
 * sends `Authorization: Bearer <metrics.token>`; anyone else needs admin credentials (Basic,
 * or an API token with the admin scope). Disabled, the route does not exist (404), so a page
 * that never asked for metrics does not advertise them.
 */
import { Hono } from 'hono';
import type { MetricsConfig } from '../../config/schema.ts';
import { hasScope, type Authenticator } from '../auth.ts';
import type { CredentialThrottle } from '../credential-throttle.ts';
import { errorBody } from '../errors.ts';
import { authenticateRequest } from '../request-auth.ts';
import { constantTimeEqual } from '../signing.ts';
import { exposition, METRICS_CONTENT_TYPE, type MetricFamily } from './exposition.ts';
import { metricFamilies, type MetricSources } from './families.ts';

export interface MetricsDeps {
  config: MetricsConfig;
  auth: Authenticator;
  throttle: CredentialThrottle;
  sources: MetricSources;
  /** Text appended after the app's gauges (Node: prom-client's process metrics). */
  extra?: () => Promise<string>;
}

export type { MetricFamily };

export function metricsRoutes(deps: MetricsDeps): Hono {
  const app = new Hono();
  if (!deps.config.enabled) return app;
  const token = deps.config.token;
  app.get('/metrics', async (c) => {
    const authorization = c.req.header('authorization') ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
    const byToken = token !== undefined && bearer !== undefined && constantTimeEqual(bearer, token);
    if (!byToken) {
      const result = await authenticateRequest(c, deps.auth, deps.throttle);
      const principal = result.principal;
      if (!result.principal && result.retryAfterSeconds !== undefined) {
        c.header('Retry-After', String(result.retryAfterSeconds));
        return c.json(errorBody('rate_limited', 'too many failed attempts; wait and retry'), 429);
      }
      if (!principal) {
        c.header('WWW-Authenticate', 'Basic realm="staunch metrics", Bearer');
        return c.json(
          errorBody('unauthorized', 'metrics need the metrics token (Bearer) or admin credentials'),
          401,
        );
      }
      if (!hasScope(principal, 'admin'))
        return c.json(errorBody('forbidden', 'metrics need the admin scope'), 403);
    }
    let text = exposition(metricFamilies(deps.sources));
    if (deps.extra) text += await deps.extra();
    return c.body(text, 200, { 'Content-Type': METRICS_CONTENT_TYPE, 'Cache-Control': 'no-store' });
  });
  return app;
}
