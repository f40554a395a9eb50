/**
 * The Cloudflare Workers entry. The configuration is YAML text in the STAUNCH_CONFIG binding;
 * the other bindings are the environment for its ${...} references. One app per isolate, built
 * on the first request and kept while the isolate lives.
 */
import type { Hono } from 'hono';
import { createApp } from '../app.ts';
import { ConfigError, parseConfig } from '../config/parse.ts';
import { consoleLogger } from '../logger.ts';
import { createReplicator } from '../replication/replicator.ts';
import { workerDrivers } from './registry.worker.ts';
import { replicationOptions } from './replication-options.ts';
import { VERSION } from './version.ts';

type Env = Record<string, string | undefined> & { STAUNCH_CONFIG?: string };

let app: Promise<Hono> | undefined;

async function build(env: Env): Promise<Hono> {
  const config = parseConfig(env.STAUNCH_CONFIG ?? '', { env, knownSchemes: workerDrivers.schemes, source: 'STAUNCH_CONFIG' });
  const logger = consoleLogger(config.log.level === 'debug' || config.log.level === 'trace' ? 'debug' : 'info');
  const store = createReplicator({ drivers: config.targets.map((target) => workerDrivers.create(target)), ...replicationOptions(config), logger });
  await store.start();
  return createApp({ config, store, logger, startedAt: new Date(), version: VERSION });
}

export default {
  async fetch(request: Request, env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }): Promise<Response> {
    try {
      app ??= build(env);
      return await (await app).fetch(request, env, ctx as never);
    } catch (error) {
      if (error instanceof ConfigError) {
        app = undefined;
        return new Response(`${error.message}\n`, { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
      }
      throw error;
    }
  },
};
