/**
 * The "post an update" form of an incident's page as a pure model: the values typed, and the
 * message they add or the problems to show. Status and impact may be left unchanged ('').
 */
import type { UpdateInput } from '../../domain/incidents.ts';
import type { ComponentState, Incident, IncidentState } from '../../domain/types.ts';
import { str, type FormBody } from './form-body.ts';
import { IMPACT_CHOICES, stateChoices, type Checked, type FieldErrors } from './incident-form.ts';

export interface UpdateFormValues {
  title: string;
  message: string;
  state: string;
  impact: string;
}

export const emptyUpdate = (): UpdateFormValues => ({
  title: '',
  message: '',
  state: '',
  impact: '',
});

export function readUpdateForm(form: FormBody): UpdateFormValues {
  return {
    title: str(form, 'title', 1000),
    message: str(form, 'message'),
    state: str(form, 'state', 2),
    impact: str(form, 'impact', 2),
  };
}

/** The message the update adds to `incident`; maintenance keeps its impact whatever was sent. */
export function updateMessage(incident: Incident, values: UpdateFormValues): Checked<UpdateInput> {
  const errors: FieldErrors = {};
  if (!values.message.trim()) errors.message = 'Write what changed.';
  if (values.state !== '' && !stateChoices(incident.is_scheduled).includes(values.state))
    errors.state = 'Choose a status.';
  if (values.impact !== '' && !IMPACT_CHOICES.includes(values.impact))
    errors.impact = 'Choose the impact.';
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      title: values.title.trim(),
      content: values.message,
      ...(values.state !== '' ? { state: Number(values.state) as IncidentState } : {}),
      ...(values.impact !== '' && !incident.is_scheduled
        ? { component_state: Number(values.impact) as ComponentState }
        : {}),
    },
  };
}
