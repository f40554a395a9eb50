/**
 * Restarts over HTTP.
 *
 * For people and tools (admin credentials for changes, `read` scope to look):
 * - `GET /api/v1/service`: the targets the agents allow, with their state (k8s-restart-app's
 *   `{"services":[{kind,name,namespace}]}`, each entry with more beside);
 * - `POST /api/v1/service/:kind/:namespace/:name/restart` (`?cluster=` when several clusters
 *   allow the same target): 202 with the restart id; 400 for a kind other than Deployment or
 *   StatefulSet; 404 for a target no agent allows; 423 while the target is restarting;
 * - `GET /api/v1/service/status`: the live status as a WebSocket, or as Server-Sent Events for a
 *   client that asks for `text/event-stream`; a plain GET is 400 as in k8s-restart-app;
 * - `GET /api/v1/restarts`, `GET /api/v1/restarts/:id`, `POST /api/v1/restarts`
 *   (`{cluster?, kind, namespace, name}`): the same in the native API's style, with history.
 *
 * For agents (their cluster's bearer token):
 * - `GET /api/agent/v1/commands?wait=N`: waits up to N seconds (at most 30) for requests of the
 *   caller's cluster, handing each out once across app instances (204 when none came);
 * - `POST /api/agent/v1/commands/:id`: the agent's report on one request.
 */
import { Hono, type Context } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { Logger } from '../../logger.ts';
import {
  COMMANDS_PATH,
  RESTART_KINDS,
  restartReportSchema,
  type RestartKind,
} from '../../restart/protocol.ts';
import type { RestartService, RestartTargetView } from '../../restart/service.ts';
import { statusMessage } from '../../restart/status-message.ts';
import { QuorumError } from '../../replication/types.ts';
import { authenticateAgent, type AgentTokens } from '../agent/index.ts';
import { hasScope, type Authenticator, type Principal, type Scope } from '../auth.ts';
import { readJson } from '../body.ts';
import type { CredentialThrottle } from '../credential-throttle.ts';
import { ApiError, respondWithError } from '../errors.ts';
import { authenticateRequest } from '../request-auth.ts';
import { restartRequestBody } from './schemas.ts';
import { sseStatus, wsStatus } from './stream.ts';

export { sseStatus };

export interface RestartRoutesDeps {
  restarts: RestartService;
  auth: Authenticator;
  throttle: CredentialThrottle;
  tokens: AgentTokens;
  logger: Logger;
  upgradeWebSocket?: UpgradeWebSocket;
  /** How often status streams and waiting agents look for changes (default 1 s). */
  tickMs?: number;
}

const MAX_WAIT_S = 30;

async function principalWith(
  c: Context,
  deps: RestartRoutesDeps,
  scope: Scope,
): Promise<Principal> {
  const result = await authenticateRequest(c, deps.auth, deps.throttle);
  if (!result.principal) {
    if (result.retryAfterSeconds) {
      c.header('Retry-After', String(result.retryAfterSeconds));
      throw new ApiError('rate_limited', 'too many failed credentials from this client');
    }
    c.header('WWW-Authenticate', 'Basic realm="staunch", charset="UTF-8"');
    throw new ApiError('unauthorized', 'credentials are required (admin user or an API token)');
  }
  if (!hasScope(result.principal, scope))
    throw new ApiError('forbidden', `this credential lacks the ${scope} scope`);
  return result.principal;
}

const serviceEntry = (t: RestartTargetView) => ({
  kind: t.kind,
  name: t.name,
  namespace: t.namespace,
  ...statusMessage(t),
});

export function restartRoutes(deps: RestartRoutesDeps): Hono {
  const app = new Hono();
  const { restarts } = deps;
  const tickMs = deps.tickMs ?? 1000;
  const ws = wsStatus({
    restarts,
    intervalMs: tickMs,
    ...(deps.upgradeWebSocket ? { upgradeWebSocket: deps.upgradeWebSocket } : {}),
  });

  const guarded =
    (scope: Scope, handler: (c: Context, principal: Principal) => Promise<Response> | Response) =>
    async (c: Context) => {
      try {
        return await handler(c, await principalWith(c, deps, scope));
      } catch (error) {
        if (error instanceof ApiError) return respondWithError(c, error);
        if (error instanceof QuorumError)
          return respondWithError(c, new ApiError('storage_unavailable', error.message));
        throw error;
      }
    };

  const list = guarded('read', (c) => c.json({ services: restarts.targets().map(serviceEntry) }));
  app.get('/api/v1/service', list);
  app.get('/api/v1/service/', list);

  app.get('/api/v1/service/status', async (c, next) => {
    try {
      await principalWith(c, deps, 'read');
    } catch (error) {
      if (error instanceof ApiError) return respondWithError(c, error);
      throw error;
    }
    if ((c.req.header('upgrade') ?? '').toLowerCase() === 'websocket') {
      if (!ws)
        return respondWithError(
          c,
          new ApiError('bad_request', 'this server offers the status as text/event-stream only'),
        );
      return ws(c, next);
    }
    if ((c.req.header('accept') ?? '').includes('text/event-stream'))
      return sseStatus(c, { restarts, intervalMs: tickMs });
    return respondWithError(
      c,
      new ApiError('bad_request', 'open this as a WebSocket, or ask for Accept: text/event-stream'),
    );
  });

  const take = async (
    c: Context,
    principal: Principal,
    input: { cluster?: string | undefined; kind: string; namespace: string; name: string },
  ) => {
    if (!(RESTART_KINDS as readonly string[]).includes(input.kind))
      throw new ApiError(
        'bad_request',
        `invalid kind ${JSON.stringify(input.kind)}: Deployment or StatefulSet (case-sensitive)`,
      );
    const found = restarts.find(
      input.kind as RestartKind,
      input.namespace,
      input.name,
      input.cluster,
    );
    const what = `${input.kind} ${input.namespace}/${input.name}`;
    if (found.length === 0)
      throw new ApiError(
        'not_found',
        `service not found: no agent allows restarting ${what}${input.cluster ? ` in cluster ${input.cluster}` : ''}`,
      );
    if (found.length > 1)
      throw new ApiError(
        'bad_request',
        `${what} is allowed in several clusters (${found.map((t) => t.cluster).join(', ')}): add ?cluster=`,
      );
    const target = found[0]!;
    const result = await restarts.request(
      {
        cluster: target.cluster,
        kind: target.kind,
        namespace: target.namespace,
        name: target.name,
      },
      principal.actor,
    );
    if (!result.ok)
      throw new ApiError(
        'locked',
        `resource is locked: ${target.kind}/${target.namespace}/${target.name} is restarting (restart ${result.restartId})`,
      );
    deps.logger.info(
      {
        restart: result.id,
        target: `${target.cluster}/${target.kind}/${target.namespace}/${target.name}`,
        actor: principal.actor.name,
      },
      'restart requested',
    );
    c.header('Location', `/api/v1/restarts/${result.id}`);
    return c.json(
      {
        id: result.id,
        cluster: target.cluster,
        kind: target.kind,
        namespace: target.namespace,
        name: target.name,
      },
      202,
    );
  };

  app.post(
    '/api/v1/service/:kind/:namespace/:name/restart',
    guarded('admin', (c, principal) =>
      take(c, principal, {
        cluster: c.req.query('cluster'),
        kind: c.req.param('kind')!,
        namespace: c.req.param('namespace')!,
        name: c.req.param('name')!,
      }),
    ),
  );

  app.get(
    '/api/v1/restarts',
    guarded('read', (c) =>
      c.json({
        targets: restarts.targets().map(serviceEntry),
        restarts: restarts.history(Math.min(Number(c.req.query('limit') ?? 50) || 50, 500)),
      }),
    ),
  );
  app.get(
    '/api/v1/restarts/:id',
    guarded('read', (c) => {
      const entry = restarts.entry(c.req.param('id')!);
      if (!entry) throw new ApiError('not_found', 'no restart with this id');
      return c.json(entry);
    }),
  );
  app.post(
    '/api/v1/restarts',
    guarded('admin', async (c, principal) => {
      const body = await readJson(c.req.raw);
      if (!body.ok)
        throw new ApiError(
          'bad_request',
          'the body must be JSON: {"kind","namespace","name","cluster"?}',
        );
      const parsed = restartRequestBody.safeParse(body.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ApiError(
          'validation_failed',
          `${issue.path.join('.') || 'body'}: ${issue.message}`,
        );
      }
      return take(c, principal, parsed.data);
    }),
  );

  const agentGuarded =
    (handler: (c: Context, cluster: string) => Promise<Response>) => async (c: Context) => {
      try {
        return await handler(
          c,
          await authenticateAgent(c, { tokens: deps.tokens, throttle: deps.throttle }),
        );
      } catch (error) {
        if (error instanceof ApiError) return respondWithError(c, error);
        if (error instanceof QuorumError)
          return respondWithError(c, new ApiError('storage_unavailable', error.message));
        throw error;
      }
    };

  app.get(
    COMMANDS_PATH,
    agentGuarded(async (c, cluster) => {
      const wait = Math.min(Math.max(Number(c.req.query('wait') ?? 0) || 0, 0), MAX_WAIT_S) * 1000;
      const agent = (c.req.header('x-staunch-agent-instance') ?? '').slice(0, 128);
      const until = Date.now() + wait;
      for (;;) {
        if (restarts.hasWork(cluster)) {
          const commands = await restarts.dispatch(cluster, agent);
          if (commands.length) return c.json({ commands });
        }
        if (Date.now() >= until || c.req.raw.signal.aborted) return c.body(null, 204);
        await new Promise((resolve) => setTimeout(resolve, Math.min(tickMs, 250)));
      }
    }),
  );

  app.post(
    `${COMMANDS_PATH}/:id`,
    agentGuarded(async (c, cluster) => {
      const body = await readJson(c.req.raw, 16 * 1024);
      if (!body.ok) throw new ApiError('bad_request', 'the report must be a JSON object');
      const parsed = restartReportSchema.safeParse(body.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ApiError(
          'validation_failed',
          `${issue.path.join('.') || 'body'}: ${issue.message}`,
        );
      }
      const agent = (c.req.header('x-staunch-agent-instance') ?? '').slice(0, 128);
      const result = await restarts.report(cluster, c.req.param('id')!, parsed.data, agent);
      if (result === 'not_found') throw new ApiError('not_found', 'no restart with this id');
      if (result === 'wrong_cluster')
        throw new ApiError('forbidden', 'this restart belongs to another cluster');
      return c.json({ ok: true, ignored: result === 'finished' });
    }),
  );

  return app;
}
