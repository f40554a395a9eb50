/** One incident, maintenance or known issue: its card, metadata, and the update, resolve and delete forms. */
import { IncidentCard, type IncidentView } from '../../site/incidents.tsx';
import { nounOf, sectionOf, type FieldErrors, type IncidentMode } from '../incident-form.ts';
import type { UpdateFormValues } from '../update-form.ts';
import {
  GeneralError,
  ImpactField,
  INCIDENT_STATUSES,
  MAINTENANCE_STATUSES,
  MessageField,
  PreviewBox,
  StatusSelect,
  TextField,
  type Preview,
} from '../fields.tsx';
import { AdminLayout, Csrf, type AdminChrome } from '../shell.tsx';

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
  const section = sectionOf(mode);
  const noun = nounOf(mode, props.persistentName);
  return (
    <AdminLayout {...props} title={props.incident.titleText || 'Incident'} current={section}>
      <div class="section-head">
        <h1>
          {mode === 'maintenance'
            ? 'Maintenance'
            : mode === 'persistent'
              ? props.persistentName
              : 'Incident'}
        </h1>
        <div class="actions">
          <a class="btn secondary small" href={`${base}/edit`}>
            Edit
          </a>
          <a class="btn secondary small" href={`/incidents/${encodeURIComponent(props.guid)}`}>
            Public page
          </a>
          {/* statusetat's "Trigger notification": the incident as it is now, to every channel that takes it. */}
          <form method="post" action={`${base}/notify`}>
            <Csrf token={props.csrf} />
            <button type="submit" class="secondary small">
              Notify
            </button>
          </form>
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
          <TextField
            id="update-title-field"
            name="title"
            label="Title (optional)"
            value={update.values.title}
            error={update.errors.title}
            maxlength={1000}
          />
          <MessageField
            id="update-message"
            label="Message"
            value={update.values.message}
            error={update.errors.message}
            required
          />
          <div class="grid-2">
            <StatusSelect
              id="update-state"
              value={update.values.state}
              options={mode === 'maintenance' ? MAINTENANCE_STATUSES : INCIDENT_STATUSES}
              error={update.errors.state}
              keep
            />
          </div>
          {mode !== 'maintenance' ? (
            <ImpactField value={update.values.impact} error={update.errors.impact} keep />
          ) : null}
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
            <p class="help">
              Marks the {noun} {mode === 'maintenance' ? 'completed' : 'resolved'} with a closing
              update.
            </p>
            <TextField
              id="resolve-message"
              name="message"
              label="Closing message"
              value={
                mode === 'maintenance'
                  ? 'The maintenance is complete.'
                  : 'This incident has been resolved.'
              }
            />
            <button type="submit">
              {mode === 'maintenance' ? 'Mark as completed' : 'Resolve incident'}
            </button>
          </form>
        </section>
      ) : null}
      <section class="card" aria-labelledby="delete-title">
        <form method="post" action={`${base}/delete`} class="card-body">
          <h2 id="delete-title">Delete</h2>
          <Csrf token={props.csrf} />
          <p class="help">
            Removes the {noun} and its updates from the status page and the feeds. This cannot be
            undone.
          </p>
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
