/**
 * `/api/openapi.json`: an OpenAPI 3.1 document generated from the native API's route table and
 * the very zod schemas that validate its requests (z.toJSONSchema), so it cannot drift; the
 * restart routes, which live outside that table, describe themselves in ./restart/openapi.ts.
 */
import { Hono } from 'hono';
import type { NativeRoute } from './native/define.ts';
import { NATIVE_ROUTES } from './native/index.ts';
import { errorResponse, subscriptionBody, subscriptionResult } from './native/schemas.ts';
import { errorReply, schemaOf, type JsonSchema } from './openapi-parts.ts';
import { restartOperations } from './restart/openapi.ts';

function parameters(route: NativeRoute) {
  const path = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const query = route.query ? schemaOf(route.query, 'input') : undefined;
  const properties = (query?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  return [
    ...path,
    ...Object.entries(properties).map(([name, schema]) => ({
      name,
      in: 'query',
      required: required.has(name),
      schema,
    })),
  ];
}

function operation(route: NativeRoute) {
  const responses: Record<string, unknown> = {
    [route.status]: route.response
      ? {
          description: 'Success',
          content: { 'application/json': { schema: schemaOf(route.response, 'output') } },
        }
      : { description: 'Done' },
    401: errorReply('No or unknown credentials'),
    403: errorReply(`The credentials lack the "${route.scope}" scope`),
  };
  if (route.path.includes('{')) responses[404] = errorReply('Unknown id');
  if (route.body || route.query)
    responses[400] = errorReply('Invalid input; `details` names each failing field');
  if (route.body) {
    responses[413] = errorReply('Body larger than 256 KiB');
    responses[415] = errorReply('Body is not JSON');
  }
  if (route.method !== 'get')
    responses[503] = errorReply('Not enough storage targets took the write; nothing changed');
  return {
    operationId: route.operationId,
    summary: route.summary,
    security: [{ bearer: [route.scope] }, { basic: [] }],
    'x-required-scope': route.scope,
    parameters: parameters(route),
    ...(route.body && {
      requestBody: {
        required: !route.bodyOptional,
        content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
      },
    }),
    responses,
  };
}

/** The one route without credentials (./native/public-subscriptions.ts), outside the route table. */
function publicSubscription() {
  return {
    operationId: 'requestWebhookSubscription',
    summary:
      'Ask for a webhook subscription (no credentials). It stays pending until the receiver POSTs to the `confirm_url` of the challenge it is sent.',
    security: [],
    parameters: [],
    requestBody: {
      required: true,
      content: { 'application/json': { schema: schemaOf(subscriptionBody, 'input') } },
    },
    responses: {
      202: {
        description: 'Pending; `challenge` says whether the challenge was delivered',
        content: { 'application/json': { schema: schemaOf(subscriptionResult, 'output') } },
      },
      200: {
        description: 'Already confirmed; nothing was sent',
        content: { 'application/json': { schema: schemaOf(subscriptionResult, 'output') } },
      },
      400: errorReply('Invalid input, or a URL that is not called (`details` names `url`)'),
      429: errorReply('Too many sign-ups from this client'),
      503: errorReply('Not enough storage targets took the write; nothing changed'),
    },
  };
}

export function openApiDocument(options: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of NATIVE_ROUTES) (paths[route.path] ??= {})[route.method] = operation(route);
  paths['/api/v1/subscriptions'] = { post: publicSubscription() };
  Object.assign(paths, restartOperations());
  return {
    openapi: '3.1.0',
    info: {
      title: 'Staunch API',
      version: options.version,
      description:
        'The native API of Staunch. Authenticate with an API token from `api_tokens` (Bearer) or the admin user (Basic). ' +
        'Scopes: read; write:incidents (implies read); admin (everything). The statusetat-compatible API lives under /v1 and the Statuspage public API under /api/v2.',
    },
    servers: [{ url: options.serverUrl }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token from the config `api_tokens`.',
        },
        basic: {
          type: 'http',
          scheme: 'basic',
          description: 'The configured admin user; has every scope.',
        },
      },
      schemas: { Error: schemaOf(errorResponse, 'output') },
    },
    paths,
  };
}

export function openApiRoute(options: { version: string; serverUrl: string }): Hono {
  const app = new Hono();
  let document: string | undefined;
  app.get('/api/openapi.json', (c) => {
    document ??= JSON.stringify(openApiDocument(options));
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(document, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
  return app;
}
