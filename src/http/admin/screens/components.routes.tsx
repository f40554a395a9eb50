/**
 * Manual component states: set (with a note) and cleared with plain forms. A manual state
 * counts like an open incident from when it is set until it is changed or cleared.
 */
import { Hono } from 'hono';
import { clearComponentOverride, setComponentOverride } from '../../../domain/components.ts';
import { componentStatuses } from '../../../domain/status.ts';
import { instant, isZeroTime } from '../../../domain/time.ts';
import type { ComponentState } from '../../../domain/types.ts';
import type { Notice } from '../../site/layout.tsx';
import { html, sendHtml } from '../../site/site.ts';
import type { AdminContext, AdminEnv, AdminRequest } from '../context.ts';
import { changeOr, storageDown } from '../failure.ts';
import { formBody, str } from '../form-body.ts';
import { ComponentsPage, type ComponentOverrideRow } from './components.view.tsx';

/** What was typed into one component's form, and why it was refused. */
type OverrideDraft = { component: string; state: string; note: string; error: string };

const OVERRIDE_VALUES = ['1', '2', '3', '4'];

export function componentOverrides(admin: AdminContext): Hono<AdminEnv> {
  const { site } = admin;
  const app = new Hono<AdminEnv>();

  async function componentsPage(
    c: AdminRequest,
    draft?: OverrideDraft,
    status = 200,
    notices: Notice[] = [],
  ) {
    const base = await admin.page(c, notices);
    const view = site.view();
    const rows: ComponentOverrideRow[] = componentStatuses(view, base.now).map((s) => {
      const override = view.overrides.get(s.component.id);
      return {
        id: s.component.id,
        name: s.component.name,
        group: s.component.group,
        state: s.state,
        ...(override
          ? {
              override: {
                state: override.state,
                note: override.note,
                by: override.updated_by,
                since: isZeroTime(override.updated_at)
                  ? ''
                  : base.fmt.short(instant(override.updated_at), base.now),
              },
            }
          : {}),
        ...(draft?.component === s.component.id
          ? { draft: { state: draft.state, note: draft.note, error: draft.error } }
          : {}),
      };
    });
    return sendHtml(c, html(<ComponentsPage {...base} rows={rows} />), status);
  }

  app.get('/admin/components', (c) => componentsPage(c));

  app.post('/admin/components/override', async (c) => {
    const form = await formBody(c, { all: false });
    const component = str(form, 'component', 300);
    const draft = {
      component,
      state: str(form, 'state', 2),
      note: str(form, 'note', 2000),
      error: '',
    };
    if (!site.settings.components.some((x) => x.id === component))
      return componentsPage(c, undefined, 400, [
        { tone: 'error', title: 'Not saved.', text: 'That component is not in the configuration.' },
      ]);
    if (!OVERRIDE_VALUES.includes(draft.state))
      return componentsPage(c, { ...draft, error: 'Choose a status.' }, 400);
    return changeOr(
      async () => {
        await setComponentOverride(site.domain(), admin.actor(c), component, {
          state: Number(draft.state) as ComponentState,
          note: draft.note.trim(),
        });
        return c.redirect('/admin/components?done=override_set', 303);
      },
      {
        invalid: (problems) =>
          componentsPage(
            c,
            { ...draft, error: problems.map((p) => `${p.path}: ${p.message}`).join('; ') },
            400,
          ),
        unavailable: () =>
          componentsPage(
            c,
            {
              ...draft,
              error: 'Storage is unavailable, so the status was not set. Try again in a moment.',
            },
            503,
          ),
      },
    );
  });

  app.post('/admin/components/clear', async (c) => {
    const form = await formBody(c, { all: false });
    return changeOr(
      async () => {
        await clearComponentOverride(site.domain(), admin.actor(c), str(form, 'component', 300));
        return c.redirect('/admin/components?done=override_cleared', 303);
      },
      {
        // Already cleared (by someone else, or a second click): the page shows how things are.
        notFound: () => c.redirect('/admin/components', 303),
        unavailable: () => componentsPage(c, undefined, 503, [storageDown('Not cleared.')]),
      },
    );
  });

  return app;
}
