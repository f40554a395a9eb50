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
}

let instance: Promise<Instance> | undefined;

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
    drivers: config.targets.map((target) => workerDrivers.create(target)),
    ...replicationOptions(config),
    pollIntervalMs: 0,
    healthIntervalMs: 0,
    syncIntervalMs: 0,
    logger,
  });
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
  const built = buildApp({
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
    app: built.app,
    tick: built.tick,
    store,
    outbox,
    pollIntervalMs: config.replication.poll_interval,
    lastPoll: Date.now(),
  };
}

function current(env: Env): Promise<Instance> {
  instance ??= build(env).catch((error: unknown) => {
    // A broken configuration is reported on every request until it is fixed, not cached.
    instance = undefined;
    throw error;
  });
  return instance;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    try {
      const running = await current(env);
      if (Date.now() - running.lastPoll >= running.pollIntervalMs) {
        running.lastPoll = Date.now();
        ctx.waitUntil(Promise.all([running.store.pollOnce(), running.store.checkHealth()]));
      }
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
