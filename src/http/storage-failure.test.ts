/** When too few storage targets take a write, the APIs say so with 503 and nothing changes. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QuorumError } from '../replication/types.ts';
import { AUTH, startTestApp, type TestApp } from '../../test/support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  vi.spyOn(t.replicas.stores[0]!, 'write').mockRejectedValue(
    new QuorumError(2, 1, ['memory://b: down']),
  );
});
afterEach(() => t.stop());

describe('a write that misses its quorum', () => {
  it('is a 503 in statusetat shape on /v1', async () => {
    const response = await t.request('/v1/incidents', {
      method: 'POST',
      auth: AUTH.admin,
      json: { components: ['Public - API'], messages: [{ title: 'x' }] },
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      description: 'Service Unavailable',
      status: 503,
    });
  });

  it('is a 503 storage_unavailable on the native API', async () => {
    const response = await t.request('/api/v1/incidents', {
      method: 'POST',
      auth: AUTH.writer,
      json: { title: 'x', components: ['Public - API'] },
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'storage_unavailable' } });
    expect(t.replicas.stores[0]!.list('incident')).toEqual([]);
  });
});
