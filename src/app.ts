/**
 * createApp(services): the one Hono app both runtimes serve. It imports only hono, web
 * standards and our own layers; the runtime entries decide which drivers exist.
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Config } from './config/parse.ts';
import { ApiError, errorBody, respondWithError } from './http/errors.ts';
import { createAuthenticator, hasScope } from './http/auth.ts';
import { clientAddressMiddleware } from './http/client-address.ts';
import { createLimits } from './http/limits.ts';
import { authenticateRequest } from './http/request-auth.ts';
import { transportSecurity } from './http/transport-security.ts';
import { healthRoutes } from './http/health.ts';
import { incidentApis } from './http/incident-apis.ts';
import { adminUi } from './http/admin/index.ts';
import { agentApi } from './http/agent/index.ts';
import { createAgentTokens } from './http/agent/agent-tokens.ts';
import { ClusterRecorder } from './cluster/recorder.ts';
import { ClusterRegistry } from './cluster/registry.ts';
import { ClusterHealth } from './cluster/health.ts';
import { ComponentMonitor } from './cluster/component-monitor.ts';
import { componentBindings } from './cluster/component-health.ts';
import { clusterHealthRoutes } from './http/cluster/index.ts';
import { restartRoutes } from './http/restart/index.ts';
import { RestartMetrics } from './restart/metrics.ts';
import { RestartService } from './restart/service.ts';
import type { UpgradeWebSocket } from 'hono/ws';
import { metricsRoutes } from './http/metrics/index.ts';
import { componentStatuses } from './domain/status.ts';
import { outboxCounts } from './notify/admin.ts';
import { badgeRoutes, feedRoutes } from './http/feeds/index.ts';
import { notFoundPage, publicPages } from './http/pages/index.ts';
import { createSite, type Site } from './http/site/site.ts';
import { createSubscriptions, type SubscriptionOptions } from './http/subscriptions.ts';
import { createReadModel, domainSettings, type ReadModel } from './domain/read-model.ts';
import type { NotificationService } from './domain/notify-hooks.ts';
import type { Logger } from './logger.ts';
import { InvalidRecordError, type RecordStore } from './replication/types.ts';

export interface AppServices {
  config: Config;
  store: RecordStore;
  logger: Logger;
  startedAt: Date;
  version: string;
  /** Milliseconds since the epoch (default Date.now): every surface reads the time here, so tests can pin the date. */
  now?: () => number;
  /** The notification outbox (none: changes notify nobody, the page offers no email subscriptions). */
  notifications?: NotificationService;
  /** Text `/metrics` appends after the app's gauges (Node: prom-client's process metrics). */
  processMetrics?: () => Promise<string>;
  /** The runtime's WebSocket upgrade (Node: @hono/node-server's, Workers: hono's); none: status streams are SSE only. */
  upgradeWebSocket?: UpgradeWebSocket;
  /** How sign-ups queue their mails (the outbox's mailMutations) and resolve webhook hosts (Node's DNS). */
  subscriptions?: Omit<SubscriptionOptions, 'now'>;
}

/** What buildApp made: the app, and the parts it built once and handed to every surface. */
export interface BuiltApp {
  app: Hono;
  read: ReadModel;
  site: Site;
  /** The latest snapshot of every cluster, as the agents pushed them. */
  clusters: ClusterRegistry;
  /** Cluster health from the agents' snapshots: the state machines and their read API. */
  health: ClusterHealth;
  /** Components bound to cluster objects: their states, day records and silence notices. */
  monitor: ComponentMonitor;
  /** Restarts the agents carry out: targets, lock, requests, reports and their metrics. */
  restarts: RestartService;
  /** What the clock alone changes (escalations, staleness, day records): the runtime calls it every few seconds. */
  tick(): Promise<void>;
}

export function createApp(services: AppServices): Hono {
  return buildApp(services).app;
}

/**
 * The settings and the read model are built here, once, and handed to the pages, the feeds and
 * the APIs, so every surface reads the same view of the store and no surface keeps its own copy.
 */
export function buildApp(services: AppServices): BuiltApp {
  const app = new Hono();
  const now = services.now ?? Date.now;
  app.use('*', clientAddressMiddleware(services.config.trusted_proxies));
  app.use('*', transportSecurity(Boolean(services.config.tls)));
  // One set of limits for every surface, so a guesser or a spammer cannot switch surfaces to start over.
  const limits = createLimits(now);
  const auth = createAuthenticator(services.config);
  const mayInspect = async (c: Context) => {
    const { principal } = await authenticateRequest(c, auth, limits.credentials);
    return principal !== null && hasScope(principal, 'read');
  };
  app.route(
    '/',
    healthRoutes({
      targets: () => services.store.targets(),
      loadState: () => services.store.loadState,
      startedAt: services.startedAt,
      version: services.version,
      now,
      mayInspect,
    }),
  );
  const read = createReadModel(services.store, domainSettings(services.config));
  const subscriptions = createSubscriptions(services.config, {
    ...(services.notifications ? { mail: services.notifications.mail } : {}),
    ...services.subscriptions,
    now,
  });
  const agentTokens = createAgentTokens(services.config);
  const clusters = new ClusterRegistry(agentTokens.clusters, now);
  const health = new ClusterHealth({
    store: services.store,
    registry: clusters,
    config: services.config.cluster_health,
    timeZone: services.config.base_info.time_zone,
    now,
  });
  const monitor = new ComponentMonitor({
    store: services.store,
    views: () => health.views(),
    bindings: componentBindings(services.config),
    graceMs: services.config.cluster_health.grace,
    timeZone: services.config.base_info.time_zone,
    now,
    startedAt: services.startedAt.getTime(),
    logger: services.logger,
    ...(services.notifications ? { hooks: services.notifications.hooks } : {}),
    ...(services.config.cluster_health.auto_incident.enabled
      ? {
          autoIncident: {
            afterMs: services.config.cluster_health.auto_incident.after,
            domain: () => site.domain(),
          },
        }
      : {}),
  });
  const restarts = new RestartService({
    store: services.store,
    registry: clusters,
    metrics: new RestartMetrics(),
    now,
    forceUnlockMs: services.config.restarts.force_unlock_after,
  });
  const site = createSite({
    restarts,
    clusters,
    components: monitor,
    health,
    config: services.config,
    store: services.store,
    logger: services.logger,
    now,
    limits,
    read,
    subscriptions,
    ...(services.notifications ? { notifications: services.notifications } : {}),
  });
  const pageDeps = { site };
  // Everything people and feed readers look at shares one Site (render cache, storage watch, rendered theme).
  app.route('/', publicPages(pageDeps));
  app.route('/', feedRoutes(pageDeps));
  app.route('/', badgeRoutes(pageDeps));
  app.route('/', adminUi(pageDeps));
  app.route(
    '/',
    incidentApis({
      ...services,
      now,
      limits,
      read,
      subscriptions,
      pages: pageDeps,
      extraComponentStates: () => monitor.current().states,
    }),
  );
  app.route(
    '/',
    metricsRoutes({
      config: services.config.metrics,
      auth,
      throttle: limits.credentials,
      sources: {
        components: () =>
          componentStatuses(read.view(), now(), monitor.current().states).map((s) => ({
            component: s.component.id,
            state: s.state,
          })),
        targets: () => services.store.targets(),
        clusters: () => health.views(),
        environment: services.config.cluster_health.aggregate_healthcheck.environment,
        outbox: () => outboxCounts(services.store),
        more: () => restarts.metrics.families(),
        now,
      },
      ...(services.processMetrics ? { extra: services.processMetrics } : {}),
    }),
  );
  app.route('/', clusterHealthRoutes({ health, auth, limits, now, logger: services.logger }));
  app.route(
    '/',
    agentApi({
      onApplied: (snapshot) => health.observe(snapshot),
      tokens: agentTokens,
      registry: clusters,
      recorder: new ClusterRecorder({ store: services.store, now }),
      throttle: limits.credentials,
      logger: services.logger,
    }),
  );
  app.route(
    '/',
    restartRoutes({
      restarts,
      auth,
      throttle: limits.credentials,
      tokens: agentTokens,
      logger: services.logger,
      ...(services.upgradeWebSocket ? { upgradeWebSocket: services.upgradeWebSocket } : {}),
    }),
  );

  app.notFound((c) =>
    wantsPage(c)
      ? notFoundPage(c, pageDeps)
      : c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404),
  );
  app.onError((error, c) => {
    if (error instanceof ApiError) return respondWithError(c, error);
    // The edge checks should have caught it; if one did not, the writer refused it before any target saw it.
    if (error instanceof InvalidRecordError)
      return c.json(errorBody('validation_failed', error.message), 400);
    // Hono's own refusals (body limit, CSRF origin check, ...) keep their status.
    if (error instanceof HTTPException && error.status < 500) {
      const code =
        error.status === 413
          ? 'payload_too_large'
          : error.status === 403
            ? 'forbidden'
            : error.status === 401
              ? 'unauthorized'
              : 'bad_request';
      return c.json(errorBody(code, error.message || 'request refused'), error.status);
    }
    services.logger.error(
      { err: { message: error.message, stack: error.stack }, path: c.req.path },
      'unhandled error',
    );
    return c.json(errorBody('internal', 'internal error; the details are in the server log'), 500);
  });
  return {
    app,
    read,
    site,
    clusters,
    health,
    monitor,
    restarts,
    tick: async () => {
      await health.tick();
      await monitor.tick();
    },
  };
}

/** A browser asking for a page (not an API client) gets an HTML error page. */
function wantsPage(c: Context): boolean {
  const path = c.req.path;
  if (path.startsWith('/api/') || path.startsWith('/v1/')) return false;
  return (
    (c.req.method === 'GET' || c.req.method === 'HEAD') &&
    (c.req.header('accept') ?? '').includes('text/html')
  );
}
