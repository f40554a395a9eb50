/** Domain objects as native API resources (shapes in ./schemas.ts). */
import type { z } from 'zod';
import { renderMarkdown } from '../../domain/markdown.ts';
import { incidentTitle, maintenancePhase, type ComponentStatus } from '../../domain/status.ts';
import { isZeroTime } from '../../domain/time.ts';
import {
  componentStateToStatuspage,
  incidentStateRow,
  incidentStateToStatuspage,
  type AuditEntry,
  type ComponentOverride,
  type Incident,
} from '../../domain/types.ts';
import type {
  auditResource,
  componentResource,
  incidentResource,
  incidentType,
} from './schemas.ts';

export type IncidentType = z.infer<typeof incidentType>;

export const typeOf = (incident: Pick<Incident, 'persistent' | 'is_scheduled'>): IncidentType =>
  incident.persistent ? 'known_issue' : incident.is_scheduled ? 'maintenance' : 'incident';

/** The domain flags for a resource type. */
export const flagsOf = (type: IncidentType) => ({
  is_scheduled: type === 'maintenance',
  persistent: type === 'known_issue',
});

export function incidentResourceOf(
  incident: Incident,
  now: number,
): z.infer<typeof incidentResource> {
  const type = typeOf(incident);
  return {
    id: incident.guid,
    type,
    title: incidentTitle(incident),
    state: incidentStateRow(incident.state).name,
    status:
      type === 'maintenance'
        ? maintenancePhase(incident, now)
        : incidentStateToStatuspage(incident.state),
    component_status: componentStateToStatuspage(incident.component_state),
    components: incident.components,
    starts_at: incident.created_at,
    ends_at: isZeroTime(incident.scheduled_end) ? null : incident.scheduled_end,
    updated_at: incident.updated_at,
    metadata: Object.fromEntries(incident.metadata.map((m) => [m.key, m.value])),
    updates: incident.messages.map((m) => ({
      id: m.guid,
      title: m.title,
      content: m.content,
      content_html: renderMarkdown(m.content),
      state: m.incident_state === undefined ? null : incidentStateRow(m.incident_state).name,
      created_at: m.created_at,
    })),
  };
}

export function componentResourceOf(
  status: ComponentStatus,
  override: ComponentOverride | undefined,
): z.infer<typeof componentResource> {
  return {
    id: status.component.id,
    name: status.component.name,
    group: status.component.group || null,
    description: status.component.description,
    status: componentStateToStatuspage(status.state),
    sources: status.sources.map((s) => ({
      kind: s.kind,
      id: s.id,
      status: componentStateToStatuspage(s.state),
    })),
    override: override
      ? {
          status: componentStateToStatuspage(override.state),
          note: override.note,
          updated_at: override.updated_at,
          updated_by: override.updated_by,
        }
      : null,
  };
}

export const auditResourceOf = (entry: AuditEntry): z.infer<typeof auditResource> => entry;
