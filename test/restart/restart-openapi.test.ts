import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, startHealthApp, type HealthApp } from '../support/cluster-health-app.ts';
import { cartDeployment, clusterSnapshot } from '../support/cluster-snapshot.ts';

type Schema = Record<string, unknown>;
interface Document {
  paths: Record<
    string,
    Record<
      string,
      {
        security: unknown[];
        'x-required-scope': string;
        responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
}

let t: HealthApp;
let doc: Document;
beforeEach(async () => {
  t = await startHealthApp();
  expect(
    (await t.push(clusterSnapshot({ workloads: [cartDeployment({ restartAllowed: true })] })))
      .status,
  ).toBe(200);
  doc = (await (await t.request('/api/openapi.json')).json()) as Document;
});
afterEach(() => t.stop());

const ajv = new Ajv2020({ strict: false, allErrors: true });

/** The answer's status is declared for the route, and its body matches the declared schema. */
async function conforms(path: string, method: string, response: Response): Promise<unknown> {
  const declared = doc.paths[path]?.[method]?.responses[response.status];
  expect(declared, `${method} ${path} does not declare ${response.status}`).toBeDefined();
  const body: unknown = await response.json();
  let schema = declared!.content!['application/json']!.schema;
  if (schema.$ref === '#/components/schemas/Error') schema = doc.components.schemas.Error!;
  const validate = ajv.compile(schema);
  expect(
    validate(body),
    `${method} ${path} ${response.status}: ${ajv.errorsText(validate.errors)}`,
  ).toBe(true);
  return body;
}

const RESTART = '/api/v1/service/{kind}/{namespace}/{name}/restart';

describe('the restart routes in /api/openapi.json', () => {
  it('are described with their scopes', () => {
    expect(doc.paths['/api/v1/service']!.get!['x-required-scope']).toBe('read');
    expect(doc.paths[RESTART]!.post!['x-required-scope']).toBe('admin');
    expect(doc.paths['/api/v1/restarts']!.post!['x-required-scope']).toBe('admin');
    expect(doc.paths['/api/v1/restarts/{id}']!.get!['x-required-scope']).toBe('read');
    expect(Object.keys(doc.paths['/api/v1/service/status']!.get!.responses)).toContain('101');
  });

  it('match what the routes answer, errors included', async () => {
    const auth = { authorization: ADMIN_AUTH };
    await conforms(
      '/api/v1/service',
      'get',
      await t.request('/api/v1/service', { auth: ADMIN_AUTH }),
    );
    const taken = await t.request('/api/v1/service/Deployment/shop/cart/restart', {
      method: 'POST',
      auth: ADMIN_AUTH,
    });
    const { id } = (await conforms(RESTART, 'post', taken)) as { id: string };
    expect(taken.headers.get('location')).toBe(`/api/v1/restarts/${id}`);
    await conforms(
      RESTART,
      'post',
      await t.request('/api/v1/service/Deployment/shop/cart/restart', {
        method: 'POST',
        auth: ADMIN_AUTH,
      }),
    );
    await conforms(
      RESTART,
      'post',
      await t.request('/api/v1/service/deployment/shop/cart/restart', {
        method: 'POST',
        auth: ADMIN_AUTH,
      }),
    );
    await conforms(
      RESTART,
      'post',
      await t.request('/api/v1/service/Deployment/shop/other/restart', {
        method: 'POST',
        auth: ADMIN_AUTH,
      }),
    );
    await conforms(
      RESTART,
      'post',
      await t.request('/api/v1/service/Deployment/shop/cart/restart', { method: 'POST' }),
    );
    const history = (await conforms(
      '/api/v1/restarts',
      'get',
      await t.request('/api/v1/restarts', { headers: auth }),
    )) as { restarts: { id: string }[] };
    expect(history.restarts.map((r) => r.id)).toEqual([id]);
    await conforms(
      '/api/v1/restarts/{id}',
      'get',
      await t.request(`/api/v1/restarts/${id}`, { auth: ADMIN_AUTH }),
    );
    await conforms(
      '/api/v1/restarts/{id}',
      'get',
      await t.request('/api/v1/restarts/nope', { auth: ADMIN_AUTH }),
    );
    await conforms(
      '/api/v1/restarts',
      'post',
      await t.request('/api/v1/restarts', {
        method: 'POST',
        auth: ADMIN_AUTH,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'Deployment', namespace: 'shop' }),
      }),
    );
  });
});
