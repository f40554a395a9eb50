/**
 * The Node entry: build drivers, the replicator and the app from a config, serve them with
 * @hono/node-server, and shut down cleanly on SIGTERM/SIGINT.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, upgradeWebSocket, type ServerType } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { buildApp } from '../app.ts';
import { processMetrics } from './prom-metrics.ts';
import { installNodeCompression } from './compress-node.ts';
import { createHotPath, hotServer } from './hot-path.ts';
import type { Config } from '../config/parse.ts';
import type { Logger } from '../logger.ts';
import type { StorageDriver } from '../../storage-drivers/types.ts';
import {
  createReplicator,
  type Replicator,
  type ReplicatorOptions,
} from '../replication/replicator.ts';
import { NOTIFIER_DEFINITIONS } from '../../notifiers/index.ts';
import { subscriptionLinks } from '../http/subscription-links.ts';
import { createOutbox } from '../notify/outbox.ts';
import { resolveHost } from '../../notifiers/dns-resolve.node.ts';
import { createNodeLogger } from './node-logger.ts';
import { nodeDrivers } from './registry.node.ts';
import { replicationOptions } from './replication-options.ts';
import { prepareMirrors } from './mirrors.ts';
import { fileSnapshotStore } from './snapshot-file.ts';
import type { EarlyStart } from './early-server.ts';
import { StartAnswers } from './start-answers.ts';
import { testClock } from './test-clock.ts';
import { VERSION } from './version.ts';

export interface RunningServer {
  url: string;
  port: number;
  replicator: Replicator;
  close(): Promise<void>;
}

export interface ConfiguredReplicator {
  replicator: Replicator;
  drivers: StorageDriver[];
}

export function createReplicatorFromConfig(
  config: Config,
  logger: Logger,
  overrides: Partial<ReplicatorOptions> = {},
): ConfiguredReplicator {
  // Drivers exist before the replicator, so their bad-record reports are routed through it late.
  const drivers: StorageDriver[] = config.targets.map((target) => {
    const driver: StorageDriver = nodeDrivers.create(target, {
      onBadRecord: (bad) => replicator.reportBadRecord(driver.location, bad),
    });
    return driver;
  });
  const replicator: Replicator = createReplicator({
    drivers,
    ...replicationOptions(config),
    logger,
    ...overrides,
  });
  return { replicator, drivers };
}

/** What a worker of serve.workers > 1 changes (src/runtime/serve-cluster-worker.ts). */
export interface ServeHooks {
  /** The store the app, the outbox and the mirrors use, wrapped around the replicator. */
  store?: (replicator: Replicator) => Replicator;
}

export async function startNodeServer(
  config: Config,
  options: { logger?: Logger; source?: string; early?: EarlyStart } = {},
  hooks: ServeHooks = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createNodeLogger(config.log);
  const start = options.early && new StartAnswers(config, options.early, logger, Date.now);
  if (config.generated.credentials) {
    logger.warn(
      {},
      'username/password are not set: a random password was generated and is not shown, so admin sign-in and API writes with Basic auth are unusable until you set them',
    );
  }
  if (config.generated.cookieKey)
    logger.warn(
      {},
      'cookie_key is not set: signed cookies will not survive a restart or work across replicas',
    );

  // Only the server keeps a snapshot: `staunch sync` and `targets check` serve nothing. The
  // targets load once the server listens with the front page rendered from the snapshot.
  let served!: () => void;
  const loadAfter = new Promise<void>((resolve) => (served = resolve));
  const { replicator, drivers } = createReplicatorFromConfig(
    config,
    logger,
    config.snapshot === false
      ? {}
      : {
          snapshot:
            start?.store(fileSnapshotStore(config.snapshot)) ?? fileSnapshotStore(config.snapshot),
          loadAfter,
        },
  );
  const store = hooks.store?.(replicator) ?? replicator;
  // Before start: the mirrors follow the state rev from the first record loaded.
  const mirrors = config.mirror.length > 0 ? prepareMirrors(config, store, logger) : undefined;
  // Serve at once: the view fills as targets answer, and pages never wait for a slow target.
  void replicator.start();
  // Except for the local snapshot: the first answer is then the last known state, not "unknown".
  await replicator.restored;
  const now = testClock(process.env, logger) ?? Date.now;
  // Delivery runs beside the server, never inside a request: a slow receiver delays no answer.
  const outbox = createOutbox({
    config,
    store,
    definitions: NOTIFIER_DEFINITIONS,
    links: subscriptionLinks(config),
    logger,
    now,
    instance: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  });
  await outbox.start();
  // Pages and API documents are offered as brotli and gzip, each compressed once per rendering.
  installNodeCompression();
  const built = buildApp({
    config,
    store,
    logger,
    startedAt: new Date(),
    version: VERSION,
    now,
    notifications: outbox.service,
    // The restart status stream's WebSocket (GET /api/v1/service/status).
    upgradeWebSocket,
    ...(config.metrics.enabled ? { processMetrics: processMetrics() } : {}),
    // Webhook subscribers' hosts are resolved and refused when private (subscriptions.webhooks).
    subscriptions: { resolveHost },
  });
  const app = built.app;
  start?.attach(built.site);
  await start?.beforeListen(app.fetch);
  mirrors?.start(built);
  // Escalations due without a new snapshot (status-service's error_after) and the retention collector.
  const healthTimer = setInterval(() => {
    built.health
      .tick()
      .catch((error: unknown) =>
        logger.warn({ err: { message: (error as Error).message } }, 'cluster health tick failed'),
      );
  }, 30_000);
  healthTimer.unref();
  // Bound components on the clock: a silent cluster turns them degraded, a state change writes its day record.
  const componentTimer = setInterval(() => {
    built.monitor
      .tick()
      .catch((error: unknown) =>
        logger.warn({ err: { message: (error as Error).message } }, 'component health tick failed'),
      );
  }, 5_000);
  componentTimer.unref();

  const hot = createHotPath();
  const server = await new Promise<ServerType>((resolve, reject) => {
    const tls = config.tls;
    const started = serve(
      {
        // Plain GETs of recorded pages and API documents are answered before Hono (./hot-path.ts).
        fetch: hot.fetch(app.fetch),
        hostname: config.listen.host,
        port: start?.listenOn(config.listen.port) ?? config.listen.port,
        websocket: { server: new WebSocketServer({ noServer: true }) },
        ...hotServer(
          hot,
          tls && { cert: readFileSync(tls.cert_file), key: readFileSync(tls.key_file) },
        ),
      },
      () => {
        start?.handOver(started as Server);
        resolve(started);
      },
    );
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  const url = `${config.tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  logger.info(
    { url, config: options.source, targets: replicator.targets().map((t) => t.location) },
    'staunch is serving',
  );
  // The front page rendered once now, into the render cache, before the targets' loads begin.
  void Promise.resolve(app.request(`${url}/`))
    .then((response) => response.body?.cancel())
    .catch(() => undefined)
    .finally(served);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info({}, 'shutting down');
      clearInterval(healthTimer);
      clearInterval(componentTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open; idle ones can go now.
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
      await mirrors?.stop();
      // Sends in flight are aborted and recorded as attempts, so another instance retries them.
      await outbox.stop();
      await replicator.stop();
      await Promise.all(drivers.map((driver) => driver.close().catch(() => undefined)));
    })());
  return { url, port, replicator, close };
}
