/**
 * The incident form as a pure model: a form body becomes the values typed, the values become a
 * domain input (or a patch of an existing incident) or field problems, and an incident becomes
 * the values of its edit form. No request, clock or storage: the routes pass in the zone, the
 * formatter and now, so every rule here is checked by a unit test.
 *
 * The form checks only what it must to build an input (a title, a known status, dates it can
 * read); the domain checks the rest, and its problems come back through `fieldErrorsFrom`.
 */
import type { FieldProblem } from '../../domain/errors.ts';
import type { IncidentInput, IncidentPatch } from '../../domain/incidents.ts';
import { mainMessage } from '../../domain/status.ts';
import { formatInstant, instant, isZeroTime } from '../../domain/time.ts';
import type { ComponentState, Incident, IncidentState } from '../../domain/types.ts';
import { parseLocal, type TimeFormat } from '../site/format.ts';
import { list, str, type FormBody } from './form-body.ts';

export type IncidentMode = 'incident' | 'maintenance' | 'persistent';

export type FieldName =
  'title' | 'message' | 'components' | 'impact' | 'state' | 'start' | 'end' | 'general';
export type FieldErrors = Partial<Record<FieldName, string>>;

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

/** Where the form's dates are read and written: the admin's zone, its formatter, and now. */
export interface FormClock {
  zone: string;
  fmt: TimeFormat;
  now: number;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export const isMode = (value: string): value is IncidentMode =>
  value === 'incident' || value === 'maintenance' || value === 'persistent';
export const modeOf = (incident: Incident): IncidentMode =>
  incident.persistent ? 'persistent' : incident.is_scheduled ? 'maintenance' : 'incident';
/** The mode asked for, or an incident when the value is not one. */
export const modeFrom = (value: string): IncidentMode => (isMode(value) ? value : 'incident');

/** The states a form may set: scheduled maintenance can also be cancelled (4). */
export const stateChoices = (scheduled: boolean): readonly string[] =>
  scheduled ? ['0', '1', '2', '3', '4'] : ['0', '1', '2', '3'];
/** The impacts an incident can set; maintenance (1) is set by scheduling one. */
export const IMPACT_CHOICES: readonly string[] = ['0', '2', '3', '4'];

export function readIncidentForm(form: FormBody): IncidentFormValues {
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

/** A new form: maintenance on the next full hour for two hours, anything else starting now. */
export function defaultIncidentValues(
  mode: IncidentMode,
  fmt: TimeFormat,
  now: number,
): IncidentFormValues {
  if (mode === 'maintenance') {
    const start = Math.ceil((now + 60_000) / 3_600_000) * 3_600_000;
    return {
      title: '',
      message: '',
      components: [],
      impact: '1',
      state: '3',
      start: fmt.local(start),
      end: fmt.local(start + 2 * 3_600_000),
    };
  }
  return {
    title: '',
    message: '',
    components: [],
    impact: mode === 'persistent' ? '0' : '4',
    state: '0',
    start: fmt.local(now),
    end: '',
  };
}

/** The edit form of an incident: its main message and its fields, dates in the admin's zone. */
export function incidentValues(incident: Incident, fmt: TimeFormat): IncidentFormValues {
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

interface Parsed {
  state: IncidentState;
  impact: ComponentState;
  start: number | null;
  end: number | null;
}

function parse(values: IncidentFormValues, mode: IncidentMode, zone: string): Checked<Parsed> {
  const errors: FieldErrors = {};
  if (!values.title.trim()) errors.title = 'Give it a title.';
  if (values.components.length === 0) errors.components = 'Choose at least one component.';
  if (!stateChoices(mode === 'maintenance').includes(values.state))
    errors.state = 'Choose a status.';
  if (mode !== 'maintenance' && !IMPACT_CHOICES.includes(values.impact))
    errors.impact = 'Choose the impact.';
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
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      state: Number(values.state) as IncidentState,
      impact: Number(values.impact) as ComponentState,
      start,
      end,
    },
  };
}

/** The domain input of a new incident, maintenance or known issue. */
export function incidentInput(
  values: IncidentFormValues,
  mode: IncidentMode,
  clock: FormClock,
): Checked<IncidentInput> {
  const parsed = parse(values, mode, clock.zone);
  if (!parsed.ok) return parsed;
  const { state, impact, start, end } = parsed.value;
  // An unchanged "started" field means now: the form showed the minute it was opened.
  const startText =
    start !== null && !(mode !== 'maintenance' && values.start === clock.fmt.local(clock.now))
      ? formatInstant(start, clock.zone)
      : undefined;
  return {
    ok: true,
    value: {
      state,
      component_state: mode === 'maintenance' ? 1 : impact,
      components: values.components,
      messages: [{ title: values.title.trim(), content: values.message }],
      is_scheduled: mode === 'maintenance',
      ...(startText ? { created_at: startText } : {}),
      ...(mode === 'maintenance' && end !== null
        ? { scheduled_end: formatInstant(end, clock.zone) }
        : {}),
      persistent: mode === 'persistent',
    },
  };
}

/**
 * The patch an edit form makes to `incident`. Dates left as the form showed them are not sent,
 * so an edit does not round a start or end to the minute the form displays.
 */
export function incidentPatch(
  incident: Incident,
  values: IncidentFormValues,
  clock: Omit<FormClock, 'now'>,
): Checked<IncidentPatch> {
  const mode = modeOf(incident);
  const parsed = parse(values, mode, clock.zone);
  if (!parsed.ok) return parsed;
  const { state, impact, start, end } = parsed.value;
  const shown = incidentValues(incident, clock.fmt);
  const main = mainMessage(incident);
  return {
    ok: true,
    value: {
      state,
      components: values.components,
      ...(mode !== 'maintenance' ? { component_state: impact } : {}),
      ...(start !== null && values.start !== shown.start
        ? { created_at: formatInstant(start, clock.zone) }
        : {}),
      ...(mode === 'maintenance' && end !== null && values.end !== shown.end
        ? { scheduled_end: formatInstant(end, clock.zone) }
        : {}),
      ...(main
        ? { edit_message: { guid: main.guid, title: values.title.trim(), content: values.message } }
        : { messages: [{ title: values.title.trim(), content: values.message }] }),
    },
  };
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

/** The domain's problems next to the fields they are about; several on one field are joined. */
export function fieldErrorsFrom(problems: readonly FieldProblem[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const p of problems) {
    const field = fieldOf(p.path);
    const text = p.message.charAt(0).toUpperCase() + p.message.slice(1);
    errors[field] = errors[field] ? `${errors[field]} ${text}` : text;
  }
  return errors;
}

/** The section of the admin UI an incident of this mode is listed in, and what the pages call it. */
export const sectionOf = (mode: IncidentMode) =>
  (mode === 'maintenance' ? 'maintenance' : mode === 'persistent' ? 'persistent' : 'incidents') as
    'incidents' | 'maintenance' | 'persistent';
export const nounOf = (mode: IncidentMode, persistentName: string) =>
  mode === 'maintenance' ? 'maintenance' : mode === 'persistent' ? persistentName : 'incident';
export const listHref = (mode: IncidentMode) =>
  mode === 'maintenance'
    ? '/admin/maintenance'
    : mode === 'persistent'
      ? '/admin/known-issues'
      : '/admin/';
