/**
 * The restart routes in `/api/openapi.json`. They sit outside the native route table (their
 * answers and errors follow k8s-restart-app's), so they are described here, from the schemas in
 * ./schemas.ts.
 */
import { errorReply, jsonReply, schemaOf } from '../openapi-parts.ts';
import {
  restartAccepted,
  restartEntry,
  restartHistory,
  restartRequestBody,
  serviceList,
} from './schemas.ts';

const pathParam = (name: string, description?: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  ...(description ? { description } : {}),
});

const credentials = (scope: 'read' | 'admin') => ({
  security: [{ bearer: [scope] }, { basic: [] }],
  'x-required-scope': scope,
});

const refusals = (scope: 'read' | 'admin') => ({
  401: errorReply('No or unknown credentials'),
  403: errorReply(`The credentials lack the "${scope}" scope`),
  429: errorReply('Too many failed credentials from this client'),
});

const accepted = {
  202: {
    ...jsonReply('Taken; the agent carries it out. `Location` names the restart.', restartAccepted),
    headers: { Location: { schema: { type: 'string' } } },
  },
  400: errorReply('A kind other than Deployment or StatefulSet, or several clusters match'),
  404: errorReply('No agent allows restarting this workload'),
  423: errorReply('The workload is restarting; try when that restart ends'),
  503: errorReply('Not enough storage targets took the write; nothing changed'),
};

export function restartOperations(): Record<string, Record<string, unknown>> {
  return {
    '/api/v1/service': {
      get: {
        operationId: 'listRestartTargets',
        summary: "The workloads the agents allow restarting, in k8s-restart-app's format.",
        ...credentials('read'),
        parameters: [],
        responses: { 200: jsonReply('The allowed workloads', serviceList), ...refusals('read') },
      },
    },
    '/api/v1/service/{kind}/{namespace}/{name}/restart': {
      post: {
        operationId: 'restartWorkload',
        summary:
          'Restart a workload (as `kubectl rollout restart` does), carried out by the agent.',
        ...credentials('admin'),
        parameters: [
          pathParam('kind', 'Deployment or StatefulSet (case-sensitive)'),
          pathParam('namespace'),
          pathParam('name'),
          {
            name: 'cluster',
            in: 'query',
            required: false,
            schema: { type: 'string' },
            description: 'Needed only when several clusters allow the same workload.',
          },
        ],
        responses: { ...accepted, ...refusals('admin') },
      },
    },
    '/api/v1/service/status': {
      get: {
        operationId: 'restartStatusStream',
        summary:
          'Live status of every allowed workload: a WebSocket (`Upgrade: websocket`), or Server-Sent Events with `Accept: text/event-stream`. Each message is one entry of `listRestartTargets`.',
        ...credentials('read'),
        parameters: [],
        responses: {
          101: { description: 'WebSocket opened' },
          200: { description: 'Event stream', content: { 'text/event-stream': {} } },
          400: errorReply('Neither a WebSocket nor an event stream was asked for'),
          ...refusals('read'),
        },
      },
    },
    '/api/v1/restarts': {
      get: {
        operationId: 'listRestarts',
        summary: 'The allowed workloads and the latest restarts, newest first.',
        ...credentials('read'),
        parameters: [
          {
            name: 'limit',
            in: 'query',
            required: false,
            schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          },
        ],
        responses: { 200: jsonReply('Targets and history', restartHistory), ...refusals('read') },
      },
      post: {
        operationId: 'requestRestart',
        summary: 'Restart a workload; the same as `restartWorkload`, with a JSON body.',
        ...credentials('admin'),
        parameters: [],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: schemaOf(restartRequestBody, 'input') } },
        },
        responses: {
          ...accepted,
          400: errorReply(
            'Not JSON, a missing field, or a kind other than Deployment or StatefulSet',
          ),
          ...refusals('admin'),
        },
      },
    },
    '/api/v1/restarts/{id}': {
      get: {
        operationId: 'getRestart',
        summary: "One restart, with the agent's last report.",
        ...credentials('read'),
        parameters: [pathParam('id')],
        responses: {
          200: jsonReply('The restart', restartEntry),
          404: errorReply('No restart with this id'),
          ...refusals('read'),
        },
      },
    },
  };
}
