/**
 * The three incident APIs and the OpenAPI document, mounted by createApp with one line:
 * statusetat-compatible `/v1/`, the Statuspage public API `/api/v2/`, and the native `/api/v1/`.
 */
import { Hono } from 'hono';
import { apiDeps, type ApiServices } from './api-deps.ts';
import { nativeApi } from './native/index.ts';
import { openApiRoute } from './openapi.ts';
import { statuspageApi } from './statuspage/index.ts';
import type { PageDeps } from './site/site.ts';
import { statusetatApi } from './statusetat/routes.ts';

/** `pages`: the app's Site, for the HTML answers of `/v1` links opened in a browser. */
export function incidentApis(services: ApiServices & { version: string; pages: PageDeps }): Hono {
  const deps = apiDeps(services);
  const app = new Hono();
  app.route('/', statusetatApi(deps, services.pages));
  app.route('/', statuspageApi(deps));
  app.route('/', nativeApi(deps));
  app.route(
    '/',
    openApiRoute({ version: services.version, serverUrl: services.config.base_info.base_url }),
  );
  return app;
}
