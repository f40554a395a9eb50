/**
 * The one table between statusetat's integer states and Statuspage's strings. Every API and page
 * translates through the functions below, so a state can never mean two things in two places.
 */

/** statusetat `IncidentState`: 0 unresolved, 1 resolved, 2 monitoring, 3 idle, 4 cancelled. */
export type IncidentState = 0 | 1 | 2 | 3 | 4;
/** statusetat `ComponentState`; "worse" is a higher number, as in statusetat. */
export type ComponentState = 0 | 1 | 2 | 3 | 4;

export type StatuspageIncidentStatus =
  'investigating' | 'identified' | 'monitoring' | 'resolved' | 'postmortem';
export type StatuspageMaintenanceStatus = 'scheduled' | 'in_progress' | 'verifying' | 'completed';
export type StatuspageComponentStatus =
  'operational' | 'under_maintenance' | 'degraded_performance' | 'partial_outage' | 'major_outage';
export type StatuspageIndicator = 'none' | 'minor' | 'major' | 'critical';
export type StatuspageImpact = StatuspageIndicator | 'maintenance';

export interface IncidentStateRow {
  value: IncidentState;
  /** The name used by the native API and in statusetat's flags endpoint. */
  name: 'unresolved' | 'resolved' | 'monitoring' | 'idle' | 'cancelled';
  /** Shown to people (flags endpoint, admin UI). */
  description: string;
  /** Still needs attention: counts towards component status. Cancelled means "never happened", so it is closed. */
  open: boolean;
  /** The Statuspage status of a non-scheduled incident in this state. */
  incident: StatuspageIncidentStatus;
  /**
   * The Statuspage status of a maintenance in this state while inside its window; outside the
   * window the clock decides (scheduled before, completed after), see maintenancePhase().
   */
  maintenance: StatuspageMaintenanceStatus;
}

export const INCIDENT_STATES: readonly IncidentStateRow[] = [
  {
    value: 0,
    name: 'unresolved',
    description: 'unresolved',
    open: true,
    incident: 'investigating',
    maintenance: 'in_progress',
  },
  {
    value: 1,
    name: 'resolved',
    description: 'resolved',
    open: false,
    incident: 'resolved',
    maintenance: 'completed',
  },
  {
    value: 2,
    name: 'monitoring',
    description: 'monitoring',
    open: true,
    incident: 'monitoring',
    maintenance: 'verifying',
  },
  // Idle is "acknowledged, waiting": the nearest Statuspage word for an incident is "identified".
  {
    value: 3,
    name: 'idle',
    description: 'idle',
    open: true,
    incident: 'identified',
    maintenance: 'in_progress',
  },
  // Statuspage has no "cancelled": it is reported as closed. The reverse lookup of "resolved" gives 1.
  {
    value: 4,
    name: 'cancelled',
    description: 'cancelled',
    open: false,
    incident: 'resolved',
    maintenance: 'completed',
  },
];

/** Statuspage statuses that have no row of their own, and the state they are stored as. */
const INCIDENT_STATUS_ALIASES: Partial<Record<StatuspageIncidentStatus, IncidentState>> = {
  postmortem: 1,
};

export interface ComponentStateRow {
  value: ComponentState;
  /** statusetat's text, shown on pages and by `/v1/flags/component_states`. */
  description: string;
  statuspage: StatuspageComponentStatus;
  /** What this state contributes to the Statuspage rollup indicator. */
  indicator: StatuspageIndicator;
}

export const COMPONENT_STATES: readonly ComponentStateRow[] = [
  { value: 0, description: 'Operational', statuspage: 'operational', indicator: 'none' },
  {
    value: 1,
    description: 'Under Maintenance',
    statuspage: 'under_maintenance',
    indicator: 'none',
  },
  {
    value: 2,
    description: 'Degraded Performance',
    statuspage: 'degraded_performance',
    indicator: 'minor',
  },
  { value: 3, description: 'Partial Outage', statuspage: 'partial_outage', indicator: 'major' },
  { value: 4, description: 'Major Outage', statuspage: 'major_outage', indicator: 'critical' },
];

export const INDICATOR_ORDER: readonly StatuspageIndicator[] = [
  'none',
  'minor',
  'major',
  'critical',
];

export function isIncidentState(value: unknown): value is IncidentState {
  return INCIDENT_STATES.some((row) => row.value === value);
}

export function isComponentState(value: unknown): value is ComponentState {
  return COMPONENT_STATES.some((row) => row.value === value);
}

export function incidentStateRow(state: IncidentState): IncidentStateRow {
  return INCIDENT_STATES.find((row) => row.value === state)!;
}

export function componentStateRow(state: ComponentState): ComponentStateRow {
  return COMPONENT_STATES.find((row) => row.value === state)!;
}

export function isOpenState(state: IncidentState): boolean {
  return incidentStateRow(state).open;
}

export function incidentStateByName(name: string): IncidentState | undefined {
  return INCIDENT_STATES.find((row) => row.name === name)?.value;
}

export function incidentStateToStatuspage(state: IncidentState): StatuspageIncidentStatus {
  return incidentStateRow(state).incident;
}

export function incidentStateFromStatuspage(status: StatuspageIncidentStatus): IncidentState {
  return (
    INCIDENT_STATUS_ALIASES[status] ?? INCIDENT_STATES.find((row) => row.incident === status)!.value
  );
}

export function maintenanceStateFromStatuspage(status: StatuspageMaintenanceStatus): IncidentState {
  // "scheduled" and "in_progress" differ only by the clock, so both are stored as unresolved.
  if (status === 'scheduled') return 0;
  return INCIDENT_STATES.find((row) => row.maintenance === status)!.value;
}

export function componentStateToStatuspage(state: ComponentState): StatuspageComponentStatus {
  return componentStateRow(state).statuspage;
}

export function componentStateFromStatuspage(status: StatuspageComponentStatus): ComponentState {
  return COMPONENT_STATES.find((row) => row.statuspage === status)!.value;
}

export function componentStateToIndicator(state: ComponentState): StatuspageIndicator {
  return componentStateRow(state).indicator;
}

export function worstComponentState(states: Iterable<ComponentState>): ComponentState {
  let worst: ComponentState = 0;
  for (const state of states) if (state > worst) worst = state;
  return worst;
}

export function worstIndicator(indicators: Iterable<StatuspageIndicator>): StatuspageIndicator {
  let worst = 0;
  for (const indicator of indicators) worst = Math.max(worst, INDICATOR_ORDER.indexOf(indicator));
  return INDICATOR_ORDER[worst]!;
}
