/**
 * One incident's page and its changes that are not edits: posting an update, resolving,
 * notifying again and deleting. A refused change shows the page again with what was typed and why.
 */
import { Hono } from 'hono';
import {
  addMessage,
  deleteIncident,
  requestNotification,
  resolveIncident,
} from '../../../domain/incidents.ts';
import { incidentRole } from '../../../domain/status.ts';
import { isOpenState, type Incident } from '../../../domain/types.ts';
import type { Notice } from '../../site/layout.tsx';
import { incidentView, type ModelContext } from '../../site/page-model.ts';
import { html, sendHtml } from '../../site/site.ts';
import type { AdminContext, AdminEnv, AdminRequest } from '../context.ts';
import { changeOr, storageDown } from '../failure.ts';
import type { Preview } from '../fields.tsx';
import { formBody, str } from '../form-body.ts';
import { fieldErrorsFrom, listHref, modeOf, type FieldErrors } from '../incident-form.ts';
import { withIncident } from '../incident-lookup.tsx';
import { previewOf } from '../preview.ts';
import {
  emptyUpdate,
  readUpdateForm,
  updateMessage,
  type UpdateFormValues,
} from '../update-form.ts';
import { IncidentDetailPage } from './incident-detail.view.tsx';

type UpdateForm = { values: UpdateFormValues; errors: FieldErrors; preview?: Preview };
const blank = (): UpdateForm => ({ values: emptyUpdate(), errors: {} });

export function incidentDetail(admin: AdminContext): Hono<AdminEnv> {
  const { site } = admin;
  const app = new Hono<AdminEnv>();

  const detailPage = async (
    c: AdminRequest,
    incident: Incident,
    update: UpdateForm,
    status = 200,
    notices: Notice[] = [],
  ) => {
    const base = await admin.page(c, notices);
    const ctx: ModelContext = { view: site.view(), now: base.now, fmt: base.fmt };
    const v = incidentView(incident, ctx, incidentRole(incident, ctx.view, ctx.now));
    return sendHtml(
      c,
      html(
        <IncidentDetailPage
          {...base}
          guid={incident.guid}
          incident={v}
          mode={modeOf(incident)}
          open={isOpenState(incident.state)}
          metadata={incident.metadata.map((m) => ({ key: m.key, value: m.value }))}
          update={update}
        />,
      ),
      status,
    );
  };
  const done = (c: AdminRequest, incident: Incident, what: string) =>
    c.redirect(`/admin/incidents/${encodeURIComponent(incident.guid)}?done=${what}`, 303);

  app.get(
    '/admin/incidents/:id',
    withIncident(admin, (c, incident) => detailPage(c, incident, blank())),
  );

  app.post(
    '/admin/incidents/:id/updates',
    withIncident(admin, async (c, incident) => {
      const body = await formBody(c);
      const values = readUpdateForm(body);
      if (str(body, 'intent', 20) === 'preview')
        return detailPage(c, incident, { values, errors: {}, preview: previewOf(values) });
      const message = updateMessage(incident, values);
      if (!message.ok) return detailPage(c, incident, { values, errors: message.errors }, 400);
      return changeOr(
        async () => {
          await addMessage(site.domain(), admin.actor(c), incident.guid, message.value);
          return done(c, incident, 'posted');
        },
        {
          invalid: (problems) =>
            detailPage(c, incident, { values, errors: fieldErrorsFrom(problems) }, 400),
          refused: (error) =>
            detailPage(c, incident, { values, errors: { general: error.message } }, 412),
          unavailable: () =>
            detailPage(
              c,
              incident,
              {
                values,
                errors: {
                  general:
                    'Storage is unavailable, so the update was not posted. Your text is kept below.',
                },
              },
              503,
            ),
        },
      );
    }),
  );

  app.post(
    '/admin/incidents/:id/resolve',
    withIncident(admin, async (c, incident) => {
      const message = str(await formBody(c, { all: false }), 'message').trim();
      return changeOr(
        async () => {
          await resolveIncident(
            site.domain(),
            admin.actor(c),
            incident.guid,
            message ? { title: '', content: message } : undefined,
          );
          return done(c, incident, 'resolved');
        },
        {
          unavailable: () => detailPage(c, incident, blank(), 503, [storageDown('Not resolved.')]),
          refused: (error) =>
            detailPage(c, incident, blank(), 400, [
              { tone: 'error', title: 'Not resolved.', text: error.message },
            ]),
        },
      );
    }),
  );

  app.post(
    '/admin/incidents/:id/notify',
    withIncident(admin, async (c, incident) => {
      await formBody(c, { all: false });
      return changeOr(
        async () => {
          const queued = await requestNotification(site.domain(), admin.actor(c), incident.guid);
          return done(c, incident, queued > 0 ? 'notified' : 'notified_none');
        },
        {
          unavailable: () => detailPage(c, incident, blank(), 503, [storageDown('Not notified.')]),
        },
      );
    }),
  );

  app.post(
    '/admin/incidents/:id/delete',
    withIncident(admin, async (c, incident) => {
      if (str(await formBody(c, { all: false }), 'confirm', 10) !== 'yes') {
        return detailPage(c, incident, blank(), 400, [
          { tone: 'error', title: 'Not deleted.', text: 'Tick the box to confirm the deletion.' },
        ]);
      }
      return changeOr(
        async () => {
          await deleteIncident(site.domain(), admin.actor(c), incident.guid);
          return c.redirect(`${listHref(modeOf(incident))}?done=deleted`, 303);
        },
        {
          unavailable: () => detailPage(c, incident, blank(), 503, [storageDown('Not deleted.')]),
          refused: (error) =>
            detailPage(c, incident, blank(), 412, [
              { tone: 'error', title: 'Not deleted.', text: error.message },
            ]),
        },
      );
    }),
  );

  return app;
}
