/**
 * Everything people and feed readers look at, mounted by createApp with one line: the public
 * pages, the feeds, the badges and the admin UI. They share one Site (render cache, storage
 * watch, rendered theme) per app.
 */
import { Hono } from 'hono';
import { adminUi } from '../admin/routes.tsx';
import { badgeRoutes } from '../badges.ts';
import { feedRoutes } from '../feeds.ts';
import { notFoundPage, publicPages, unsubscribePage } from './routes.tsx';
import type { PageDeps } from './site.ts';

export function pageSurfaces(deps: PageDeps): Hono {
  const app = new Hono();
  app.route('/', publicPages(deps));
  app.route('/', feedRoutes(deps));
  app.route('/', badgeRoutes(deps));
  app.route('/', adminUi(deps));
  return app;
}

export { notFoundPage, unsubscribePage };
export type { PageDeps } from './site.ts';
