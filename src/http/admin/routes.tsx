/**
 * The admin UI under `/admin/`: sign in, incidents, maintenance, known issues, subscribers and
 * storage targets. Every change goes through the domain's mutation functions with the signed-in
 * user as the actor (so it lands in the audit log), and every form post must pass two CSRF
 * checks: same origin (hono/csrf) and the session's token.
 */
import { Hono, type Context } from 'hono';
import { DomainError, type FieldProblem } from '../../domain/errors.ts';
import { addMessage, createIncident, deleteIncident, resolveIncident, updateIncident, type IncidentInput, type IncidentPatch } from '../../domain/incidents.ts';
import { clearComponentOverride, setComponentOverride } from '../../domain/components.ts';
import { componentStatuses, incidentRole, mainMessage } from '../../domain/status.ts';
import { listSubscribers, unsubscribe } from '../../domain/subscribers.ts';
import { formatInstant, instant, isZeroTime } from '../../domain/time.ts';
import { isOpenState, type Actor, type ComponentState, type Incident, type IncidentState } from '../../domain/types.ts';
import { QuorumError } from '../../replication/types.ts';
import {
  AdminMessagePage,
  ComponentsPage,
  IncidentDetailPage,
  IncidentFormPage,
  IncidentListPage,
  SignInPage,
  StoragePage,
  SubscribersPage,
  type AdminChrome,
  type AdminSection,
  type ComponentChoice,
  type ComponentOverrideRow,
  type FieldErrors,
  type FieldName,
  type IncidentFormValues,
  type IncidentMode,
  type IncidentRow,
  type Preview,
  type UpdateFormValues,
} from '../../views/admin.tsx';
import { parseLocal, timeFormat, type TimeFormat } from '../../views/format.ts';
import type { Notice } from '../../views/layout.tsx';
import { safeReturnPath } from '../../views/url.ts';
import { userAccount } from '../credential-throttle.ts';
import { clientAddress } from '../rate-limit.ts';
import { sameOrigin } from '../same-origin.ts';
import { incidentView, md, mdInline, type ModelContext } from '../pages/model.ts';
import { html, sendHtml, siteFor, type PageDeps, type Site } from '../pages/site.ts';
import { isSecureRequest, visitorZone, zoneCookie } from '../pages/zone.ts';
import { isSessionRevoked, revokeSession } from '../../domain/sessions.ts';
import { constantTimeEqual, credentialsMatch, LOGIN_COOKIE, Sessions, type Session } from './session.ts';

type Env = { Variables: { session: Session } };
type Form = Record<string, string | File | (string | File)[]>;

const PAGE_SIZE = 25;

function str(form: Form, name: string, max = 100_000): string {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.slice(0, max) : '';
}
function list(form: Form, name: string): string[] {
  const value = form[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.filter((v): v is string => typeof v === 'string').slice(0, 500);
}

/** Domain field paths (`messages[0].title`, `components[2]`, `scheduled_end`) to the form's fields. */
function fieldOf(path: string): FieldName {
  if (path.startsWith('components')) return 'components';
  if (/^messages(\[\d+\])?\.title$/.test(path)) return 'title';
  if (/^messages(\[\d+\])?\.content$/.test(path) || path === 'messages') return 'message';
  if (path === 'created_at' || /^messages(\[\d+\])?\.created_at$/.test(path)) return 'start';
  if (path === 'scheduled_end') return 'end';
  if (path === 'state') return 'state';
  if (path === 'component_state') return 'impact';
  return 'general';
}

function errorsFrom(problems: readonly FieldProblem[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const p of problems) {
    const field = fieldOf(p.path);
    const text = p.message.charAt(0).toUpperCase() + p.message.slice(1);
    errors[field] = errors[field] ? `${errors[field]} ${text}` : text;
  }
  return errors;
}

const isMode = (value: string): value is IncidentMode => value === 'incident' || value === 'maintenance' || value === 'persistent';
const modeOf = (incident: Incident): IncidentMode => (incident.persistent ? 'persistent' : incident.is_scheduled ? 'maintenance' : 'incident');
const listHref = (mode: IncidentMode) => (mode === 'maintenance' ? '/admin/maintenance' : mode === 'persistent' ? '/admin/known-issues' : '/admin/');

const DONE: Record<string, string> = {
  created: 'Published.',
  updated: 'Changes saved.',
  posted: 'Update posted.',
  resolved: 'Marked as resolved.',
  deleted: 'Deleted.',
  removed: 'Subscriber removed.',
  override_set: 'Manual status set.',
  override_cleared: 'Manual status cleared.',
  signed_in: 'Signed in.',
};

export function adminUi(deps: PageDeps): Hono<Env> {
  const site: Site = siteFor(deps);
  const { config } = site;
  const sessions = new Sessions(config.cookie_key, site.now, {
    isRevoked: (sid) => isSessionRevoked(site.domain(), sid),
    revoke: (sid, expiresAt) => revokeSession(site.domain(), sid, expiresAt),
  });
  const app = new Hono<Env>();
  const persistentName = (() => {
    const name = config.theme.persistent_display_name.trim() || 'persistent incident';
    return name.charAt(0).toUpperCase() + name.slice(1);
  })();

  const secure = (c: Context) => isSecureRequest(c, config.base_info.base_url);
  const forbidden = (c: Context) =>
    sendHtml(
      c,
      html(
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <title>Forbidden</title>
          </head>
          <body>
            <h1>Forbidden</h1>
            <p>This form did not come from this site, or it has expired. Go back, reload the page and try again.</p>
            <p>
              <a href="/admin/">Admin</a>
            </p>
          </body>
        </html>,
      ),
      403,
    );

  async function chrome(c: Context, session: Session, notices: Notice[] = []): Promise<AdminChrome & { fmt: TimeFormat; now: number }> {
    const zone = await visitorZone(c, config.cookie_key, config.base_info.time_zone);
    // The same one cookie as the public pages: a zone picked here (or detected) holds on every page.
    if (zone.remember) c.header('Set-Cookie', await zoneCookie(config.cookie_key, zone.zone, secure(c)), { append: true });
    const fmt = timeFormat(zone.zone);
    const now = site.now();
    const done = c.req.query('done');
    const all = [...notices];
    if (done && DONE[done]) all.unshift({ tone: 'ok', title: DONE[done]! });
    const down = site.storage.check();
    if (down !== null) all.unshift({ tone: 'warn', title: `Storage unreachable since ${fmt.short(down, now)}.`, text: 'Changes cannot be saved until a storage target is back.' });
    return {
      site: site.info,
      zone: { name: zone.zone, label: fmt.zoneName(now), chosen: zone.chosen },
      user: session.user,
      csrf: session.csrf,
      persistentName,
      notices: all,
      fmt,
      now,
    };
  }

  const choices = (): ComponentChoice[] => {
    const groups = new Map<string, ComponentChoice>();
    for (const component of site.settings.components) {
      const group = groups.get(component.group) ?? { group: component.group, items: [] };
      group.items.push({ id: component.id, name: component.name });
      groups.set(component.group, group);
    }
    return [...groups.values()];
  };

  const actorOf = (session: Session): Actor => ({ type: 'user', name: session.user });

  app.use('/admin/*', sameOrigin(forbidden));

  // statusetat's admin addresses keep working.
  app.get('/admin/dashboard', (c) => c.redirect('/admin/', 301));
  app.get('/admin/incident', (c) => c.redirect('/admin/', 301));
  app.get('/admin/persistent_incident', (c) => c.redirect('/admin/known-issues', 301));
  app.get('/admin/info', (c) => c.redirect('/admin/storage', 301));

  /* ----- Sign in ----- */

  const signInPage = async (c: Context, status: number, options: { username?: string; next?: string; error?: string } = {}) => {
    const challenge = await sessions.loginChallenge(secure(c));
    c.header('Set-Cookie', challenge.cookie, { append: true });
    const next = safeReturnPath(options.next ?? c.req.query('next'), '/admin/');
    return sendHtml(
      c,
      html(<SignInPage site={site.info} token={challenge.token} username={options.username ?? ''} next={next.startsWith('/admin') ? next : '/admin/'} {...(options.error ? { error: options.error } : {})} />),
      status,
    );
  };

  app.get('/admin/login', async (c) => {
    const session = await sessions.read(c, config.username);
    if (session) return c.redirect(safeReturnPath(c.req.query('next'), '/admin/'), 303);
    return signInPage(c, 200);
  });

  app.post('/admin/login', async (c) => {
    const form = (await c.req.parseBody()) as Form;
    const username = str(form, 'username', 200);
    const password = str(form, 'password', 1000);
    const next = str(form, 'next', 500);
    const address = clientAddress(c);
    const wait = site.limits.credentials.blockedFor(address);
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return signInPage(c, 429, { username, next, error: `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60_000)} minute${wait > 60_000 ? 's' : ''}.` });
    }
    if (!(await sessions.loginTokenValid(c, str(form, '_csrf', 200)))) {
      return signInPage(c, 403, { username, next, error: 'The sign-in form expired or did not come from this site. Please try again.' });
    }
    if (!(await credentialsMatch(config.cookie_key, { username: config.username, password: config.password }, { username, password }))) {
      site.limits.credentials.failed(address, userAccount(username));
      return signInPage(c, 401, { username, next, error: 'Wrong username or password.' });
    }
    site.limits.credentials.succeeded(address);
    const { cookie } = await sessions.create(config.username, secure(c));
    const headers = new Headers({ Location: safeReturnPath(next, '/admin/').startsWith('/admin') ? safeReturnPath(next, '/admin/') : '/admin/', 'Cache-Control': 'no-store' });
    headers.append('Set-Cookie', cookie);
    headers.append('Set-Cookie', `${LOGIN_COOKIE}=; Max-Age=0; Path=/admin; HttpOnly; SameSite=Strict`);
    return new Response(null, { status: 303, headers });
  });

  /* ----- Everything below needs a session, and posts need its CSRF token ----- */

  app.use('/admin/*', async (c, next) => {
    const session = await sessions.read(c, config.username);
    if (!session) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const url = new URL(c.req.url);
        return c.redirect(`/admin/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
      }
      return forbidden(c);
    }
    if (c.req.method === 'POST') {
      const form = (await c.req.parseBody({ all: true })) as Form;
      if (!constantTimeEqual(str(form, '_csrf', 200), session.csrf)) return forbidden(c);
    }
    c.set('session', session);
    await next();
  });

  app.post('/admin/logout', async (c) => {
    // If the storage cannot take the revocation, the cookie is still cleared in this browser.
    await sessions.revoke(c, c.get('session'), secure(c)).catch((error: unknown) => site.deps.logger.warn({ err: (error as Error).message }, 'sign-out not recorded in storage'));
    return c.redirect('/admin/login', 303);
  });

  /* ----- Lists ----- */

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

  function paginate<T>(c: Context, items: readonly T[]) {
    const number = Math.max(1, Math.min(Number.parseInt(c.req.query('page') ?? '1', 10) || 1, Math.max(1, Math.ceil(items.length / PAGE_SIZE))));
    const url = new URL(c.req.url);
    const at = (n: number) => {
      url.searchParams.set('page', String(n));
      return `${url.pathname}${url.search}`;
    };
    return {
      slice: items.slice((number - 1) * PAGE_SIZE, number * PAGE_SIZE),
      page: { number, total: items.length, ...(number > 1 ? { previous: at(number - 1) } : {}), ...(number * PAGE_SIZE < items.length ? { next: at(number + 1) } : {}) },
    };
  }

  const listPage = async (c: Context<Env>, section: 'incidents' | 'maintenance' | 'persistent') => {
    const base = await chrome(c, c.get('session'));
    const view = site.view();
    const ctx: ModelContext = { view, now: base.now, fmt: base.fmt };
    const status = c.req.query('status') ?? 'all';
    const component = c.req.query('component') ?? '';
    const q = (c.req.query('q') ?? '').trim().toLowerCase().slice(0, 200);
    let items = view.incidents.filter((i) => (section === 'persistent' ? i.persistent : section === 'maintenance' ? i.is_scheduled && !i.persistent : !i.is_scheduled && !i.persistent));
    if (status === 'open') items = items.filter((i) => isOpenState(i.state));
    if (status === 'resolved') items = items.filter((i) => !isOpenState(i.state));
    if (component) items = items.filter((i) => i.components.includes(component));
    if (q) items = items.filter((i) => i.messages.some((m) => m.title.toLowerCase().includes(q) || m.content.toLowerCase().includes(q)));
    const { slice, page } = paginate(c, items);
    const labels = { incidents: 'Incidents', maintenance: 'Maintenance', persistent: persistentName } as const;
    return sendHtml(
      c,
      html(
        <IncidentListPage
          {...base}
          section={section}
          heading={labels[section]}
          newHref={`/admin/incidents/new?mode=${section === 'incidents' ? 'incident' : section}`}
          newLabel={section === 'maintenance' ? 'Schedule maintenance' : section === 'persistent' ? `Report a ${persistentName.toLowerCase()}` : 'Report an incident'}
          rows={rows(slice, ctx)}
          filters={{ status, component, q, choices: site.settings.components.map((x) => ({ id: x.id, label: x.group ? `${x.group} › ${x.name}` : x.name })) }}
          page={page}
        />,
      ),
    );
  };

  app.get('/admin', (c) => c.redirect('/admin/', 301));
  app.get('/admin/', (c) => listPage(c, 'incidents'));
  app.get('/admin/maintenance', (c) => listPage(c, 'maintenance'));
  app.get('/admin/known-issues', (c) => listPage(c, 'persistent'));

  /* ----- Create and edit ----- */

  function readForm(form: Form): IncidentFormValues {
    return {
      title: str(form, 'title', 1000),
      message: str(form, 'message'),
      components: list(form, 'components'),
      impact: str(form, 'impact', 2),
      state: str(form, 'state', 2),
      start: str(form, 'start', 40),
      end: str(form, 'end', 40),
    };
  }

  /** Checks the form can become a domain input; the domain checks the rest. */
  function parseForm(values: IncidentFormValues, mode: IncidentMode, zone: string) {
    const errors: FieldErrors = {};
    if (!values.title.trim()) errors.title = 'Give it a title.';
    if (values.components.length === 0) errors.components = 'Choose at least one component.';
    const state = Number(values.state) as IncidentState;
    const states = mode === 'maintenance' ? ['0', '1', '2', '3', '4'] : ['0', '1', '2', '3'];
    if (!states.includes(values.state)) errors.state = 'Choose a status.';
    const impact = Number(values.impact) as ComponentState;
    if (mode !== 'maintenance' && !['0', '2', '3', '4'].includes(values.impact)) errors.impact = 'Choose the impact.';
    let start: number | null = null;
    if (values.start.trim()) {
      start = parseLocal(values.start, zone);
      if (start === null) errors.start = 'Enter a date and time.';
    } else if (mode === 'maintenance') errors.start = 'Enter when the maintenance starts.';
    let end: number | null = null;
    if (mode === 'maintenance') {
      end = values.end.trim() ? parseLocal(values.end, zone) : null;
      if (end === null) errors.end = 'Enter when the maintenance ends.';
      else if (start !== null && end <= start) errors.end = 'The end must be after the start.';
    }
    return { errors, state, impact, start, end };
  }

  function defaults(mode: IncidentMode, fmt: TimeFormat, now: number): IncidentFormValues {
    if (mode === 'maintenance') {
      const start = Math.ceil((now + 60_000) / 3_600_000) * 3_600_000;
      return { title: '', message: '', components: [], impact: '1', state: '3', start: fmt.local(start), end: fmt.local(start + 2 * 3_600_000) };
    }
    return { title: '', message: '', components: [], impact: mode === 'persistent' ? '0' : '4', state: '0', start: fmt.local(now), end: '' };
  }

  const preview = (values: { title: string; message: string }): Preview => ({ titleHtml: mdInline(values.title), messageHtml: md(values.message) });

  app.get('/admin/incidents/new', async (c) => {
    const base = await chrome(c, c.get('session'));
    const asked = c.req.query('mode') ?? (c.req.query('persistent') ? 'persistent' : 'incident');
    const mode: IncidentMode = isMode(asked) ? asked : 'incident';
    return sendHtml(c, html(<IncidentFormPage {...base} mode={mode} action="/admin/incidents/new" values={defaults(mode, base.fmt, base.now)} errors={{}} choices={choices()} />));
  });
  // statusetat's add pages
  app.get('/admin/incident/add', (c) => c.redirect(`/admin/incidents/new?mode=${c.req.query('persistent') ? 'persistent' : 'incident'}`, 301));
  app.get('/admin/maintenance/add', (c) => c.redirect('/admin/incidents/new?mode=maintenance', 301));

  app.post('/admin/incidents/new', async (c) => {
    const session = c.get('session');
    const base = await chrome(c, session);
    const form = (await c.req.parseBody({ all: true })) as Form;
    const asked = str(form, 'mode', 20);
    const mode: IncidentMode = isMode(asked) ? asked : 'incident';
    const values = readForm(form);
    const again = (errors: FieldErrors, status: number, p?: Preview) =>
      sendHtml(c, html(<IncidentFormPage {...base} mode={mode} action="/admin/incidents/new" values={values} errors={errors} preview={p} choices={choices()} />), status);
    if (str(form, 'intent', 20) === 'preview') return again({}, 200, preview(values));
    const parsed = parseForm(values, mode, base.zone.name);
    if (Object.keys(parsed.errors).length) return again(parsed.errors, 400);
    // An unchanged "started" field means now: the form showed the minute it was opened.
    const startText = parsed.start !== null && !(mode !== 'maintenance' && values.start === base.fmt.local(base.now)) ? formatInstant(parsed.start, base.zone.name) : undefined;
    const input: IncidentInput = {
      state: parsed.state,
      component_state: mode === 'maintenance' ? 1 : parsed.impact,
      components: values.components,
      messages: [{ title: values.title.trim(), content: values.message }],
      is_scheduled: mode === 'maintenance',
      ...(startText ? { created_at: startText } : {}),
      ...(mode === 'maintenance' && parsed.end !== null ? { scheduled_end: formatInstant(parsed.end, base.zone.name) } : {}),
      persistent: mode === 'persistent',
    };
    try {
      const incident = await createIncident(site.domain(), actorOf(session), input);
      return c.redirect(`/admin/incidents/${encodeURIComponent(incident.guid)}?done=created`, 303);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid') return again(errorsFrom(error.details), 400);
      if (error instanceof QuorumError) return again({ general: 'Storage is unavailable, so nothing was saved. Your text is kept below; try again in a moment.' }, 503);
      throw error;
    }
  });

  const notFoundPage = async (c: Context<Env>, section: AdminSection = 'incidents') =>
    sendHtml(c, html(<AdminMessagePage {...await chrome(c, c.get('session'))} current={section} heading="Not found" text="There is no incident, maintenance or known issue with this id. It may have been deleted." />), 404);

  function valuesOf(incident: Incident, fmt: TimeFormat): IncidentFormValues {
    const main = mainMessage(incident);
    return {
      title: main?.title ?? '',
      message: main?.content ?? '',
      components: incident.components,
      impact: String(incident.component_state),
      state: String(incident.state),
      start: fmt.local(instant(incident.created_at)),
      end: isZeroTime(incident.scheduled_end) ? '' : fmt.local(instant(incident.scheduled_end)),
    };
  }

  app.get('/admin/incidents/:id/edit', async (c) => {
    const incident = site.view().byGuid.get(c.req.param('id'));
    if (!incident) return notFoundPage(c);
    const base = await chrome(c, c.get('session'));
    const mode = modeOf(incident);
    const action = `/admin/incidents/${encodeURIComponent(incident.guid)}/edit`;
    return sendHtml(c, html(<IncidentFormPage {...base} mode={mode} guid={incident.guid} action={action} values={valuesOf(incident, base.fmt)} errors={{}} choices={choices()} />));
  });
  app.get('/admin/incident/edit/:id', (c) => c.redirect(`/admin/incidents/${encodeURIComponent(c.req.param('id'))}/edit`, 301));
  app.get('/admin/maintenance/edit/:id', (c) => c.redirect(`/admin/incidents/${encodeURIComponent(c.req.param('id'))}/edit`, 301));

  app.post('/admin/incidents/:id/edit', async (c) => {
    const session = c.get('session');
    const incident = site.view().byGuid.get(c.req.param('id'));
    if (!incident) return notFoundPage(c);
    const base = await chrome(c, session);
    const mode = modeOf(incident);
    const form = (await c.req.parseBody({ all: true })) as Form;
    const values = readForm(form);
    const action = `/admin/incidents/${encodeURIComponent(incident.guid)}/edit`;
    const again = (errors: FieldErrors, status: number, p?: Preview) =>
      sendHtml(c, html(<IncidentFormPage {...base} mode={mode} guid={incident.guid} action={action} values={values} errors={errors} preview={p} choices={choices()} />), status);
    if (str(form, 'intent', 20) === 'preview') return again({}, 200, preview(values));
    const parsed = parseForm(values, mode, base.zone.name);
    if (Object.keys(parsed.errors).length) return again(parsed.errors, 400);
    const main = mainMessage(incident);
    const unchangedStart = values.start === base.fmt.local(instant(incident.created_at));
    const patch: IncidentPatch = {
      state: parsed.state,
      components: values.components,
      ...(mode !== 'maintenance' ? { component_state: parsed.impact } : {}),
      ...(parsed.start !== null && !unchangedStart ? { created_at: formatInstant(parsed.start, base.zone.name) } : {}),
      ...(mode === 'maintenance' && parsed.end !== null && values.end !== valuesOf(incident, base.fmt).end ? { scheduled_end: formatInstant(parsed.end, base.zone.name) } : {}),
      ...(main ? { edit_message: { guid: main.guid, title: values.title.trim(), content: values.message } } : { messages: [{ title: values.title.trim(), content: values.message }] }),
    };
    try {
      await updateIncident(site.domain(), actorOf(session), incident.guid, patch);
      return c.redirect(`/admin/incidents/${encodeURIComponent(incident.guid)}?done=updated`, 303);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid') return again(errorsFrom(error.details), 400);
      if (error instanceof DomainError && error.code === 'not_found') return notFoundPage(c);
      if (error instanceof QuorumError) return again({ general: 'Storage is unavailable, so nothing was saved. Your changes are kept below; try again in a moment.' }, 503);
      throw error;
    }
  });

  /* ----- Detail, updates, resolve, delete ----- */

  const detailPage = async (c: Context<Env>, incident: Incident, update: { values: UpdateFormValues; errors: FieldErrors; preview?: Preview }, status = 200, notices: Notice[] = []) => {
    const base = await chrome(c, c.get('session'), notices);
    const ctx: ModelContext = { view: site.view(), now: base.now, fmt: base.fmt };
    const v = incidentView(incident, ctx, incidentRole(incident, ctx.view, ctx.now));
    const mode = modeOf(incident);
    return sendHtml(
      c,
      html(
        <IncidentDetailPage
          {...base}
          guid={incident.guid}
          incident={v}
          mode={mode}
          open={isOpenState(incident.state)}
          metadata={incident.metadata.map((m) => ({ key: m.key, value: m.value }))}
          update={update}
        />,
      ),
      status,
    );
  };
  const emptyUpdate = (): UpdateFormValues => ({ title: '', message: '', state: '', impact: '' });

  app.get('/admin/incidents/:id', async (c) => {
    const incident = site.view().byGuid.get(c.req.param('id'));
    if (!incident) return notFoundPage(c);
    return detailPage(c, incident, { values: emptyUpdate(), errors: {} });
  });

  app.post('/admin/incidents/:id/updates', async (c) => {
    const session = c.get('session');
    const incident = site.view().byGuid.get(c.req.param('id'));
    if (!incident) return notFoundPage(c);
    const form = (await c.req.parseBody({ all: true })) as Form;
    const values: UpdateFormValues = { title: str(form, 'title', 1000), message: str(form, 'message'), state: str(form, 'state', 2), impact: str(form, 'impact', 2) };
    if (str(form, 'intent', 20) === 'preview') return detailPage(c, incident, { values, errors: {}, preview: preview(values) });
    const errors: FieldErrors = {};
    if (!values.message.trim()) errors.message = 'Write what changed.';
    const states = incident.is_scheduled ? ['0', '1', '2', '3', '4'] : ['0', '1', '2', '3'];
    if (values.state !== '' && !states.includes(values.state)) errors.state = 'Choose a status.';
    if (values.impact !== '' && !['0', '2', '3', '4'].includes(values.impact)) errors.impact = 'Choose the impact.';
    if (Object.keys(errors).length) return detailPage(c, incident, { values, errors }, 400);
    try {
      await addMessage(site.domain(), actorOf(session), incident.guid, {
        title: values.title.trim(),
        content: values.message,
        ...(values.state !== '' ? { state: Number(values.state) as IncidentState } : {}),
        ...(values.impact !== '' && !incident.is_scheduled ? { component_state: Number(values.impact) as ComponentState } : {}),
      });
      return c.redirect(`/admin/incidents/${encodeURIComponent(incident.guid)}?done=posted`, 303);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid') return detailPage(c, incident, { values, errors: errorsFrom(error.details) }, 400);
      if (error instanceof QuorumError) return detailPage(c, incident, { values, errors: { general: 'Storage is unavailable, so the update was not posted. Your text is kept below.' } }, 503);
      throw error;
    }
  });

  app.post('/admin/incidents/:id/resolve', async (c) => {
    const session = c.get('session');
    const incident = site.view().byGuid.get(c.req.param('id'));
    if (!incident) return notFoundPage(c);
    const form = (await c.req.parseBody()) as Form;
    const message = str(form, 'message').trim();
    try {
      await resolveIncident(site.domain(), actorOf(session), incident.guid, message ? { title: '', content: message } : undefined);
      return c.redirect(`/admin/incidents/${encodeURIComponent(incident.guid)}?done=resolved`, 303);
    } catch (error) {
      if (error instanceof QuorumError) return detailPage(c, incident, { values: emptyUpdate(), errors: {} }, 503, [{ tone: 'error', title: 'Not resolved.', text: 'Storage is unavailable; try again in a moment.' }]);
      if (error instanceof DomainError) return detailPage(c, incident, { values: emptyUpdate(), errors: {} }, 400, [{ tone: 'error', title: 'Not resolved.', text: error.message }]);
      throw error;
    }
  });

  app.post('/admin/incidents/:id/delete', async (c) => {
    const session = c.get('session');
    const incident = site.view().byGuid.get(c.req.param('id'));
    if (!incident) return notFoundPage(c);
    const form = (await c.req.parseBody()) as Form;
    if (str(form, 'confirm', 10) !== 'yes') {
      return detailPage(c, incident, { values: emptyUpdate(), errors: {} }, 400, [{ tone: 'error', title: 'Not deleted.', text: 'Tick the box to confirm the deletion.' }]);
    }
    try {
      await deleteIncident(site.domain(), actorOf(session), incident.guid);
      return c.redirect(`${listHref(modeOf(incident))}?done=deleted`, 303);
    } catch (error) {
      if (error instanceof QuorumError) return detailPage(c, incident, { values: emptyUpdate(), errors: {} }, 503, [{ tone: 'error', title: 'Not deleted.', text: 'Storage is unavailable; try again in a moment.' }]);
      throw error;
    }
  });

  /* ----- Components: manual states ----- */

  type OverrideDraft = { component: string; state: string; note: string; error: string };
  async function componentsPage(c: Context<Env>, draft?: OverrideDraft, status = 200, notices: Notice[] = []) {
    const base = await chrome(c, c.get('session'), notices);
    const view = site.view();
    const rows: ComponentOverrideRow[] = componentStatuses(view, base.now).map((s) => {
      const override = view.overrides.get(s.component.id);
      return {
        id: s.component.id,
        name: s.component.name,
        group: s.component.group,
        state: s.state,
        ...(override ? { override: { state: override.state, note: override.note, by: override.updated_by, since: isZeroTime(override.updated_at) ? '' : base.fmt.short(instant(override.updated_at), base.now) } } : {}),
        ...(draft?.component === s.component.id ? { draft: { state: draft.state, note: draft.note, error: draft.error } } : {}),
      };
    });
    return sendHtml(c, html(<ComponentsPage {...base} rows={rows} />), status);
  }

  app.get('/admin/components', (c) => componentsPage(c));

  app.post('/admin/components/override', async (c) => {
    const form = (await c.req.parseBody()) as Form;
    const component = str(form, 'component', 300);
    const draft = { component, state: str(form, 'state', 2), note: str(form, 'note', 2000), error: '' };
    if (!site.settings.components.some((x) => x.id === component)) return componentsPage(c, undefined, 400, [{ tone: 'error', title: 'Not saved.', text: 'That component is not in the configuration.' }]);
    if (!['1', '2', '3', '4'].includes(draft.state)) return componentsPage(c, { ...draft, error: 'Choose a status.' }, 400);
    try {
      await setComponentOverride(site.domain(), actorOf(c.get('session')), component, { state: Number(draft.state) as ComponentState, note: draft.note.trim() });
      return c.redirect('/admin/components?done=override_set', 303);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid') return componentsPage(c, { ...draft, error: error.details.map((p) => `${p.path}: ${p.message}`).join('; ') }, 400);
      if (error instanceof QuorumError) return componentsPage(c, { ...draft, error: 'Storage is unavailable, so the status was not set. Try again in a moment.' }, 503);
      throw error;
    }
  });

  app.post('/admin/components/clear', async (c) => {
    const form = (await c.req.parseBody()) as Form;
    try {
      await clearComponentOverride(site.domain(), actorOf(c.get('session')), str(form, 'component', 300));
      return c.redirect('/admin/components?done=override_cleared', 303);
    } catch (error) {
      // Already cleared (by someone else, or a second click): the page shows how things are.
      if (error instanceof DomainError && error.code === 'not_found') return c.redirect('/admin/components', 303);
      if (error instanceof QuorumError) return componentsPage(c, undefined, 503, [{ tone: 'error', title: 'Not cleared.', text: 'Storage is unavailable; try again in a moment.' }]);
      throw error;
    }
  });

  /* ----- Subscribers and storage ----- */

  app.get('/admin/subscribers', async (c) => {
    const base = await chrome(c, c.get('session'));
    const rows = listSubscribers(site.domain()).map((s) => ({ email: s.email, since: isZeroTime(s.created_at) ? '' : base.fmt.short(instant(s.created_at), base.now) }));
    return sendHtml(c, html(<SubscribersPage {...base} rows={rows} emailDelivery={site.emailDelivery} />));
  });

  app.post('/admin/subscribers/remove', async (c) => {
    const form = (await c.req.parseBody()) as Form;
    try {
      await unsubscribe(site.domain(), actorOf(c.get('session')), str(form, 'email', 300));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    return c.redirect('/admin/subscribers?done=removed', 303);
  });

  app.get('/admin/storage', async (c) => {
    const base = await chrome(c, c.get('session'));
    const targets = site.store.targets();
    const up = targets.filter((t) => t.state === 'up').length;
    const rows = targets.map((t) => ({
      location: t.location,
      driver: t.driver,
      state: t.state,
      latency: t.latencyMs === null ? '–' : `${Math.round(t.latencyMs * 10) / 10} ms`,
      lag: t.lag,
      queuedHints: t.queuedHints,
      lastSync: t.lastSync ? base.fmt.short(Date.parse(t.lastSync), base.now) : 'never',
      badRecords: t.badRecords ?? 0,
      lastError: t.lastError,
    }));
    const summary = `${up} of ${targets.length} target${targets.length === 1 ? '' : 's'} up. Pages are served from memory and stay up with the last known state even when every target is down.`;
    return sendHtml(c, html(<StoragePage {...base} rows={rows} quorum={String(config.replication.write_quorum)} summary={summary} />));
  });

  return app;
}
