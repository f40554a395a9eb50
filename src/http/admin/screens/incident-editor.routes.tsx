/**
 * Reporting an incident, scheduling maintenance or reporting a known issue, and editing one.
 * The form model (`../incident-form.ts`) turns what was typed into the domain's input; a form
 * that fails, here or in the domain, comes back with everything typed and the errors next to
 * the fields. Registered before the incident page, so `/admin/incidents/new` is not an id.
 */
import { Hono } from 'hono';
import { createIncident, updateIncident } from '../../../domain/incidents.ts';
import type { Incident } from '../../../domain/types.ts';
import { html, sendHtml } from '../../site/site.ts';
import type { AdminContext, AdminEnv, AdminPage, AdminRequest } from '../context.ts';
import { changeOr } from '../failure.ts';
import type { ComponentChoice, Preview } from '../fields.tsx';
import { formBody, str } from '../form-body.ts';
import {
  defaultIncidentValues,
  fieldErrorsFrom,
  incidentInput,
  incidentPatch,
  incidentValues,
  modeFrom,
  modeOf,
  readIncidentForm,
  type FieldErrors,
  type IncidentFormValues,
  type IncidentMode,
} from '../incident-form.ts';
import { incidentNotFound, withIncident } from '../incident-lookup.tsx';
import { previewOf } from '../preview.ts';
import { IncidentFormPage } from './incident-editor.view.tsx';

const incidentHref = (guid: string, done?: string) =>
  `/admin/incidents/${encodeURIComponent(guid)}${done ? `?done=${done}` : ''}`;

export function incidentEditor(admin: AdminContext): Hono<AdminEnv> {
  const { site } = admin;
  const app = new Hono<AdminEnv>();

  const choices = (): ComponentChoice[] => {
    const groups = new Map<string, ComponentChoice>();
    for (const component of site.settings.components) {
      const group = groups.get(component.group) ?? { group: component.group, items: [] };
      group.items.push({ id: component.id, name: component.name });
      groups.set(component.group, group);
    }
    return [...groups.values()];
  };

  type Form = {
    base: AdminPage;
    mode: IncidentMode;
    action: string;
    incident?: Incident;
    silent?: boolean;
  };
  const formPage = (
    c: AdminRequest,
    form: Form,
    values: IncidentFormValues,
    errors: FieldErrors = {},
    status = 200,
    p?: Preview,
  ) =>
    sendHtml(
      c,
      html(
        <IncidentFormPage
          {...form.base}
          mode={form.mode}
          {...(form.incident ? { guid: form.incident.guid } : {})}
          action={form.action}
          values={values}
          errors={errors}
          preview={p}
          choices={choices()}
          silent={form.silent ?? false}
        />,
      ),
      status,
    );

  app.get('/admin/incidents/new', async (c) => {
    const base = await admin.page(c);
    const mode = modeFrom(
      c.req.query('mode') ?? (c.req.query('persistent') ? 'persistent' : 'incident'),
    );
    return formPage(
      c,
      { base, mode, action: '/admin/incidents/new' },
      defaultIncidentValues(mode, base.fmt, base.now),
    );
  });
  // statusetat's add pages
  app.get('/admin/incident/add', (c) =>
    c.redirect(
      `/admin/incidents/new?mode=${c.req.query('persistent') ? 'persistent' : 'incident'}`,
      301,
    ),
  );
  app.get('/admin/maintenance/add', (c) =>
    c.redirect('/admin/incidents/new?mode=maintenance', 301),
  );

  app.post('/admin/incidents/new', async (c) => {
    const base = await admin.page(c);
    const body = await formBody(c);
    const form: Form = {
      base,
      mode: modeFrom(str(body, 'mode', 20)),
      action: '/admin/incidents/new',
    };
    const values = readIncidentForm(body);
    if (str(body, 'intent', 20) === 'preview')
      return formPage(c, form, values, {}, 200, previewOf(values));
    const input = incidentInput(values, form.mode, {
      zone: base.zone.name,
      fmt: base.fmt,
      now: base.now,
    });
    if (!input.ok) return formPage(c, form, values, input.errors, 400);
    return changeOr(
      async () => {
        const incident = await createIncident(site.domain(), admin.actor(c), input.value);
        return c.redirect(incidentHref(incident.guid, 'created'), 303);
      },
      {
        invalid: (problems) => formPage(c, form, values, fieldErrorsFrom(problems), 400),
        // A notifier's pre-check (a plugin) refused the change: nothing was written.
        refused: (error) => formPage(c, form, values, { general: error.message }, 412),
        unavailable: () =>
          formPage(
            c,
            form,
            values,
            {
              general:
                'Storage is unavailable, so nothing was saved. Your text is kept below; try again in a moment.',
            },
            503,
          ),
      },
    );
  });

  app.get(
    '/admin/incidents/:id/edit',
    withIncident(admin, async (c, incident) => {
      const base = await admin.page(c);
      return formPage(
        c,
        { base, mode: modeOf(incident), action: `${incidentHref(incident.guid)}/edit`, incident },
        incidentValues(incident, base.fmt),
      );
    }),
  );
  app.get('/admin/incident/edit/:id', (c) =>
    c.redirect(`${incidentHref(c.req.param('id'))}/edit`, 301),
  );
  app.get('/admin/maintenance/edit/:id', (c) =>
    c.redirect(`${incidentHref(c.req.param('id'))}/edit`, 301),
  );

  app.post(
    '/admin/incidents/:id/edit',
    withIncident(admin, async (c, incident) => {
      const base = await admin.page(c);
      const form: Form = {
        base,
        mode: modeOf(incident),
        action: `${incidentHref(incident.guid)}/edit`,
        incident,
      };
      const body = await formBody(c);
      const values = readIncidentForm(body);
      form.silent = str(body, 'silent', 5) === 'yes';
      if (str(body, 'intent', 20) === 'preview')
        return formPage(c, form, values, {}, 200, previewOf(values));
      const patch = incidentPatch(incident, values, { zone: base.zone.name, fmt: base.fmt });
      if (!patch.ok) return formPage(c, form, values, patch.errors, 400);
      return changeOr(
        async () => {
          await updateIncident(site.domain(), admin.actor(c), incident.guid, patch.value, {
            silent: form.silent,
          });
          return c.redirect(incidentHref(incident.guid, 'updated'), 303);
        },
        {
          invalid: (problems) => formPage(c, form, values, fieldErrorsFrom(problems), 400),
          // A notifier's pre-check (a plugin) refused the change: nothing was written.
          refused: (error) => formPage(c, form, values, { general: error.message }, 412),
          notFound: () => incidentNotFound(admin, c),
          unavailable: () =>
            formPage(
              c,
              form,
              values,
              {
                general:
                  'Storage is unavailable, so nothing was saved. Your changes are kept below; try again in a moment.',
              },
              503,
            ),
        },
      );
    }),
  );

  return app;
}
