import { afterEach, describe, expect, it } from 'vitest';
import {
  snapshotWhere,
  startHarness,
  TOKEN,
  waitFor,
  type Harness,
} from '../support/agent-harness.ts';
import { endpoints, endpointSlice, service } from '../support/kube-objects.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const cart = (snapshot: {
  services: Array<{ namespace: string; name: string; readyEndpoints: number }>;
}) => snapshot.services.find((item) => item.namespace === 'shop' && item.name === 'cart');

describe('agent: Service endpoints', () => {
  it('reports a Service losing its last ready endpoint and regaining it, joining its slices', async () => {
    harness = await startHarness({}, {}, (api) => {
      api.apply('services', service('shop', 'cart'));
      api.apply(
        'endpointslices',
        endpointSlice('shop', 'cart', 'a1', [{ ip: '10.0.0.1', ready: true }]),
      );
      // A second slice whose endpoint has no conditions at all: the API's "unknown", read as ready.
      api.apply('endpointslices', endpointSlice('shop', 'cart', 'b2', [{ ip: '10.0.0.2' }]));
    });
    const { api, app } = harness;
    const first = await waitFor('first snapshot', () => app.latest);
    expect(cart(first)?.readyEndpoints).toBe(2);
    expect(app.received[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(app.received[0]!.encoding).toBe('gzip');

    api.remove('endpointslices', 'shop', 'cart-b2');
    api.apply(
      'endpointslices',
      endpointSlice('shop', 'cart', 'a1', [
        { ip: '10.0.0.1', ready: false, serving: true, terminating: true },
      ]),
    );
    const lost = await waitFor(
      'no ready endpoint',
      snapshotWhere(app, (s) => cart(s)?.readyEndpoints === 0),
    );
    expect(cart(lost)).toMatchObject({
      readyEndpoints: 0,
      servingEndpoints: 1,
      terminatingEndpoints: 1,
    });

    api.apply(
      'endpointslices',
      endpointSlice('shop', 'cart', 'a1', [{ ip: '10.0.0.3', ready: true }]),
    );
    await waitFor(
      'ready again',
      snapshotWhere(app, (s) => cart(s)?.readyEndpoints === 1),
    );
    const sequences = app.received.map((item) => item.snapshot.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
  });

  it('uses core Endpoints only where the cluster has no EndpointSlices API', async () => {
    harness = await startHarness({}, { noEndpointSlices: true }, (api) => {
      api.apply('services', service('shop', 'cart'));
      api.apply('endpoints', endpoints('shop', 'cart', ['10.0.0.1'], ['10.0.0.2']));
    });
    const { api, app } = harness;
    const first = await waitFor('first snapshot', () => app.latest);
    expect(cart(first)?.readyEndpoints).toBe(1);
    expect(api.requests.some((request) => request.path.includes('endpointslices'))).toBe(false);
    api.apply('endpoints', endpoints('shop', 'cart', [], ['10.0.0.1', '10.0.0.2']));
    await waitFor(
      'no ready address',
      snapshotWhere(app, (s) => cart(s)?.readyEndpoints === 0),
    );
  });
});
