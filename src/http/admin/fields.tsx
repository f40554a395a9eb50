/**
 * The form controls the admin screens share. Each control ties its label, hint and error text
 * to the input (aria-describedby, aria-invalid), so a form that comes back with an error reads
 * right in a screen reader too.
 */
import type { ComponentState } from '../../domain/types.ts';
import { Markdown } from '../site/markdown.tsx';
import type { FieldErrors } from './incident-form.ts';

export function ErrorText({ id, error }: { id: string; error?: string | undefined }) {
  return error ? (
    <div class="error-text" id={`${id}-error`}>
      {error}
    </div>
  ) : null;
}

export const describedBy = (id: string, error?: string, hint?: boolean) =>
  [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;

export interface ComponentChoice {
  group: string;
  items: Array<{ id: string; name: string }>;
}

export function ComponentsField({
  choices,
  selected,
  error,
}: {
  choices: readonly ComponentChoice[];
  selected: readonly string[];
  error?: string | undefined;
}) {
  return (
    <fieldset
      aria-describedby={describedBy('components', error)}
      aria-invalid={error ? 'true' : undefined}
    >
      <legend>Affected components</legend>
      {choices.map((group) => (
        <div class="field">
          {group.group ? <div class="help">{group.group}</div> : null}
          <div class="choices">
            {group.items.map((c) => (
              <label>
                <input
                  type="checkbox"
                  name="components"
                  value={c.id}
                  checked={selected.includes(c.id)}
                />
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

export const IMPACTS: Array<{ value: ComponentState; label: string }> = [
  { value: 4, label: 'Major outage' },
  { value: 3, label: 'Partial outage' },
  { value: 2, label: 'Degraded performance' },
  { value: 0, label: 'No impact' },
];

export function ImpactField({
  value,
  error,
  name = 'impact',
  keep = false,
}: {
  value: string;
  error?: string | undefined;
  name?: string;
  keep?: boolean;
}) {
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
            <input
              type="radio"
              name={name}
              value={String(i.value)}
              checked={value === String(i.value)}
            />
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

export function StatusSelect({
  id,
  value,
  options,
  error,
  keep = false,
  hint,
}: {
  id: string;
  value: string;
  options: typeof INCIDENT_STATUSES;
  error?: string | undefined;
  keep?: boolean;
  hint?: string;
}) {
  return (
    <div class="field">
      <label for={id}>Status</label>
      <select
        id={id}
        name="state"
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, error, Boolean(hint))}
      >
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

export function TextField(props: {
  id: string;
  name: string;
  label: string;
  value: string;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
  type?: string;
  maxlength?: number;
}) {
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

export function MessageField(props: {
  id: string;
  label: string;
  value: string;
  error?: string | undefined;
  required?: boolean;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        name="message"
        required={props.required}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props.id, props.error, true)}
      >
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

export function PreviewBox({ preview }: { preview?: Preview | undefined }) {
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

export function GeneralError({ errors }: { errors: FieldErrors }) {
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
