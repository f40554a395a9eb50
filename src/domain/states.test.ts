import { describe, expect, it } from 'vitest';
import {
  COMPONENT_STATES,
  componentStateFromStatuspage,
  componentStateToIndicator,
  componentStateToStatuspage,
  INCIDENT_STATES,
  incidentStateFromStatuspage,
  incidentStateToStatuspage,
  maintenanceStateFromStatuspage,
  worstComponentState,
  worstIndicator,
  type ComponentState,
  type IncidentState,
} from './states.ts';

describe('the state table', () => {
  it('has one row per statusetat value, in order', () => {
    expect(INCIDENT_STATES.map((r) => r.value)).toEqual([0, 1, 2, 3, 4]);
    expect(COMPONENT_STATES.map((r) => r.value)).toEqual([0, 1, 2, 3, 4]);
  });

  it('maps component states both ways without loss', () => {
    for (const value of [0, 1, 2, 3, 4] as ComponentState[]) {
      expect(componentStateFromStatuspage(componentStateToStatuspage(value))).toBe(value);
    }
    for (const status of [
      'operational',
      'under_maintenance',
      'degraded_performance',
      'partial_outage',
      'major_outage',
    ] as const) {
      expect(componentStateToStatuspage(componentStateFromStatuspage(status))).toBe(status);
    }
  });

  it('maps incident states both ways; cancelled reads as resolved and postmortem is stored as resolved', () => {
    const expected: Record<IncidentState, string> = {
      0: 'investigating',
      1: 'resolved',
      2: 'monitoring',
      3: 'identified',
      4: 'resolved',
    };
    for (const value of [0, 1, 2, 3, 4] as IncidentState[]) {
      expect(incidentStateToStatuspage(value)).toBe(expected[value]);
      const back = incidentStateFromStatuspage(incidentStateToStatuspage(value));
      expect(back).toBe(value === 4 ? 1 : value);
    }
    for (const status of ['investigating', 'identified', 'monitoring', 'resolved'] as const) {
      expect(incidentStateToStatuspage(incidentStateFromStatuspage(status))).toBe(status);
    }
    expect(incidentStateFromStatuspage('postmortem')).toBe(1);
  });

  it('maps maintenance statuses both ways', () => {
    expect(maintenanceStateFromStatuspage('scheduled')).toBe(0);
    expect(maintenanceStateFromStatuspage('in_progress')).toBe(0);
    expect(maintenanceStateFromStatuspage('verifying')).toBe(2);
    expect(maintenanceStateFromStatuspage('completed')).toBe(1);
    for (const status of ['in_progress', 'verifying', 'completed'] as const) {
      const row = INCIDENT_STATES.find((r) => r.value === maintenanceStateFromStatuspage(status))!;
      expect(row.maintenance).toBe(status);
    }
  });

  it('describes idle as idle and knows cancelled (statusetat called idle "monitoring")', () => {
    expect(INCIDENT_STATES.find((r) => r.value === 3)!.description).toBe('idle');
    expect(INCIDENT_STATES.find((r) => r.value === 4)!.description).toBe('cancelled');
  });

  it('orders severity: maintenance < degraded < partial < major, and maps to indicators', () => {
    expect(worstComponentState([1, 0])).toBe(1);
    expect(worstComponentState([1, 2])).toBe(2);
    expect(worstComponentState([])).toBe(0);
    expect(COMPONENT_STATES.map((r) => componentStateToIndicator(r.value))).toEqual([
      'none',
      'none',
      'minor',
      'major',
      'critical',
    ]);
    expect(worstIndicator(['minor', 'critical', 'none'])).toBe('critical');
  });
});
