/**
 * The Cloudflare Workers entry. The configuration is YAML text in the STAUNCH_CONFIG binding;
 * the other bindings are the environment for its ${...} references. One app per isolate, built
 * on the first request and kept while the isolate lives.
 *
 * Isolates are suspended between requests, so the replicator's own timers are off here: a
 * request that finds the view older than `poll_interval` refreshes it in the background
 * (`waitUntil`), and the cron trigger runs the anti-entropy sync and hint delivery.
 *
 * The notification outbox has no timers either: what a write enqueued is delivered after the
 * answer (`waitUntil`), and retries, expired leases and maintenance that starts or ends by the
 * clock wait for the next cron trigger (or the next write), so they are only as punctual as the
 * cron schedule. Only the fetch-based channels exist here (no SMTP, no plugins).
 *
 * The page and the Statuspage documents are answered through ./worker-cache.ts (this isolate's
 * copy, then the Cache API, then the app), keyed by the content version, so a burst renders
 * once; before this isolate's view is loaded they may come from the newest copy another isolate
 * stored, which lives no longer than the poll interval.
 */
import { upgradeWebSocket } from 'hono/cloudflare-workers';
import type { Hono } from 'hono';
import { buildApp } from '../app.ts';
import { ConfigError, parseConfig } from '../config/parse.ts';
import { consoleLogger } from '../logger.ts';
import { WORKER_NOTIFIER_DEFINITIONS } from '../../notifiers/index.worker.ts';
import { subscriptionLinks } from '../http/subscription-links.ts';
import { createOutbox, type Outbox } from '../notify/outbox.ts';
import { createReplicator, type Replicator } from '../replication/replicator.ts';
import { workerDrivers } from './registry.worker.ts';
import { replicationOptions } from './replication-options.ts';
import { VERSION } from './version.ts';
import { fnv1a, hex32, shiftedHash } from '../../storage-drivers/hash.ts';
import { minuteOf } from '../http/site/render-cache.ts';
import type { Site } from '../http/site/site.ts';
import { trackContent, type ContentVersion } from './content-version.ts';
import { cacheRoute, EdgeCache, staleAnswer, type CacheLike } from './worker-cache.ts';

type Env = Record<string, string | undefined> & { STAUNCH_CONFIG?: string };
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

interface Instance {
  app: Hono;
  /** What the clock alone changes in cluster health; run by the cron trigger. */
  tick: () => Promise<void>;
  store: Replicator;
  outbox: Outbox;
  pollIntervalMs: number;
  lastPoll: number;
  edge: EdgeCache;
  /** Everything the cached answers' bytes depend on besides the time: see cacheState. */
  state: () => string;
}

let instance: Promise<Instance> | undefined;
/** The same instance once built: a cold isolate (none yet) may answer from the newest copy. */
let built: Instance | undefined;

/** `caches.default`, where the runtime has one (workerd; not Node, not the tests' stand-ins). */
const defaultCache = (): CacheLike | undefined =>
  (globalThis as { caches?: { default?: CacheLike } }).caches?.default;

const hash = (text: string) => hex32(fnv1a(text)) + hex32(shiftedHash(text));

/** Names this configuration and code, so a new deployment never reads an older one's copies. */
const deploymentOf = (env: Env) => hash(`${VERSION}\u0000${env.STAUNCH_CONFIG ?? ''}`);

/**
 * The content version (equal in every isolate holding the same records), and what this isolate
 * alone knows that the page shows: bound components' cluster states, silent clusters, the
 * "storage unreachable since" notice and whether anything is loaded.
 */
function cacheState(content: ContentVersion, site: Site, store: Replicator): () => string {
  return () => {
    const health = site.componentHealth();
    const downSince = site.storage.check();
    const local =
      health.states.length === 0 && health.silent.length === 0 && downSince === null
        ? store.loadState.source
        : JSON.stringify([
            store.loadState.source,
            health.states.map((s) => [s.state, s.source]),
            health.silent.map((s) => [s.cluster, s.since]),
            downSince === null ? null : minuteOf(downSince),
          ]);
    return `${content.value}.${hash(local)}`;
  };
}

async function build(env: Env): Promise<Instance> {
  const config = parseConfig(env.STAUNCH_CONFIG ?? '', {
    env,
    drivers: workerDrivers,
    runtime: 'worker',
    source: 'STAUNCH_CONFIG',
  });
  const logger = consoleLogger(
    config.log.level === 'debug' || config.log.level === 'trace' ? 'debug' : 'info',
  );
  const store = createReplicator({
    // A socket opened in one request cannot serve the next one here: no pooled connections.
    drivers: config.targets.map((target) =>
      workerDrivers.create(target, { connectionPerCall: true, noEval: true }),
    ),
    ...replicationOptions(config),
    pollIntervalMs: 0,
    healthIntervalMs: 0,
    syncIntervalMs: 0,
    logger,
  });
  // Before the load, so the content version counts every record the load brings.
  const content = trackContent(store);
  await store.start();
  // No timers here: deliveries run after each write (waitUntil) and on every cron trigger.
  const outbox = createOutbox({
    config,
    store,
    definitions: WORKER_NOTIFIER_DEFINITIONS,
    links: subscriptionLinks(config),
    logger,
    timers: false,
  });
  await outbox.start();
  const app = buildApp({
    config,
    store,
    logger,
    startedAt: new Date(),
    version: VERSION,
    notifications: outbox.service,
    // The restart status stream's WebSocket (GET /api/v1/service/status).
    upgradeWebSocket,
  });
  return {
    app: app.app,
    tick: app.tick,
    store,
    outbox,
    pollIntervalMs: config.replication.poll_interval,
    lastPoll: Date.now(),
    edge: new EdgeCache({
      cache: defaultCache(),
      now: Date.now,
      deployment: deploymentOf(env),
      latestTtlMs: config.replication.poll_interval,
    }),
    state: cacheState(content, app.site, store),
  };
}

function current(env: Env): Promise<Instance> {
  instance ??= build(env).then(
    (running) => (built = running),
    (error: unknown) => {
      // A broken configuration is reported on every request until it is fixed, not cached.
      instance = undefined;
      throw error;
    },
  );
  return instance;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    try {
      const route = cacheRoute(request);
      if (route && !built) {
        // Load in the background; meanwhile another isolate's newest copy, if one is fresh.
        const loading = current(env);
        ctx.waitUntil(loading.catch(() => undefined));
        const stale = await staleAnswer(route, defaultCache(), deploymentOf(env));
        if (stale) return stale;
      }
      const running = await current(env);
      // What outlives the answer (a write's deliveries beyond its quorum, late loads, hints) runs
      // inside this request: workerd cancels I/O nobody waits for once the answer is sent.
      ctx.waitUntil(running.store.settle());
      if (Date.now() - running.lastPoll >= running.pollIntervalMs) {
        running.lastPoll = Date.now();
        ctx.waitUntil(Promise.all([running.store.pollOnce(), running.store.checkHealth()]));
      }
      if (route)
        return await running.edge.serve(route, request, running.state(), ctx, async (forwarded) =>
          running.app.fetch(forwarded, env, ctx as never),
        );
      const response = await running.app.fetch(request, env, ctx as never);
      // A write may have enqueued messages: deliver them after the answer, not before it.
      if (request.method !== 'GET' && request.method !== 'HEAD')
        ctx.waitUntil(running.outbox.runOnce());
      return response;
    } catch (error) {
      if (error instanceof ConfigError) {
        return new Response(`${error.message}\n`, {
          status: 500,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });
      }
      throw error;
    }
  },

  async scheduled(_event: unknown, env: Env, ctx: ExecutionContext): Promise<void> {
    const running = await current(env);
    ctx.waitUntil(
      Promise.all([
        running.store.syncOnce(),
        running.store.flushHints(),
        // Retries and the clock's maintenance transitions happen no more often than the cron runs.
        // Cluster health on the clock too (escalations, silent clusters, day records), then deliveries.
        running.store
          .pollOnce()
          .then(() => running.tick())
          .then(() => running.outbox.runOnce()),
      ]),
    );
  },
};
