/**
 * createApp(services): the one Hono app both runtimes serve. It imports only hono, web
 * standards and our own layers; the runtime entries decide which drivers exist.
 */
import { Hono } from 'hono';
import type { Config } from './config/parse.ts';
import { ApiError, errorBody, respondWithError } from './http/errors.ts';
import { healthRoutes } from './http/health.ts';
import { incidentApis } from './http/incident-apis.ts';
import { pageSurfaces } from './http/pages/index.ts';
import type { Logger } from './logger.ts';
import type { RecordStore } from './replication/types.ts';

export interface AppServices {
  config: Config;
  store: RecordStore;
  logger: Logger;
  startedAt: Date;
  version: string;
}

export function createApp(services: AppServices): Hono {
  const app = new Hono();
  app.route('/', healthRoutes({ targets: () => services.store.targets(), startedAt: services.startedAt, version: services.version }));
  app.route('/', pageSurfaces({ config: services.config, store: services.store, logger: services.logger }));
  app.route('/', incidentApis(services));

  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return respondWithError(c, error);
    services.logger.error({ err: { message: error.message, stack: error.stack }, path: c.req.path }, 'unhandled error');
    return c.json(errorBody('internal', 'internal error; the details are in the server log'), 500);
  });
  return app;
}
