import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import type { Logger } from '../../logger.ts';
import { CLUSTER_KIND } from '../../cluster/object-states.ts';
import { clusterSnapshot, nextSnapshot } from '../../../test/support/cluster-snapshot.ts';
import {
  startReplicas,
  TEST_NOW,
  testConfig,
  type Replicas,
} from '../../../test/support/domain-fixtures.ts';

const TOKEN = 'prod-eu-agent-token-0123456789';
const OTHER_TOKEN = 'staging-agent-token-0123456789';
const URL_ = 'http://localhost/api/agent/v1/snapshots';

let replicas: Replicas | undefined;
afterEach(async () => {
  await replicas?.stop();
  replicas = undefined;
});

async function setup() {
  replicas = await startReplicas(1, 1, () => TEST_NOW);
  const logs: string[] = [];
  const record = (level: string) => (details: object, message: string) =>
    logs.push(`${level} ${message} ${JSON.stringify(details)}`);
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  const store = replicas.stores[0]!;
  const app = createApp({
    config: testConfig({
      agents: [
        { cluster: 'prod-eu', token: TOKEN },
        { cluster: 'staging', token: OTHER_TOKEN },
      ],
    }),
    store,
    logger,
    startedAt: new Date(TEST_NOW),
    version: 'test',
    now: () => TEST_NOW,
  });
  const push = (
    body: unknown,
    init: { token?: string | null; headers?: Record<string, string>; raw?: BodyInit } = {},
  ) => {
    const headers = new Headers({ 'content-type': 'application/json', ...init.headers });
    if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? TOKEN}`);
    return app.request(URL_, {
      method: 'POST',
      headers,
      body: init.raw ?? JSON.stringify(body),
    });
  };
  return { app, push, logs, store };
}

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string; details?: unknown } })
    .error;

describe('POST /api/agent/v1/snapshots', () => {
  it('takes a snapshot and writes one record per object at first sight', async () => {
    const { push, store } = await setup();
    const response = await push(clusterSnapshot());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      cluster: 'prod-eu',
      instance: 'agent-a',
      sequence: 1,
      ignored: false,
      transitions: 3,
      pending: 0,
    });
    expect(store.get(CLUSTER_KIND.service, 'prod-eu/shop/cart')!.body).toMatchObject({
      state: 'available',
    });
  });

  it('takes gzip (Content-Encoding: gzip)', async () => {
    const { push } = await setup();
    const response = await push(undefined, {
      headers: { 'content-encoding': 'gzip' },
      raw: gzipSync(JSON.stringify(clusterSnapshot())),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ignored: false, transitions: 3 });
  });

  it('answers 401 without a token, and 403 for a wrong one without naming any cluster', async () => {
    const { push } = await setup();
    const missing = await push(clusterSnapshot(), { token: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await push(clusterSnapshot(), { token: 'guessed-token-0123456789' });
    expect(wrong.status).toBe(403);
    const text = JSON.stringify(await errorOf(wrong));
    expect(text).toContain('not valid');
    expect(text).not.toMatch(/prod-eu|staging/);
  });

  it("refuses a snapshot for another cluster than the token's, naming both", async () => {
    const { push } = await setup();
    const response = await push(clusterSnapshot({ cluster: 'staging' }));
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toBe(
      'this token is for cluster "prod-eu", not "staging"',
    );
  });

  it('throttles a client guessing tokens, whatever it sends next', async () => {
    const { push } = await setup();
    for (let i = 0; i < 5; i++)
      expect((await push(clusterSnapshot(), { token: `guess-${i}-0123456789abc` })).status).toBe(
        403,
      );
    const blocked = await push(clusterSnapshot());
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('names the bad field of an invalid snapshot', async () => {
    const { push } = await setup();
    const snapshot = clusterSnapshot();
    const bad = { ...snapshot, services: [{ ...snapshot.services[0], readyEndpoints: -1 }] };
    const response = await push(bad);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/^invalid snapshot: services\[0\]\.readyEndpoints: /);
  });

  it('refuses bad JSON, another media type and another encoding', async () => {
    const { push } = await setup();
    expect((await push(undefined, { raw: '{"version": 1,' })).status).toBe(400);
    expect(
      (await push(undefined, { raw: '{}', headers: { 'content-type': 'text/plain' } })).status,
    ).toBe(415);
    const brotli = await push(clusterSnapshot(), { headers: { 'content-encoding': 'br' } });
    expect(brotli.status).toBe(415);
    expect((await errorOf(brotli)).message).toContain('"br"');
    const corrupt = await push(undefined, {
      headers: { 'content-encoding': 'gzip' },
      raw: gzipSync(JSON.stringify(clusterSnapshot())).subarray(0, 40),
    });
    expect(corrupt.status).toBe(400);
    expect((await errorOf(corrupt)).message).toMatch(/not valid gzip/);
  });

  it('refuses a body over 2 MiB (413)', async () => {
    const { push } = await setup();
    const response = await push(undefined, { raw: `${' '.repeat(3 * 1024 * 1024)}{}` });
    expect(response.status).toBe(413);
  });

  it('stops inflating a zip bomb at the limit (413), without holding what it inflates to', async () => {
    const { push } = await setup();
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20));
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    const response = await push(undefined, { headers: { 'content-encoding': 'gzip' }, raw: bomb });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).message).toMatch(/inflates to more than/);
  });

  it('ignores an older sequence number from the same agent instance', async () => {
    const { push, store } = await setup();
    const snapshot = clusterSnapshot({ sequence: 10 });
    await push(snapshot);
    const older = nextSnapshot(snapshot, {
      sequence: 9,
      services: [{ ...snapshot.services[0]!, readyEndpoints: 0 }],
    });
    const response = await push(older);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ignored: true, reason: 'stale_sequence' });
    expect(store.get(CLUSTER_KIND.service, 'prod-eu/shop/cart')!.body).toMatchObject({
      state: 'available',
    });
  });

  it('answers a standby replica with ignored: true, naming the instance that is believed', async () => {
    const { push } = await setup();
    await push(clusterSnapshot({ agent: { instance: 'agent-a', version: '0.1.0' } }));
    const response = await push(
      clusterSnapshot({ agent: { instance: 'agent-b', version: '0.1.0' } }),
    );
    expect(await response.json()).toMatchObject({
      ignored: true,
      reason: 'standby',
      source: 'agent-a',
    });
  });

  it('never shows a token in a log line or an answer', async () => {
    const { push, logs } = await setup();
    const answers = [
      await push(clusterSnapshot()),
      await push(clusterSnapshot(), { token: OTHER_TOKEN }),
      await push({}, { token: TOKEN }),
    ];
    const texts = await Promise.all(answers.map((a) => a.text()));
    for (const text of [...texts, ...logs]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(OTHER_TOKEN);
    }
  });
});
