/** Incidents, maintenance and known issues, and their updates. */
import {
  addMessage,
  createIncident,
  deleteIncident,
  deleteMessage,
  resolveIncident,
  updateIncident,
  updateMessage,
  type IncidentPatch,
} from '../../domain/incidents.ts';
import { findIncident, mainMessage } from '../../domain/status.ts';
import {
  componentStateFromStatuspage,
  incidentStateByName,
  isOpenState,
  type IncidentState,
} from '../../domain/types.ts';
import { ApiError } from '../errors.ts';
import type { ApiDeps } from '../api-deps.ts';
import { formatCursor, isAfter, parseCursor } from './cursor.ts';
import { defineRoute } from './define.ts';
import { flagsOf, incidentResourceOf, typeOf } from './present.ts';
import {
  createIncidentBody,
  editUpdateBody,
  incidentList,
  incidentResource,
  listIncidentsQuery,
  patchIncidentBody,
  postUpdateBody,
  resolveBody,
} from './schemas.ts';

const stateOf = (name: string): IncidentState => incidentStateByName(name)!;
const metadataList = (record: Record<string, string> | undefined) =>
  record ? Object.entries(record).map(([key, value]) => ({ key, value })) : undefined;

function existing(deps: ApiDeps, id: string) {
  const incident = findIncident(deps.read.view(), id);
  if (!incident) throw new ApiError('not_found', `incident "${id}" not found`);
  return incident;
}

const silence = (body: { deliver_notifications: boolean }) => ({
  silent: !body.deliver_notifications,
});

const present = (deps: ApiDeps) => (incident: Parameters<typeof incidentResourceOf>[0]) =>
  incidentResourceOf(incident, deps.now());

export const incidentRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/incidents',
    operationId: 'listIncidents',
    summary: 'List incidents, maintenance and known issues, newest start first.',
    scope: 'read',
    query: listIncidentsQuery,
    response: incidentList,
    status: 200,
    handle({ deps, query }) {
      const cursor = query.before === undefined ? null : parseCursor(query.before);
      const matching = deps.read
        .view()
        .incidents.filter(
          (i) =>
            (query.type === undefined || typeOf(i) === query.type) &&
            (query.state === 'all' || isOpenState(i.state) === (query.state === 'open')) &&
            (cursor === null || isAfter(i, cursor)),
        );
      const page = matching.slice(0, query.limit);
      const more = matching.length > query.limit;
      return {
        incidents: page.map(present(deps)),
        next_before: more ? formatCursor(page[page.length - 1]!) : null,
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/incidents',
    operationId: 'createIncident',
    summary: 'Open an incident, schedule a maintenance or record a known issue.',
    scope: 'write:incidents',
    body: createIncidentBody,
    response: incidentResource,
    status: 201,
    async handle({ deps, actor, body }) {
      const incident = await createIncident(
        deps.domain,
        actor,
        {
          ...flagsOf(body.type),
          state: stateOf(body.state),
          component_state: componentStateFromStatuspage(body.component_status),
          components: body.components,
          messages: [{ title: body.title, content: body.content }],
          metadata: metadataList(body.metadata),
          created_at: body.starts_at,
          scheduled_end: body.ends_at,
        },
        silence(body),
      );
      return present(deps)(incident);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/incidents/{id}',
    operationId: 'getIncident',
    summary: 'One incident with its updates.',
    scope: 'read',
    response: incidentResource,
    status: 200,
    handle: ({ deps, params }) => present(deps)(existing(deps, params.id!)),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/incidents/{id}',
    operationId: 'updateIncident',
    summary: 'Change fields of an incident; only the fields sent change.',
    scope: 'write:incidents',
    body: patchIncidentBody,
    response: incidentResource,
    status: 200,
    async handle({ deps, actor, params, body }) {
      const current = existing(deps, params.id!);
      const opening = mainMessage(current);
      const patch: IncidentPatch = {
        ...(body.type !== undefined && flagsOf(body.type)),
        ...(body.state !== undefined && { state: stateOf(body.state) }),
        ...(body.component_status !== undefined && {
          component_state: componentStateFromStatuspage(body.component_status),
        }),
        ...(body.components !== undefined && { components: body.components }),
        ...(body.starts_at !== undefined && { created_at: body.starts_at }),
        ...(body.ends_at !== undefined && { scheduled_end: body.ends_at }),
        ...(body.metadata !== undefined && { metadata: metadataList(body.metadata) }),
        ...(body.title !== undefined &&
          opening && { edit_message: { guid: opening.guid, title: body.title } }),
      };
      return present(deps)(
        await updateIncident(deps.domain, actor, current.guid, patch, silence(body)),
      );
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/incidents/{id}',
    operationId: 'deleteIncident',
    summary: 'Delete an incident and its updates.',
    scope: 'write:incidents',
    status: 204,
    async handle({ deps, actor, params }) {
      await deleteIncident(deps.domain, actor, params.id!);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/incidents/{id}/updates',
    operationId: 'postUpdate',
    summary: 'Post an update, optionally moving the incident to a new state.',
    scope: 'write:incidents',
    body: postUpdateBody,
    response: incidentResource,
    status: 201,
    async handle({ deps, actor, params, body }) {
      const incident = await addMessage(
        deps.domain,
        actor,
        params.id!,
        {
          title: body.title,
          content: body.content,
          created_at: body.created_at,
          state: body.state === undefined ? undefined : stateOf(body.state),
          component_state:
            body.component_status === undefined
              ? undefined
              : componentStateFromStatuspage(body.component_status),
        },
        silence(body),
      );
      return present(deps)(incident);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/incidents/{id}/updates/{update_id}',
    operationId: 'editUpdate',
    summary: "Edit an update's title or content.",
    scope: 'write:incidents',
    body: editUpdateBody,
    response: incidentResource,
    status: 200,
    async handle({ deps, actor, params, body }) {
      const message = existing(deps, params.id!).messages.find((m) => m.guid === params.update_id);
      if (!message) throw new ApiError('not_found', `update "${params.update_id}" not found`);
      // What is not sent is filled in by the domain under the incident's lock, so a concurrent edit of it stays.
      const incident = await updateMessage(deps.domain, actor, params.id!, message.guid, {
        title: body.title,
        content: body.content,
      });
      return present(deps)(incident);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/incidents/{id}/updates/{update_id}',
    operationId: 'deleteUpdate',
    summary: 'Delete an update; the last one cannot be deleted (delete the incident instead).',
    scope: 'write:incidents',
    response: incidentResource,
    status: 200,
    handle: async ({ deps, actor, params }) =>
      present(deps)(await deleteMessage(deps.domain, actor, params.id!, params.update_id!)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/incidents/{id}/resolve',
    operationId: 'resolveIncident',
    summary: 'Resolve (or complete) with a closing update.',
    scope: 'write:incidents',
    body: resolveBody,
    bodyOptional: true,
    response: incidentResource,
    status: 200,
    handle: async ({ deps, actor, params, body }) => {
      if (!body) return present(deps)(await resolveIncident(deps.domain, actor, params.id!));
      const { deliver_notifications: _flag, ...update } = body;
      return present(deps)(
        await resolveIncident(deps.domain, actor, params.id!, update, silence(body)),
      );
    },
  }),
];
