import { describe, expect, it } from 'vitest';
import {
  activeMaintenance,
  componentStatuses,
  groupStatuses,
  historyByMonth,
  incidentRole,
  incidentsBetween,
  incidentTitle,
  maintenancePhase,
  openIncidents,
  overallStatus,
  persistentIncidents,
  upcomingMaintenance,
} from './status.ts';
import { testConfig } from '../../test/support/domain-fixtures.ts';
import {
  ZERO_TIME,
  type ComponentOverride,
  type ComponentState,
  type Incident,
  type IncidentState,
} from './types.ts';
import { domainSettings, type DomainView } from './read-model.ts';

const NOW = Date.UTC(2026, 10, 21, 12);
const iso = (offsetHours: number) => new Date(NOW + offsetHours * 3_600_000).toISOString();
const settings = domainSettings(testConfig());

let seq = 0;
function incident(fields: Partial<Incident> = {}): Incident {
  const guid = fields.guid ?? `i${++seq}`;
  return {
    guid,
    created_at: iso(-1),
    updated_at: iso(-1),
    state: 0,
    component_state: 3,
    components: ['Public - API'],
    messages: [
      { guid: 'm', incident_guid: guid, created_at: iso(-1), title: 'Slow API', content: '' },
    ],
    metadata: [],
    is_scheduled: false,
    scheduled_end: ZERO_TIME,
    origin: '',
    persistent: false,
    ...fields,
  };
}

const maintenance = (
  startH: number,
  endH: number,
  state: IncidentState = 0,
  extra: Partial<Incident> = {},
) =>
  incident({
    is_scheduled: true,
    created_at: iso(startH),
    scheduled_end: iso(endH),
    component_state: 1,
    state,
    ...extra,
  });

function view(
  incidents: Incident[],
  options: { overrides?: ComponentOverride[]; disableMaintenanceToIncident?: boolean } = {},
): DomainView {
  return {
    settings: {
      ...settings,
      disableMaintenanceToIncident: options.disableMaintenanceToIncident ?? false,
    },
    incidents,
    byGuid: new Map(incidents.map((i) => [i.guid, i])),
    overrides: new Map((options.overrides ?? []).map((o) => [o.component, o])),
    version: 1,
  };
}

const stateOf = (v: DomainView, id: string, extra = []) =>
  componentStatuses(v, NOW, extra).find((s) => s.component.id === id)!.state;

describe('component status', () => {
  it('is operational with nothing open', () => {
    expect(componentStatuses(view([]), NOW).map((s) => s.state)).toEqual([0, 0, 0, 0]);
  });

  it('is the worst of the open incidents on the component', () => {
    const v = view([
      incident({ component_state: 2 }),
      incident({ component_state: 4 }),
      incident({ component_state: 3, components: ['Internal - Database'] }),
    ]);
    expect(stateOf(v, 'Public - API')).toBe(4);
    expect(stateOf(v, 'Internal - Database')).toBe(3);
    expect(stateOf(v, 'Public - Website')).toBe(0);
  });

  it('counts an open incident however old it is (statusetat forgot it after 7 days)', () => {
    expect(stateOf(view([incident({ created_at: iso(-24 * 400) })]), 'Public - API')).toBe(3);
  });

  it('ignores resolved and cancelled incidents, counts monitoring and idle', () => {
    for (const [state, expected] of [
      [1, 0],
      [4, 0],
      [2, 3],
      [3, 3],
    ] as [IncidentState, ComponentState][]) {
      expect(stateOf(view([incident({ state })]), 'Public - API')).toBe(expected);
    }
  });

  it('puts components under maintenance only while a maintenance is active', () => {
    expect(stateOf(view([maintenance(1, 2)]), 'Public - API')).toBe(0);
    expect(stateOf(view([maintenance(-1, 2)]), 'Public - API')).toBe(1);
    expect(stateOf(view([maintenance(-3, -2, 1)]), 'Public - API')).toBe(0);
  });

  it('does not let maintenance mask an outage', () => {
    expect(
      stateOf(view([maintenance(-1, 2), incident({ component_state: 2 })]), 'Public - API'),
    ).toBe(2);
  });

  it('counts manual overrides and extra (cluster health) states', () => {
    const override: ComponentOverride = {
      component: 'Public - Website',
      state: 2,
      note: '',
      updated_at: iso(0),
      updated_by: 'admin',
    };
    const v = view([], { overrides: [override] });
    expect(stateOf(v, 'Public - Website')).toBe(2);
    const statuses = componentStatuses(v, NOW, [
      { component: 'Internal - Database', state: 4, source: 'cluster prod' },
    ]);
    expect(statuses.find((s) => s.component.id === 'Internal - Database')).toMatchObject({
      state: 4,
      sources: [{ kind: 'extra', id: 'cluster prod', state: 4 }],
    });
  });

  it('counts open known issues with their component state', () => {
    expect(
      stateOf(view([incident({ persistent: true, component_state: 2 })]), 'Public - API'),
    ).toBe(2);
    expect(
      stateOf(view([incident({ persistent: true, component_state: 0 })]), 'Public - API'),
    ).toBe(0);
  });

  it('rolls groups up to their worst member', () => {
    const v = view([incident({ component_state: 2, components: ['Public - Website'] })]);
    const groups = groupStatuses(componentStatuses(v, NOW), v);
    expect(groups.map((g) => [g.group.name, g.state, g.components.length])).toEqual([
      ['Public', 2, 2],
      ['Internal', 0, 1],
    ]);
  });
});

describe('maintenance lifecycle', () => {
  it('moves from scheduled to in progress to completed by the clock', () => {
    const m = maintenance(1, 3, 3);
    expect(maintenancePhase(m, NOW)).toBe('scheduled');
    expect(maintenancePhase(m, NOW + 2 * 3_600_000)).toBe('in_progress');
    expect(maintenancePhase(m, NOW + 4 * 3_600_000)).toBe('completed');
    expect(maintenancePhase({ ...m, state: 2 }, NOW + 2 * 3_600_000)).toBe('verifying');
    expect(maintenancePhase({ ...m, state: 1 }, NOW + 2 * 3_600_000)).toBe('completed');
  });

  it('turns an overrun unresolved maintenance into an incident unless disabled (statusetat ShouldBeIncident)', () => {
    const overrun = maintenance(-3, -1, 0);
    expect(incidentRole(overrun, view([overrun]), NOW)).toBe('incident');
    expect(openIncidents(view([overrun]), NOW)).toHaveLength(1);
    expect(
      incidentRole(overrun, view([overrun], { disableMaintenanceToIncident: true }), NOW),
    ).toBe('maintenance');
    const idle = maintenance(-3, -1, 3);
    expect(incidentRole(idle, view([idle]), NOW)).toBe('maintenance');
  });

  it('lists upcoming (soonest first) and active maintenance', () => {
    const later = maintenance(5, 6);
    const soon = maintenance(1, 2);
    const running = maintenance(-1, 1);
    const v = view([later, soon, running]);
    expect(upcomingMaintenance(v, NOW).map((m) => m.guid)).toEqual([soon.guid, later.guid]);
    expect(activeMaintenance(v, NOW).map((m) => m.guid)).toEqual([running.guid]);
  });
});

describe('overall status', () => {
  it('is the worst of components and open incidents, with Statuspage indicators', () => {
    expect(overallStatus(view([]), NOW)).toEqual({
      state: 0,
      indicator: 'none',
      description: 'All Systems Operational',
    });
    expect(overallStatus(view([maintenance(-1, 1)]), NOW)).toEqual({
      state: 1,
      indicator: 'none',
      description: 'Service Under Maintenance',
    });
    expect(overallStatus(view([incident({ component_state: 2 })]), NOW).indicator).toBe('minor');
    expect(overallStatus(view([incident({ component_state: 3 })]), NOW).indicator).toBe('major');
    expect(
      overallStatus(view([incident({ component_state: 4, components: ['unknown - thing'] })]), NOW)
        .indicator,
    ).toBe('critical');
  });
});

describe('listings', () => {
  it('separates known issues, and lists by date as statusetat does', () => {
    const known = incident({ persistent: true });
    const resolvedKnown = incident({ persistent: true, state: 1 });
    const old = incident({ created_at: iso(-24 * 10) });
    const recent = incident({ created_at: iso(-2) });
    const future = maintenance(24, 25);
    const v = view([recent, future, old, known, resolvedKnown]);
    expect(persistentIncidents(v).map((i) => i.guid)).toEqual([known.guid]);
    expect(persistentIncidents(v, { includeResolved: true })).toHaveLength(2);
    const from = NOW - 7 * 86_400_000;
    const to = NOW + 2 * 86_400_000;
    expect(incidentsBetween(v, from, to, NOW).map((i) => i.guid)).toEqual([recent.guid]);
    expect(incidentsBetween(v, from, to, NOW, { allTypes: true }).map((i) => i.guid)).toEqual([
      recent.guid,
      future.guid,
    ]);
  });

  it('groups history by month in the page time zone, empty months included', () => {
    const first = incident({ created_at: '2026-11-01T00:30:00+01:00' }); // 2026-10-31T23:30Z, November in Paris
    const october = incident({ created_at: '2026-10-15T10:00:00Z' });
    const months = historyByMonth(view([first, october]), NOW, { months: 3 });
    expect(months.map((m) => [m.month, m.incidents.map((i) => i.guid)])).toEqual([
      ['2026-11', [first.guid]],
      ['2026-10', [october.guid]],
      ['2026-09', []],
    ]);
  });

  it('titles an incident by its opening message (the last, newest-first)', () => {
    const i = incident({
      messages: [
        { guid: 'b', incident_guid: 'x', created_at: iso(0), title: 'Fixed', content: '' },
        { guid: 'a', incident_guid: 'x', created_at: iso(-1), title: 'Opened', content: '' },
      ],
    });
    expect(incidentTitle(i)).toBe('Opened');
    expect(incidentTitle(incident({ messages: [] }))).toBe('');
  });
});
