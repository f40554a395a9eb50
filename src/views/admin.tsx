/**
 * The admin UI: plain HTML forms that work without JavaScript. Every form carries the session's
 * CSRF token; a form that fails validation comes back with what was typed and the error next to
 * the field.
 */
import type { Child } from 'hono/jsx';
import { SCRIPT, STYLE } from './assets/index.ts';
import { IncidentCard, type IncidentView } from './incidents.tsx';
import { Notices, type Notice, type SiteInfo, type ZoneInfo } from './layout.tsx';
import { Markdown } from './markdown.tsx';
import { StateLabel } from './status.tsx';
import type { ComponentState } from '../domain/types.ts';

export type AdminSection = 'incidents' | 'maintenance' | 'persistent' | 'components' | 'subscribers' | 'storage';

export interface AdminChrome {
  site: SiteInfo;
  zone: ZoneInfo;
  user: string;
  csrf: string;
  persistentName: string;
  notices?: Notice[];
}

function Head({ title, site }: { title: string; site: SiteInfo }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{`${title} · Admin · ${site.title}`}</title>
      <meta name="color-scheme" content="light dark" />
      <link rel="stylesheet" href={STYLE.path} />
      <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
    </head>
  );
}

export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function AdminLayout(props: AdminChrome & { title: string; current: AdminSection; children?: Child }) {
  const link = (section: AdminSection, href: string, label: string) => (
    <li>
      <a href={href} aria-current={props.current === section ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <html lang="en" data-tz={props.zone.name} data-tz-chosen={props.zone.chosen ? '1' : '0'}>
      <Head title={props.title} site={props.site} />
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="wrap wide">
            <a class="brand" href="/admin/">
              <span class="brand-mark" aria-hidden="true"></span>
              <span>{props.site.title} admin</span>
            </a>
            <nav class="site-nav" aria-label="Account">
              <a href="/">View status page</a>
              <form method="post" action="/admin/logout" class="actions">
                <Csrf token={props.csrf} />
                <button type="submit" class="secondary small">
                  Sign out {props.user}
                </button>
              </form>
            </nav>
          </div>
        </header>
        <div class="wrap wide">
          <div class="admin-shell">
            <nav class="admin-nav card" aria-label="Admin sections">
              <ul>
                {link('incidents', '/admin/', 'Incidents')}
                {link('maintenance', '/admin/maintenance', 'Maintenance')}
                {link('persistent', '/admin/known-issues', props.persistentName)}
                {link('components', '/admin/components', 'Components')}
                {link('subscribers', '/admin/subscribers', 'Subscribers')}
                {link('storage', '/admin/storage', 'Storage')}
              </ul>
            </nav>
            <main id="main" class="admin-main" tabindex={-1}>
              {props.notices?.length ? <Notices notices={props.notices} /> : null}
              {props.children}
              <p class="help">
                Times in {props.zone.name} ({props.zone.label}). <a href={`/timezone?return=${encodeURIComponent('/admin/')}`}>Change</a>
              </p>
            </main>
          </div>
        </div>
        <script src={SCRIPT.path} defer></script>
      </body>
    </html>
  );
}

export interface SignInProps {
  site: SiteInfo;
  token: string;
  username: string;
  next: string;
  error?: string;
}

export function SignInPage(props: SignInProps) {
  return (
    <html lang="en">
      <Head title="Sign in" site={props.site} />
      <body>
        <main id="main" class="wrap">
          <div class="card signin">
            <div class="card-body">
              <h1>Sign in</h1>
              <p class="help">Administration of {props.site.title}.</p>
              {props.error ? (
                <div class="notice error" role="alert">
                  {props.error}
                </div>
              ) : null}
              <form method="post" action="/admin/login">
                <input type="hidden" name="_csrf" value={props.token} />
                <input type="hidden" name="next" value={props.next} />
                <div class="field">
                  <label for="username">Username</label>
                  <input id="username" name="username" type="text" autocomplete="username" required value={props.username} autofocus />
                </div>
                <div class="field">
                  <label for="password">Password</label>
                  <input id="password" name="password" type="password" autocomplete="current-password" required />
                </div>
                <button type="submit">Sign in</button>
              </form>
              <p>
                <a href="/">← Status page</a>
              </p>
            </div>
          </div>
        </main>
      </body>
    </html>
  );
}

/* ---------- Fields ---------- */

export type FieldName = 'title' | 'message' | 'components' | 'impact' | 'state' | 'start' | 'end' | 'general';
export type FieldErrors = Partial<Record<FieldName, string>>;

function ErrorText({ id, error }: { id: string; error?: string | undefined }) {
  return error ? (
    <div class="error-text" id={`${id}-error`}>
      {error}
    </div>
  ) : null;
}

const describedBy = (id: string, error?: string, hint?: boolean) => [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;

export interface ComponentChoice {
  group: string;
  items: Array<{ id: string; name: string }>;
}

function ComponentsField({ choices, selected, error }: { choices: readonly ComponentChoice[]; selected: readonly string[]; error?: string | undefined }) {
  return (
    <fieldset aria-describedby={describedBy('components', error)} aria-invalid={error ? 'true' : undefined}>
      <legend>Affected components</legend>
      {choices.map((group) => (
        <div class="field">
          {group.group ? <div class="help">{group.group}</div> : null}
          <div class="choices">
            {group.items.map((c) => (
              <label>
                <input type="checkbox" name="components" value={c.id} checked={selected.includes(c.id)} />
                {c.name}
              </label>
            ))}
          </div>
        </div>
      ))}
      <ErrorText id="components" error={error} />
    </fieldset>
  );
}

const IMPACTS: Array<{ value: ComponentState; label: string }> = [
  { value: 4, label: 'Major outage' },
  { value: 3, label: 'Partial outage' },
  { value: 2, label: 'Degraded performance' },
  { value: 0, label: 'No impact' },
];

function ImpactField({ value, error, name = 'impact', keep = false }: { value: string; error?: string | undefined; name?: string; keep?: boolean }) {
  return (
    <fieldset aria-invalid={error ? 'true' : undefined}>
      <legend>Impact on the components</legend>
      <div class="choices">
        {keep ? (
          <label>
            <input type="radio" name={name} value="" checked={value === ''} />
            Unchanged
          </label>
        ) : null}
        {IMPACTS.map((i) => (
          <label>
            <input type="radio" name={name} value={String(i.value)} checked={value === String(i.value)} />
            {i.label}
          </label>
        ))}
      </div>
      <ErrorText id={name} error={error} />
    </fieldset>
  );
}

export const INCIDENT_STATUSES = [
  { value: '0', label: 'Investigating' },
  { value: '3', label: 'Identified' },
  { value: '2', label: 'Monitoring' },
  { value: '1', label: 'Resolved' },
];
export const MAINTENANCE_STATUSES = [
  { value: '3', label: 'Scheduled' },
  { value: '0', label: 'In progress' },
  { value: '2', label: 'Verifying' },
  { value: '1', label: 'Completed' },
  { value: '4', label: 'Cancelled' },
];

function StatusSelect({ id, value, options, error, keep = false, hint }: { id: string; value: string; options: typeof INCIDENT_STATUSES; error?: string | undefined; keep?: boolean; hint?: string }) {
  return (
    <div class="field">
      <label for={id}>Status</label>
      <select id={id} name="state" aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, error, Boolean(hint))}>
        {keep ? (
          <option value="" selected={value === ''}>
            Unchanged
          </option>
        ) : null}
        {options.map((o) => (
          <option value={o.value} selected={value === o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint ? (
        <div class="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      <ErrorText id={id} error={error} />
    </div>
  );
}

function TextField(props: { id: string; name: string; label: string; value: string; error?: string | undefined; hint?: string; required?: boolean; type?: string; maxlength?: number }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        maxlength={props.maxlength}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props.id, props.error, Boolean(props.hint))}
      />
      {props.hint ? (
        <div class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </div>
      ) : null}
      <ErrorText id={props.id} error={props.error} />
    </div>
  );
}

function MessageField(props: { id: string; label: string; value: string; error?: string | undefined; required?: boolean }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <textarea id={props.id} name="message" required={props.required} aria-invalid={props.error ? 'true' : undefined} aria-describedby={describedBy(props.id, props.error, true)}>
        {props.value}
      </textarea>
      <div class="hint" id={`${props.id}-hint`}>
        Markdown: **bold**, _italic_, [links](https://example.com), lists. HTML is not allowed.
      </div>
      <ErrorText id={props.id} error={props.error} />
    </div>
  );
}

export interface Preview {
  titleHtml: string;
  messageHtml: string;
}

function PreviewBox({ preview }: { preview?: Preview | undefined }) {
  if (!preview) return null;
  return (
    <section class="preview" aria-labelledby="preview-title">
      <h2 id="preview-title" class="help">
        Preview
      </h2>
      {preview.titleHtml ? (
        <h3>
          <Markdown html={preview.titleHtml} inline />
        </h3>
      ) : null}
      <Markdown html={preview.messageHtml || '<p><em>No message.</em></p>'} />
    </section>
  );
}

function GeneralError({ errors }: { errors: FieldErrors }) {
  return errors.general ? (
    <div class="notice error" role="alert">
      <div>
        <strong>Not saved.</strong> {errors.general}
      </div>
    </div>
  ) : Object.keys(errors).length ? (
    <div class="notice error" role="alert">
      <div>
        <strong>Not saved.</strong> Please correct the fields marked below.
      </div>
    </div>
  ) : null;
}

/* ---------- Incident forms ---------- */

export type IncidentMode = 'incident' | 'maintenance' | 'persistent';

export interface IncidentFormValues {
  title: string;
  message: string;
  components: string[];
  impact: string;
  state: string;
  /** datetime-local values in the admin's zone. */
  start: string;
  end: string;
}

export interface IncidentFormProps extends AdminChrome {
  mode: IncidentMode;
  action: string;
  /** Present when editing. */
  guid?: string;
  values: IncidentFormValues;
  errors: FieldErrors;
  preview?: Preview | undefined;
  choices: ComponentChoice[];
}

export function IncidentFormPage(props: IncidentFormProps) {
  const { values, errors, mode } = props;
  const noun = mode === 'maintenance' ? 'maintenance' : mode === 'persistent' ? props.persistentName : 'incident';
  const heading = `${props.guid ? 'Edit' : mode === 'maintenance' ? 'Schedule' : 'Report'} ${noun}`;
  const section: AdminSection = mode === 'maintenance' ? 'maintenance' : mode === 'persistent' ? 'persistent' : 'incidents';
  return (
    <AdminLayout {...props} title={heading} current={section}>
      <div class="section-head">
        <h1>{heading}</h1>
        {props.guid ? <a href={`/admin/incidents/${encodeURIComponent(props.guid)}`}>Back to the {noun}</a> : null}
      </div>
      <GeneralError errors={errors} />
      <div class="card">
        <form method="post" action={props.action} class="card-body" novalidate>
          <Csrf token={props.csrf} />
          <input type="hidden" name="mode" value={mode} />
          <TextField id="title" name="title" label="Title" value={values.title} error={errors.title} required maxlength={1000} hint="Shown as the headline on the status page and in notifications." />
          <MessageField id="message" label={props.guid ? 'Opening message' : 'Message'} value={values.message} error={errors.message} />
          <ComponentsField choices={props.choices} selected={values.components} error={errors.components} />
          {mode === 'maintenance' ? (
            <>
              <div class="grid-2">
                <TextField id="start" name="start" type="datetime-local" label={`Starts (${props.zone.label})`} value={values.start} error={errors.start} required />
                <TextField id="end" name="end" type="datetime-local" label={`Ends (${props.zone.label})`} value={values.end} error={errors.end} required />
              </div>
              <StatusSelect id="state" value={values.state} options={MAINTENANCE_STATUSES} error={errors.state} hint="Scheduled maintenance starts and ends with its window. In progress stays open past its end until it is marked completed." />
            </>
          ) : (
            <>
              <ImpactField value={values.impact} error={errors.impact} />
              <div class="grid-2">
                <StatusSelect id="state" value={values.state} options={INCIDENT_STATUSES} error={errors.state} />
                <TextField id="start" name="start" type="datetime-local" label={`Started (${props.zone.label})`} value={values.start} error={errors.start} hint="Leave as is for now." />
              </div>
            </>
          )}
          <PreviewBox preview={props.preview} />
          <div class="actions">
            <button type="submit" name="intent" value="save">
              {props.guid ? 'Save changes' : mode === 'maintenance' ? 'Schedule maintenance' : `Publish ${noun}`}
            </button>
            <button type="submit" name="intent" value="preview" class="secondary">
              Preview
            </button>
            <a class="btn secondary" href={props.guid ? `/admin/incidents/${encodeURIComponent(props.guid)}` : section === 'incidents' ? '/admin/' : section === 'maintenance' ? '/admin/maintenance' : '/admin/known-issues'}>
              Cancel
            </a>
          </div>
        </form>
      </div>
    </AdminLayout>
  );
}

export interface UpdateFormValues {
  title: string;
  message: string;
  state: string;
  impact: string;
}

export interface IncidentDetailProps extends AdminChrome {
  guid: string;
  incident: IncidentView;
  mode: IncidentMode;
  open: boolean;
  metadata: Array<{ key: string; value: string }>;
  update: { values: UpdateFormValues; errors: FieldErrors; preview?: Preview | undefined };
}

export function IncidentDetailPage(props: IncidentDetailProps) {
  const { update, mode } = props;
  const base = `/admin/incidents/${encodeURIComponent(props.guid)}`;
  const section: AdminSection = mode === 'maintenance' ? 'maintenance' : mode === 'persistent' ? 'persistent' : 'incidents';
  const noun = mode === 'maintenance' ? 'maintenance' : mode === 'persistent' ? props.persistentName : 'incident';
  return (
    <AdminLayout {...props} title={props.incident.titleText || 'Incident'} current={section}>
      <div class="section-head">
        <h1>{mode === 'maintenance' ? 'Maintenance' : mode === 'persistent' ? props.persistentName : 'Incident'}</h1>
        <div class="actions">
          <a class="btn secondary small" href={`${base}/edit`}>
            Edit
          </a>
          <a class="btn secondary small" href={`/incidents/${encodeURIComponent(props.guid)}`}>
            Public page
          </a>
        </div>
      </div>
      <IncidentCard incident={props.incident} headingLevel={2} link={false} />
      {props.metadata.length ? (
        <div class="card">
          <div class="card-body">
            <h2>Metadata</h2>
            <table class="table">
              <tbody>
                {props.metadata.map((m) => (
                  <tr>
                    <th scope="row">{m.key}</th>
                    <td>{m.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
      <section class="card" aria-labelledby="update-title">
        <form method="post" action={`${base}/updates`} class="card-body" novalidate>
          <h2 id="update-title">Post an update</h2>
          <GeneralError errors={update.errors} />
          <Csrf token={props.csrf} />
          <TextField id="update-title-field" name="title" label="Title (optional)" value={update.values.title} error={update.errors.title} maxlength={1000} />
          <MessageField id="update-message" label="Message" value={update.values.message} error={update.errors.message} required />
          <div class="grid-2">
            <StatusSelect id="update-state" value={update.values.state} options={mode === 'maintenance' ? MAINTENANCE_STATUSES : INCIDENT_STATUSES} error={update.errors.state} keep />
          </div>
          {mode !== 'maintenance' ? <ImpactField value={update.values.impact} error={update.errors.impact} keep /> : null}
          <PreviewBox preview={update.preview} />
          <div class="actions">
            <button type="submit" name="intent" value="save">
              Post update
            </button>
            <button type="submit" name="intent" value="preview" class="secondary">
              Preview
            </button>
          </div>
        </form>
      </section>
      {props.open ? (
        <section class="card" aria-labelledby="resolve-title">
          <form method="post" action={`${base}/resolve`} class="card-body">
            <h2 id="resolve-title">{mode === 'maintenance' ? 'Complete' : 'Resolve'}</h2>
            <Csrf token={props.csrf} />
            <p class="help">Marks the {noun} {mode === 'maintenance' ? 'completed' : 'resolved'} with a closing update.</p>
            <TextField id="resolve-message" name="message" label="Closing message" value={mode === 'maintenance' ? 'The maintenance is complete.' : 'This incident has been resolved.'} />
            <button type="submit">{mode === 'maintenance' ? 'Mark as completed' : 'Resolve incident'}</button>
          </form>
        </section>
      ) : null}
      <section class="card" aria-labelledby="delete-title">
        <form method="post" action={`${base}/delete`} class="card-body">
          <h2 id="delete-title">Delete</h2>
          <Csrf token={props.csrf} />
          <p class="help">Removes the {noun} and its updates from the status page and the feeds. This cannot be undone.</p>
          <div class="choices field">
            <label>
              <input type="checkbox" name="confirm" value="yes" required /> Yes, delete this {noun}
            </label>
          </div>
          <button type="submit" class="danger">
            Delete
          </button>
        </form>
      </section>
    </AdminLayout>
  );
}

/* ---------- Lists ---------- */

export interface IncidentRow {
  guid: string;
  titleHtml: string;
  status: string;
  open: boolean;
  impact: ComponentState;
  kind: IncidentMode;
  components: string[];
  start: string;
  updated: string;
  end?: string | undefined;
}

export interface IncidentListProps extends AdminChrome {
  section: 'incidents' | 'maintenance' | 'persistent';
  heading: string;
  newHref: string;
  newLabel: string;
  rows: IncidentRow[];
  filters?: { status: string; component: string; q: string; choices: Array<{ id: string; label: string }> };
  page: { number: number; previous?: string; next?: string; total: number };
}

export function IncidentListPage(props: IncidentListProps) {
  const f = props.filters;
  const isMaintenance = props.section === 'maintenance';
  return (
    <AdminLayout {...props} title={props.heading} current={props.section}>
      <div class="section-head">
        <h1>{props.heading}</h1>
        <a class="btn" href={props.newHref}>
          {props.newLabel}
        </a>
      </div>
      {f ? (
        <div class="card">
          <form method="get" class="card-body inline-form" aria-label="Filter">
            <div class="field">
              <label for="filter-status">Status</label>
              <select id="filter-status" name="status">
                {[
                  ['open', 'Open'],
                  ['resolved', 'Closed'],
                  ['all', 'All'],
                ].map(([value, label]) => (
                  <option value={value} selected={f.status === value}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="filter-component">Component</label>
              <select id="filter-component" name="component">
                <option value="">All components</option>
                {f.choices.map((c) => (
                  <option value={c.id} selected={f.component === c.id}>
                    {c.label}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="filter-q">Search</label>
              <input id="filter-q" type="search" name="q" value={f.q} />
            </div>
            <button type="submit" class="secondary">
              Filter
            </button>
          </form>
        </div>
      ) : null}
      <div class="card">
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{props.heading}</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Components</th>
                <th scope="col">{isMaintenance ? 'Window' : 'Started'}</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.length === 0 ? (
                <tr>
                  <td colspan={5}>Nothing here.</td>
                </tr>
              ) : (
                props.rows.map((row) => (
                  <tr>
                    <td>
                      <a href={`/admin/incidents/${encodeURIComponent(row.guid)}`}>
                        <Markdown html={row.titleHtml || 'Untitled'} inline />
                      </a>
                    </td>
                    <td>{row.open && !isMaintenance ? <StateLabel state={row.impact} text={row.status} /> : <span class="pill neutral">{row.status}</span>}</td>
                    <td>{row.components.join(', ')}</td>
                    <td>
                      {row.start}
                      {row.end ? <> – {row.end}</> : null}
                    </td>
                    <td>{row.updated}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </div>
      <nav class="pager" aria-label="Pages">
        {props.page.previous ? (
          <a class="btn secondary small" href={props.page.previous} rel="prev">
            ← Newer
          </a>
        ) : null}
        <span class="help">
          Page {props.page.number} · {props.page.total} in total
        </span>
        {props.page.next ? (
          <a class="btn secondary small" href={props.page.next} rel="next">
            Older →
          </a>
        ) : null}
      </nav>
    </AdminLayout>
  );
}

export interface ComponentOverrideRow {
  id: string;
  name: string;
  group: string;
  /** The component's state now, from every source. */
  state: ComponentState;
  override?: { state: ComponentState; note: string; by: string; since: string };
  /** What was typed, when the form came back with an error. */
  draft?: { state: string; note: string; error: string };
}

/** The manual states an operator can set; "operational" is clearing it (a manual state never hides an incident). */
const OVERRIDE_STATES: ReadonlyArray<{ value: ComponentState; label: string }> = [
  { value: 2, label: 'Degraded performance' },
  { value: 3, label: 'Partial outage' },
  { value: 4, label: 'Major outage' },
  { value: 1, label: 'Under maintenance' },
];

function OverrideForm({ row, csrf, index }: { row: ComponentOverrideRow; csrf: string; index: number }) {
  const id = `override-${index}`;
  const chosen = row.draft?.state ?? String(row.override?.state ?? 2);
  const error = row.draft?.error;
  return (
    <form method="post" action="/admin/components/override" class="inline-form">
      <Csrf token={csrf} />
      <input type="hidden" name="component" value={row.id} />
      <div class="field">
        <label for={`${id}-state`}>Manual status</label>
        <select id={`${id}-state`} name="state" aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(`${id}-state`, error)}>
          {OVERRIDE_STATES.map((o) => (
            <option value={String(o.value)} selected={chosen === String(o.value)}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${id}-note`}>Note</label>
        <input id={`${id}-note`} name="note" maxlength={1000} value={row.draft?.note ?? row.override?.note ?? ''} />
      </div>
      <button type="submit" class="small" aria-label={`Set the manual status of ${row.name}`}>
        Set
      </button>
      <ErrorText id={`${id}-state`} error={error} />
    </form>
  );
}

export function ComponentsPage(props: AdminChrome & { rows: ComponentOverrideRow[] }) {
  return (
    <AdminLayout {...props} title="Components" current="components">
      <div class="section-head">
        <h1>Components</h1>
      </div>
      <p class="help">
        A manual status counts like an open incident: in the component's status, in the overall status and in uptime, from when it is set until it is changed or
        cleared.
      </p>
      <div class="card">
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">Components and their manual status</caption>
            <thead>
              <tr>
                <th scope="col">Component</th>
                <th scope="col">Status now</th>
                <th scope="col">Manual status</th>
                <th scope="col">
                  <span class="visually-hidden">Change</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row, index) => (
                <tr>
                  <th scope="row">
                    {row.name}
                    {row.group ? <div class="help">{row.group}</div> : null}
                  </th>
                  <td>
                    <StateLabel state={row.state} />
                  </td>
                  <td>
                    {row.override ? (
                      <div>
                        <StateLabel state={row.override.state} />
                        <div class="help">
                          {row.override.note ? `${row.override.note} · ` : ''}set by {row.override.by}, {row.override.since}
                        </div>
                        <form method="post" action="/admin/components/clear">
                          <Csrf token={props.csrf} />
                          <input type="hidden" name="component" value={row.id} />
                          <button type="submit" class="secondary small" aria-label={`Clear the manual status of ${row.name}`}>
                            Clear
                          </button>
                        </form>
                      </div>
                    ) : (
                      'None'
                    )}
                  </td>
                  <td>
                    <OverrideForm row={row} csrf={props.csrf} index={index} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </AdminLayout>
  );
}

export interface SubscriberRow {
  email: string;
  since: string;
}

export function SubscribersPage(props: AdminChrome & { rows: SubscriberRow[]; emailDelivery: boolean }) {
  return (
    <AdminLayout {...props} title="Subscribers" current="subscribers">
      <div class="section-head">
        <h1>Subscribers</h1>
        <span class="help">{props.rows.length} in total</span>
      </div>
      {props.emailDelivery ? null : <div class="notice info">Staunch does not send email yet: subscribers are collected but receive nothing.</div>}
      <div class="card">
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">Email subscribers</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Subscribed</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.rows.length === 0 ? (
                <tr>
                  <td colspan={3}>No subscribers yet.</td>
                </tr>
              ) : (
                props.rows.map((row) => (
                  <tr>
                    <td>{row.email}</td>
                    <td>{row.since}</td>
                    <td>
                      <form method="post" action="/admin/subscribers/remove">
                        <Csrf token={props.csrf} />
                        <input type="hidden" name="email" value={row.email} />
                        <button type="submit" class="secondary small" aria-label={`Remove ${row.email}`}>
                          Remove
                        </button>
                      </form>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </div>
    </AdminLayout>
  );
}

export interface TargetRow {
  location: string;
  driver: string;
  state: 'up' | 'down' | 'unknown';
  latency: string;
  lag: number;
  queuedHints: number;
  lastSync: string;
  badRecords: number;
  lastError?: string | undefined;
}

export function StoragePage(props: AdminChrome & { rows: TargetRow[]; quorum: string; summary: string }) {
  const stateClass = { up: 'c0', down: 'c4', unknown: 'c2' } as const;
  const stateText = { up: 'Up', down: 'Down', unknown: 'Unknown' } as const;
  return (
    <AdminLayout {...props} title="Storage" current="storage">
      <div class="section-head">
        <h1>Storage targets</h1>
        <span class="help">Write quorum: {props.quorum}</span>
      </div>
      <p>{props.summary}</p>
      <div class="card">
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">Every storage target with its state, lag and queued hints</caption>
            <thead>
              <tr>
                <th scope="col">Target</th>
                <th scope="col">State</th>
                <th scope="col">Latency</th>
                <th scope="col">Lag</th>
                <th scope="col">Queued hints</th>
                <th scope="col">Last sync</th>
                <th scope="col">Bad records</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr>
                  <td>
                    <code>{row.location}</code>
                    <div class="help">{row.driver}</div>
                    {row.lastError ? <div class="error-text">{row.lastError}</div> : null}
                  </td>
                  <td>
                    <span class={`state ${stateClass[row.state]}`}>{stateText[row.state]}</span>
                  </td>
                  <td>{row.latency}</td>
                  <td>{row.lag}</td>
                  <td>{row.queuedHints}</td>
                  <td>{row.lastSync}</td>
                  <td>{row.badRecords}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <p class="help">
        Lag: records the merged view holds at a newer version than the target. Queued hints: writes waiting to be delivered to a target that missed them. The sync repairs everything else.
      </p>
    </AdminLayout>
  );
}

export function AdminMessagePage(props: AdminChrome & { heading: string; text: string; current: AdminSection }) {
  return (
    <AdminLayout {...props} title={props.heading}>
      <div class="card">
        <div class="card-body">
          <h1>{props.heading}</h1>
          <p>{props.text}</p>
          <p>
            <a href="/admin/">Back to incidents</a>
          </p>
        </div>
      </div>
    </AdminLayout>
  );
}
