import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NATIVE_ROUTES } from './native/index.ts';
import { restartOperations } from './restart/openapi.ts';
import { AUTH, startTestApp, type TestApp } from '../../test/support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.stop());

type Operation = {
  operationId: string;
  security: unknown[];
  parameters: { name: string; in: string }[];
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } };
  responses: Record<
    string,
    { content?: { 'application/json': { schema: Record<string, unknown> } } }
  >;
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

async function fetchDocument(): Promise<Document> {
  const response = await t.request('/api/openapi.json');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return (await response.json()) as Document;
}

describe('/api/openapi.json', () => {
  it('is an OpenAPI 3.1 document with one operation per native route', async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['basic', 'bearer']);
    for (const route of NATIVE_ROUTES) {
      const operation = doc.paths[route.path]?.[route.method];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation!.responses[route.status]).toBeDefined();
      expect(operation!.responses['401']).toBeDefined();
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(operation!.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(
        pathParams,
      );
    }
    const operations = Object.values(doc.paths).flatMap((p) => Object.values(p));
    // Plus the one public route, which needs no credentials, and the restart routes.
    const restartCount = Object.values(restartOperations()).flatMap((p) => Object.keys(p)).length;
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(
      NATIVE_ROUTES.length + 1 + restartCount,
    );
    expect(doc.paths['/api/v1/subscriptions']!.post!.security).toEqual([]);
  });

  it('takes its request schemas from the zod schemas that validate requests', async () => {
    const doc = await fetchDocument();
    for (const route of NATIVE_ROUTES.filter((r) => r.body)) {
      const { $schema: _dialect, ...expected } = z.toJSONSchema(route.body!, {
        io: 'input',
        target: 'draft-2020-12',
        unrepresentable: 'any',
      }) as Record<string, unknown>;
      expect(
        doc.paths[route.path]![route.method]!.requestBody!.content['application/json'].schema,
      ).toEqual(expected);
    }
    const create = doc.paths['/api/v1/incidents']!.post!.requestBody!.content['application/json']
      .schema as { required: string[]; additionalProperties: boolean };
    expect(create.required.sort()).toEqual(['components', 'title']);
    expect(create.additionalProperties).toBe(false);
  });

  it('describes the responses the API really sends', async () => {
    const doc = await fetchDocument();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const check = (path: string, method: string, status: number, body: unknown) => {
      const declared =
        doc.paths[path]![method]!.responses[status]!.content!['application/json'].schema;
      const schema =
        declared.$ref === '#/components/schemas/Error'
          ? (doc.components.schemas.Error as Record<string, unknown>)
          : declared;
      const validate = ajv.compile(schema);
      expect(validate(body), `${method} ${path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    };
    const created = await t.request('/api/v1/incidents', {
      method: 'POST',
      auth: AUTH.admin,
      json: { title: 'x', components: ['Public - API'], metadata: { a: 'b' } },
    });
    const incident = (await created.json()) as { id: string };
    check('/api/v1/incidents', 'post', 201, incident);
    check(
      '/api/v1/incidents',
      'get',
      200,
      await (await t.request('/api/v1/incidents', { auth: AUTH.admin })).json(),
    );
    check(
      '/api/v1/status',
      'get',
      200,
      await (await t.request('/api/v1/status', { auth: AUTH.admin })).json(),
    );
    check(
      '/api/v1/components',
      'get',
      200,
      await (await t.request('/api/v1/components', { auth: AUTH.admin })).json(),
    );
    check(
      '/api/v1/audit',
      'get',
      200,
      await (await t.request('/api/v1/audit', { auth: AUTH.admin })).json(),
    );
    const problem = await (
      await t.request('/api/v1/incidents', {
        method: 'POST',
        auth: AUTH.admin,
        json: { title: 'x', components: ['nope'] },
      })
    ).json();
    check('/api/v1/incidents', 'post', 400, problem);
  });
});
