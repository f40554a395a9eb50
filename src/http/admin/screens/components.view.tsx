/** Every component with its status now and its manual status, which can be set and cleared here. */
import type { ComponentState } from '../../../domain/types.ts';
import { StateLabel } from '../../site/status.tsx';
import { describedBy, ErrorText } from '../fields.tsx';
import { AdminLayout, AdminTable, ButtonForm, Csrf, type AdminChrome } from '../shell.tsx';

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

function OverrideForm({
  row,
  csrf,
  index,
}: {
  row: ComponentOverrideRow;
  csrf: string;
  index: number;
}) {
  const id = `override-${index}`;
  const chosen = row.draft?.state ?? String(row.override?.state ?? 2);
  const error = row.draft?.error;
  return (
    <form method="post" action="/admin/components/override" class="inline-form">
      <Csrf token={csrf} />
      <input type="hidden" name="component" value={row.id} />
      <div class="field">
        <label for={`${id}-state`}>Manual status</label>
        <select
          id={`${id}-state`}
          name="state"
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy(`${id}-state`, error)}
        >
          {OVERRIDE_STATES.map((o) => (
            <option value={String(o.value)} selected={chosen === String(o.value)}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${id}-note`}>Note</label>
        <input
          id={`${id}-note`}
          name="note"
          maxlength={1000}
          value={row.draft?.note ?? row.override?.note ?? ''}
        />
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
        A manual status counts like an open incident: in the component's status, in the overall
        status and in uptime, from when it is set until it is changed or cleared.
      </p>
      <AdminTable
        caption="Components and their manual status"
        columns={
          <>
            <th scope="col">Component</th>
            <th scope="col">Status now</th>
            <th scope="col">Manual status</th>
            <th scope="col">
              <span class="visually-hidden">Change</span>
            </th>
          </>
        }
      >
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
                    {row.override.note ? `${row.override.note} · ` : ''}set by {row.override.by},{' '}
                    {row.override.since}
                  </div>
                  <ButtonForm
                    action="/admin/components/clear"
                    csrf={props.csrf}
                    name="component"
                    value={row.id}
                    label={`Clear the manual status of ${row.name}`}
                  >
                    Clear
                  </ButtonForm>
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
      </AdminTable>
    </AdminLayout>
  );
}
