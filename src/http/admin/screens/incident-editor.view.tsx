/** The form that reports an incident, schedules maintenance or reports a known issue, and edits one. */
import {
  listHref,
  nounOf,
  sectionOf,
  type FieldErrors,
  type IncidentFormValues,
  type IncidentMode,
} from '../incident-form.ts';
import {
  ComponentsField,
  GeneralError,
  type ComponentChoice,
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

export interface IncidentFormProps extends AdminChrome {
  mode: IncidentMode;
  action: string;
  /** Present when editing. */
  guid?: string;
  values: IncidentFormValues;
  errors: FieldErrors;
  preview?: Preview | undefined;
  choices: ComponentChoice[];
  /** Editing only: "save silently" was ticked (statusetat's no_notify). */
  silent?: boolean;
}

export function IncidentFormPage(props: IncidentFormProps) {
  const { values, errors, mode } = props;
  const noun = nounOf(mode, props.persistentName);
  const heading = `${props.guid ? 'Edit' : mode === 'maintenance' ? 'Schedule' : 'Report'} ${noun}`;
  const section = sectionOf(mode);
  return (
    <AdminLayout {...props} title={heading} current={section}>
      <div class="section-head">
        <h1>{heading}</h1>
        {props.guid ? (
          <a href={`/admin/incidents/${encodeURIComponent(props.guid)}`}>Back to the {noun}</a>
        ) : null}
      </div>
      <GeneralError errors={errors} />
      <div class="card">
        <form method="post" action={props.action} class="card-body" novalidate>
          <Csrf token={props.csrf} />
          <input type="hidden" name="mode" value={mode} />
          <TextField
            id="title"
            name="title"
            label="Title"
            value={values.title}
            error={errors.title}
            required
            maxlength={1000}
            hint="Shown as the headline on the status page and in notifications."
          />
          <MessageField
            id="message"
            label={props.guid ? 'Opening message' : 'Message'}
            value={values.message}
            error={errors.message}
          />
          <ComponentsField
            choices={props.choices}
            selected={values.components}
            error={errors.components}
          />
          {mode === 'maintenance' ? (
            <>
              <div class="grid-2">
                <TextField
                  id="start"
                  name="start"
                  type="datetime-local"
                  label={`Starts (${props.zone.label})`}
                  value={values.start}
                  error={errors.start}
                  required
                />
                <TextField
                  id="end"
                  name="end"
                  type="datetime-local"
                  label={`Ends (${props.zone.label})`}
                  value={values.end}
                  error={errors.end}
                  required
                />
              </div>
              <StatusSelect
                id="state"
                value={values.state}
                options={MAINTENANCE_STATUSES}
                error={errors.state}
                hint="Scheduled maintenance starts and ends with its window. In progress stays open past its end until it is marked completed."
              />
            </>
          ) : (
            <>
              <ImpactField value={values.impact} error={errors.impact} />
              <div class="grid-2">
                <StatusSelect
                  id="state"
                  value={values.state}
                  options={INCIDENT_STATUSES}
                  error={errors.state}
                />
                <TextField
                  id="start"
                  name="start"
                  type="datetime-local"
                  label={`Started (${props.zone.label})`}
                  value={values.start}
                  error={errors.start}
                  hint="Leave as is for now."
                />
              </div>
            </>
          )}
          <PreviewBox preview={props.preview} />
          {props.guid ? (
            <div class="choices field">
              <label>
                <input type="checkbox" name="silent" value="yes" checked={props.silent ?? false} />{' '}
                Save silently: send no notification for this change
              </label>
            </div>
          ) : null}
          <div class="actions">
            <button type="submit" name="intent" value="save">
              {props.guid
                ? 'Save changes'
                : mode === 'maintenance'
                  ? 'Schedule maintenance'
                  : `Publish ${noun}`}
            </button>
            <button type="submit" name="intent" value="preview" class="secondary">
              Preview
            </button>
            <a
              class="btn secondary"
              href={
                props.guid ? `/admin/incidents/${encodeURIComponent(props.guid)}` : listHref(mode)
              }
            >
              Cancel
            </a>
          </div>
        </form>
      </div>
    </AdminLayout>
  );
}
