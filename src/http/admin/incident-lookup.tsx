/** The incident a `/admin/incidents/:id…` route is about, or the admin's "not found" page. */
import type { Incident } from '../../domain/types.ts';
import { html, sendHtml } from '../site/site.ts';
import type { AdminContext, AdminRequest } from './context.ts';
import { AdminMessagePage } from './shell.tsx';

export async function incidentNotFound(admin: AdminContext, c: AdminRequest): Promise<Response> {
  const base = await admin.page(c);
  return sendHtml(
    c,
    html(
      <AdminMessagePage
        {...base}
        current="incidents"
        heading="Not found"
        text="There is no incident, maintenance or known issue with this id. It may have been deleted."
      />,
    ),
    404,
  );
}

/** A handler for the incident of the route's `:id`, answering 404 when there is none. */
export const withIncident =
  (admin: AdminContext, handler: (c: AdminRequest, incident: Incident) => Promise<Response>) =>
  (c: AdminRequest): Promise<Response> => {
    const incident = admin.site.view().byGuid.get(c.req.param('id') ?? '');
    return incident ? handler(c, incident) : incidentNotFound(admin, c);
  };
