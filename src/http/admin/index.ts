/**
 * The admin UI under `/admin/`, mounted by the pages with `adminUi(deps)`. Every change goes
 * through the domain's mutation functions with the signed-in user as the actor (so it lands in
 * the audit log), and every form post passes two CSRF checks: same origin and the session's
 * token (`guard.tsx`).
 *
 * Adding a screen (outbox, clusters, restarts, ...) is one more pair of files in `screens/`:
 * - `<name>.view.tsx`: the page, drawn inside `AdminLayout` (`shell.tsx`, where the section
 *   joins the navigation), its forms carrying `<Csrf>`;
 * - `<name>.routes.tsx`: `export function <name>(admin: AdminContext): Hono<AdminEnv>`, its
 *   pages framed by `admin.page(c)`, its changes run through `changeOr` (`failure.ts`) so a
 *   refused or unsaved change shows a page, not an error;
 * then one line in SCREENS below. Screens are mounted in order, behind the session guard; a
 * screen whose fixed paths look like another's `:id` routes goes before it.
 */
import { Hono } from 'hono';
import type { PageDeps } from '../site/site.ts';
import { createAdminContext, type AdminContext, type AdminEnv } from './context.ts';
import { fromThisSite, requireSession } from './guard.tsx';
import { clusters } from './screens/clusters.routes.tsx';
import { clusterHealth } from './screens/cluster-health.routes.tsx';
import { componentOverrides } from './screens/components.routes.tsx';
import { incidentDetail } from './screens/incident-detail.routes.tsx';
import { incidentEditor } from './screens/incident-editor.routes.tsx';
import { incidentLists } from './screens/incident-list.routes.tsx';
import { outbox } from './screens/outbox.routes.tsx';
import { restarts } from './screens/restarts.routes.tsx';
import { signIn, signOut } from './screens/sign-in.routes.tsx';
import { storage } from './screens/storage.routes.tsx';
import { subscribers } from './screens/subscribers.routes.tsx';

type Screen = (admin: AdminContext) => Hono<AdminEnv>;

/** The screens behind the session guard; `incidentEditor` before `incidentDetail` (`/admin/incidents/new`). */
const SCREENS: readonly Screen[] = [
  signOut,
  incidentLists,
  incidentEditor,
  incidentDetail,
  componentOverrides,
  subscribers,
  clusterHealth,
  clusters,
  outbox,
  restarts,
  storage,
];

/** statusetat's admin addresses, which keep working whether or not one is signed in. */
function statusetatAddresses(): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.get('/admin/dashboard', (c) => c.redirect('/admin/', 301));
  app.get('/admin/incident', (c) => c.redirect('/admin/', 301));
  app.get('/admin/persistent_incident', (c) => c.redirect('/admin/known-issues', 301));
  app.get('/admin/info', (c) => c.redirect('/admin/storage', 301));
  return app;
}

export function adminUi(deps: PageDeps): Hono<AdminEnv> {
  const admin = createAdminContext(deps);
  const app = new Hono<AdminEnv>();
  app.use('/admin/*', fromThisSite());
  app.route('/', statusetatAddresses());
  app.route('/', signIn(admin));
  app.use('/admin/*', requireSession(admin));
  for (const screen of SCREENS) app.route('/', screen(admin));
  return app;
}
