/**
 * The three lists: incidents (the admin home), maintenance and known issues, each filtered by
 * state, component and text and paged. They differ only in which incidents they hold and what
 * they call them, so one screen serves the three.
 */
import { Hono } from 'hono';
import { instant } from '../../../domain/time.ts';
import { isOpenState, type Incident } from '../../../domain/types.ts';
import { incidentView, type ModelContext } from '../../site/page-model.ts';
import { html, sendHtml } from '../../site/site.ts';
import type { AdminContext, AdminEnv, AdminRequest } from '../context.ts';
import { modeOf } from '../incident-form.ts';
import { paginate } from '../paginate.ts';
import { IncidentListPage, type IncidentRow } from './incident-list.view.tsx';

type ListSection = 'incidents' | 'maintenance' | 'persistent';

const inSection: Record<ListSection, (i: Incident) => boolean> = {
  incidents: (i) => !i.is_scheduled && !i.persistent,
  maintenance: (i) => i.is_scheduled && !i.persistent,
  persistent: (i) => i.persistent,
};

function rows(incidents: readonly Incident[], ctx: ModelContext): IncidentRow[] {
  return incidents.map((incident) => {
    const v = incidentView(incident, ctx);
    return {
      guid: incident.guid,
      titleHtml: v.titleHtml,
      status: v.status,
      open: v.open,
      impact: incident.component_state,
      kind: modeOf(incident),
      components: v.components,
      start: v.start.text,
      end: v.kind === 'maintenance' ? v.end?.text : undefined,
      updated: ctx.fmt.short(instant(incident.updated_at), ctx.now),
    };
  });
}

export function incidentLists(admin: AdminContext): Hono<AdminEnv> {
  const { site, persistentName } = admin;
  const app = new Hono<AdminEnv>();

  const listPage = async (c: AdminRequest, section: ListSection) => {
    const base = await admin.page(c);
    const view = site.view();
    const ctx: ModelContext = { view, now: base.now, fmt: base.fmt };
    const status = c.req.query('status') ?? 'all';
    const component = c.req.query('component') ?? '';
    const q = (c.req.query('q') ?? '').trim().toLowerCase().slice(0, 200);
    let items = view.incidents.filter(inSection[section]);
    if (status === 'open') items = items.filter((i) => isOpenState(i.state));
    if (status === 'resolved') items = items.filter((i) => !isOpenState(i.state));
    if (component) items = items.filter((i) => i.components.includes(component));
    if (q)
      items = items.filter((i) =>
        i.messages.some(
          (m) => m.title.toLowerCase().includes(q) || m.content.toLowerCase().includes(q),
        ),
      );
    const { slice, page } = paginate(c, items);
    const labels = {
      incidents: 'Incidents',
      maintenance: 'Maintenance',
      persistent: persistentName,
    } as const;
    return sendHtml(
      c,
      html(
        <IncidentListPage
          {...base}
          section={section}
          heading={labels[section]}
          newHref={`/admin/incidents/new?mode=${section === 'incidents' ? 'incident' : section}`}
          newLabel={
            section === 'maintenance'
              ? 'Schedule maintenance'
              : section === 'persistent'
                ? `Report a ${persistentName.toLowerCase()}`
                : 'Report an incident'
          }
          rows={rows(slice, ctx)}
          filters={{
            status,
            component,
            q,
            choices: site.settings.components.map((x) => ({
              id: x.id,
              label: x.group ? `${x.group} › ${x.name}` : x.name,
            })),
          }}
          page={page}
        />,
      ),
    );
  };

  app.get('/admin', (c) => c.redirect('/admin/', 301));
  app.get('/admin/', (c) => listPage(c, 'incidents'));
  app.get('/admin/maintenance', (c) => listPage(c, 'maintenance'));
  app.get('/admin/known-issues', (c) => listPage(c, 'persistent'));
  return app;
}
