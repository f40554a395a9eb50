/** Component statuses, the overall status, and manual component states. */
import { z } from 'zod';
import { clearComponentOverride, setComponentOverride } from '../../domain/components.ts';
import { componentStatuses, overallStatus } from '../../domain/status.ts';
import { componentStateFromStatuspage } from '../../domain/types.ts';
import type { ApiDeps } from '../api-deps.ts';
import { defineRoute } from './define.ts';
import { componentResourceOf } from './present.ts';
import { componentResource, overrideBody, statusResource } from './schemas.ts';

function componentResources(deps: ApiDeps) {
  const view = deps.read.view();
  return componentStatuses(view, deps.now(), deps.extraComponentStates?.()).map((s) =>
    componentResourceOf(s, view.overrides.get(s.component.id)),
  );
}

export const componentRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/status',
    operationId: 'getStatus',
    summary: 'The overall status and every component with what sets its status.',
    scope: 'read',
    response: statusResource,
    status: 200,
    handle({ deps }) {
      const status = overallStatus(deps.read.view(), deps.now(), deps.extraComponentStates?.());
      return {
        indicator: status.indicator,
        description: status.description,
        components: componentResources(deps),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/components',
    operationId: 'listComponents',
    summary: 'Components from the config, in config order, with their current status.',
    scope: 'read',
    response: z.array(componentResource),
    status: 200,
    handle: ({ deps }) => componentResources(deps),
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/components/{id}/override',
    operationId: 'setComponentOverride',
    summary: 'Set a manual status on a component (counts like an open incident until cleared).',
    scope: 'write:incidents',
    body: overrideBody,
    response: componentResource,
    status: 200,
    async handle({ deps, actor, params, body }) {
      await setComponentOverride(deps.domain, actor, params.id!, {
        state: componentStateFromStatuspage(body.status),
        note: body.note,
      });
      return componentResources(deps).find((c) => c.id === params.id)!;
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/components/{id}/override',
    operationId: 'clearComponentOverride',
    summary: 'Remove the manual status of a component.',
    scope: 'write:incidents',
    status: 204,
    async handle({ deps, actor, params }) {
      await clearComponentOverride(deps.domain, actor, params.id!);
    },
  }),
];
