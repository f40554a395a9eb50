import { describe, expect, it } from 'vitest';
import type { Incident } from '../../domain/types.ts';
import { timeFormat } from '../site/format.ts';
import {
  defaultIncidentValues,
  fieldErrorsFrom,
  incidentInput,
  incidentPatch,
  incidentValues,
  modeFrom,
  readIncidentForm,
  type IncidentFormValues,
} from './incident-form.ts';
import { readUpdateForm, updateMessage } from './update-form.ts';

// A fixed instant and zone: 2026-11-21 13:00 in Paris (UTC+1).
const NOW = Date.UTC(2026, 10, 21, 12);
const ZONE = 'Europe/Paris';
const fmt = timeFormat(ZONE);
const clock = { zone: ZONE, fmt, now: NOW };

const filled = (over: Partial<IncidentFormValues> = {}): IncidentFormValues => ({
  title: '  Database slow  ',
  message: 'Queries take **seconds**.',
  components: ['Core - API'],
  impact: '3',
  state: '0',
  start: '2026-11-21T13:00',
  end: '',
  ...over,
});

function incident(over: Partial<Incident> = {}): Incident {
  return {
    guid: 'inc-1',
    created_at: '2026-11-20T09:30:00Z',
    updated_at: '2026-11-20T09:30:00Z',
    state: 0,
    component_state: 4,
    components: ['Core - API'],
    messages: [
      {
        guid: 'm-2',
        incident_guid: 'inc-1',
        created_at: '2026-11-20T10:00:00Z',
        title: 'Update',
        content: 'Still on it.',
      },
      {
        guid: 'm-1',
        incident_guid: 'inc-1',
        created_at: '2026-11-20T09:30:00Z',
        title: 'API down',
        content: 'Nothing answers.',
      },
    ],
    metadata: [],
    is_scheduled: false,
    scheduled_end: '0001-01-01T00:00:00Z',
    origin: '',
    persistent: false,
    ...over,
  };
}

describe('the incident form model', () => {
  it('reads a form body, keeping only text, the first of a repeated field and every checked component, each capped', () => {
    const values = readIncidentForm({
      title: ['First', 'Second'],
      message: 'x'.repeat(200_000),
      components: ['Core - API', 'Core - Web'],
      impact: '3',
      state: new File([], 'f'),
      start: '2026-11-21T13:00',
    });
    expect(values).toEqual({
      title: 'First',
      message: 'x'.repeat(100_000),
      components: ['Core - API', 'Core - Web'],
      impact: '3',
      state: '',
      start: '2026-11-21T13:00',
      end: '',
    });
    expect(readIncidentForm({ components: 'Core - API' }).components).toEqual(['Core - API']);
  });

  it('treats an unknown mode as an incident', () => {
    expect(modeFrom('maintenance')).toBe('maintenance');
    expect(modeFrom('persistent')).toBe('persistent');
    expect(modeFrom('toString')).toBe('incident');
  });

  it('opens a new form at now, and maintenance on the next full hour for two hours, in the admin’s zone', () => {
    expect(defaultIncidentValues('incident', fmt, NOW)).toMatchObject({
      impact: '4',
      state: '0',
      start: '2026-11-21T13:00',
      end: '',
    });
    expect(defaultIncidentValues('persistent', fmt, NOW)).toMatchObject({
      impact: '0',
      state: '0',
    });
    expect(defaultIncidentValues('maintenance', fmt, NOW)).toMatchObject({
      state: '3',
      start: '2026-11-21T14:00',
      end: '2026-11-21T16:00',
    });
  });

  it('names every missing or unreadable field', () => {
    const checked = incidentInput(
      filled({ title: ' ', components: [], state: '9', impact: '1', start: 'soon' }),
      'incident',
      clock,
    );
    expect(checked).toEqual({
      ok: false,
      errors: {
        title: 'Give it a title.',
        components: 'Choose at least one component.',
        state: 'Choose a status.',
        impact: 'Choose the impact.',
        start: 'Enter a date and time.',
      },
    });
    expect(incidentInput(filled({ start: '', end: '' }), 'maintenance', clock)).toEqual({
      ok: false,
      errors: {
        start: 'Enter when the maintenance starts.',
        end: 'Enter when the maintenance ends.',
      },
    });
    expect(
      incidentInput(
        filled({ state: '3', start: '2026-11-22T10:00', end: '2026-11-22T09:00' }),
        'maintenance',
        clock,
      ),
    ).toEqual({ ok: false, errors: { end: 'The end must be after the start.' } });
    // Cancelled (4) is a maintenance state only.
    expect(incidentInput(filled({ state: '4' }), 'incident', clock)).toMatchObject({
      ok: false,
      errors: { state: 'Choose a status.' },
    });
  });

  it('makes an incident starting now when the start was left as the form showed it', () => {
    const checked = incidentInput(filled(), 'incident', clock);
    expect(checked).toEqual({
      ok: true,
      value: {
        state: 0,
        component_state: 3,
        components: ['Core - API'],
        messages: [{ title: 'Database slow', content: 'Queries take **seconds**.' }],
        is_scheduled: false,
        persistent: false,
      },
    });
    const earlier = incidentInput(filled({ start: '2026-11-21T08:15' }), 'incident', clock);
    expect(earlier.ok && earlier.value.created_at).toBe('2026-11-21T08:15:00.000+01:00');
  });

  it('reads a maintenance window in the admin’s zone, with the maintenance impact whatever was sent', () => {
    const checked = incidentInput(
      filled({ state: '3', impact: '4', start: '2026-11-21T13:00', end: '2026-11-21T15:30' }),
      'maintenance',
      clock,
    );
    expect(checked.ok && checked.value).toMatchObject({
      state: 3,
      component_state: 1,
      is_scheduled: true,
      persistent: false,
      created_at: '2026-11-21T13:00:00.000+01:00',
      scheduled_end: '2026-11-21T15:30:00.000+01:00',
    });
    const known = incidentInput(filled({ impact: '0' }), 'persistent', clock);
    expect(known.ok && known.value).toMatchObject({
      persistent: true,
      is_scheduled: false,
      component_state: 0,
    });
  });

  it('fills the edit form from the incident’s opening message and its dates in the admin’s zone', () => {
    expect(incidentValues(incident(), fmt)).toEqual({
      title: 'API down',
      message: 'Nothing answers.',
      components: ['Core - API'],
      impact: '4',
      state: '0',
      start: '2026-11-20T10:30',
      end: '',
    });
    expect(
      incidentValues(incident({ is_scheduled: true, scheduled_end: '2026-11-20T12:00:00Z' }), fmt)
        .end,
    ).toBe('2026-11-20T13:00');
  });

  it('patches only what an edit changed: dates left as shown are not rewritten', () => {
    const shown = incidentValues(incident(), fmt);
    const same = incidentPatch(incident(), { ...shown, title: ' API down hard ' }, clock);
    expect(same).toEqual({
      ok: true,
      value: {
        state: 0,
        components: ['Core - API'],
        component_state: 4,
        edit_message: { guid: 'm-1', title: 'API down hard', content: 'Nothing answers.' },
      },
    });
    const moved = incidentPatch(incident(), { ...shown, start: '2026-11-20T10:00' }, clock);
    expect(moved.ok && moved.value.created_at).toBe('2026-11-20T10:00:00.000+01:00');
    const maintenance = incident({
      is_scheduled: true,
      state: 3,
      component_state: 1,
      scheduled_end: '2026-11-20T12:00:00Z',
    });
    const longer = incidentPatch(
      maintenance,
      { ...incidentValues(maintenance, fmt), end: '2026-11-20T14:00' },
      clock,
    );
    expect(longer.ok && longer.value).toMatchObject({
      scheduled_end: '2026-11-20T14:00:00.000+01:00',
    });
    expect(longer.ok && 'component_state' in longer.value).toBe(false);
    const bare = incidentPatch(incident({ messages: [] }), { ...shown, title: 'New' }, clock);
    expect(bare.ok && bare.value.messages).toEqual([{ title: 'New', content: 'Nothing answers.' }]);
  });

  it('puts the domain’s problems next to the fields they are about', () => {
    expect(
      fieldErrorsFrom([
        { path: 'messages[0].title', message: 'too long' },
        { path: 'components[1]', message: 'unknown component "X"' },
        { path: 'components', message: 'too many' },
        { path: 'scheduled_end', message: 'before the start' },
        { path: 'metadata', message: 'not allowed' },
      ]),
    ).toEqual({
      title: 'Too long',
      components: 'Unknown component "X" Too many',
      end: 'Before the start',
      general: 'Not allowed',
    });
  });
});

describe('the update form model', () => {
  it('needs a message, and leaves the status and impact unchanged when they are left blank', () => {
    const values = readUpdateForm({ title: ' Fixed ', message: 'Back up.', state: '', impact: '' });
    expect(updateMessage(incident(), values)).toEqual({
      ok: true,
      value: { title: 'Fixed', content: 'Back up.' },
    });
    expect(updateMessage(incident(), { ...values, message: ' ', state: '4', impact: '1' })).toEqual(
      {
        ok: false,
        errors: {
          message: 'Write what changed.',
          state: 'Choose a status.',
          impact: 'Choose the impact.',
        },
      },
    );
  });

  it('sets a state and impact on an incident, and never an impact on maintenance', () => {
    const values = { title: '', message: 'Worse.', state: '3', impact: '4' };
    expect(updateMessage(incident(), values)).toEqual({
      ok: true,
      value: { title: '', content: 'Worse.', state: 3, component_state: 4 },
    });
    expect(updateMessage(incident({ is_scheduled: true }), { ...values, state: '4' })).toEqual({
      ok: true,
      value: { title: '', content: 'Worse.', state: 4 },
    });
  });
});
