import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startKubeApi, type KubeApiServer } from '../../test/support/kube-api-server.ts';
import { service } from '../../test/support/kube-objects.ts';
import { agentOptions, FakeApp, TOKEN, waitFor } from '../../test/support/agent-harness.ts';
import { Agent } from './agent.ts';
import { connect, inClusterAuth, KubeClient, KubeRequestError } from './kube-client.ts';

let api: KubeApiServer | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const folder = () => mkdtempSync(join(tmpdir(), 'staunch-kube-'));

describe('kube client', () => {
  it('reads a kubeconfig file (through client-node) and sends its bearer token', async () => {
    api = await startKubeApi();
    api.apply('services', service('shop', 'cart'));
    const dir = folder();
    const file = join(dir, 'config');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: test',
        'clusters: [{name: stand-in, cluster: {server: "' +
          api.url +
          '", insecure-skip-tls-verify: true}}]',
        'users: [{name: agent, user: {token: kube-token-123}}]',
        'contexts: [{name: test, context: {cluster: stand-in, user: agent}}]',
      ].join('\n'),
    );
    const client = new KubeClient(await connect({ kubeconfig: file }));
    const list = await client.getJson<{ items: unknown[] }>('/api/v1/services');
    expect(list.items).toHaveLength(1);
    expect(api.requests.at(-1)!.authorization).toBe('Bearer kube-token-123');
    await expect(client.getJson('/api/v1/nothing')).rejects.toBeInstanceOf(KubeRequestError);

    // And the agent's watches through it: a change arrives over a watch with the same token.
    const app = await new FakeApp().up();
    const agent = new Agent(agentOptions(api, [{ url: app.url, token: TOKEN }], { client }));
    await agent.start();
    try {
      await waitFor('first', () => app.latest);
      api.apply('services', service('shop', 'pay'));
      await waitFor('watched', () => app.latest?.services.length === 2);
      const watches = api.requests.filter((request) => request.watch);
      expect(watches.every((request) => request.authorization === 'Bearer kube-token-123')).toBe(
        true,
      );
    } finally {
      await agent.stop(200);
      await app.down();
    }
  });

  it('in a pod: the API server from the environment, the token file read again as it rotates', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'ca.crt'), '');
    writeFileSync(join(dir, 'token'), 'first\n');
    let now = 0;
    const auth = inClusterAuth(
      { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' },
      dir,
      () => now,
    );
    expect(auth.server).toBe('https://[fd00::1]:6443');
    const header = async () =>
      ((await auth.requestOptions()).headers as Record<string, string>).authorization;
    expect(await header()).toBe('Bearer first');
    writeFileSync(join(dir, 'token'), 'second\n');
    now += 30_000;
    expect(await header()).toBe('Bearer first');
    now += 31_000;
    expect(await header()).toBe('Bearer second');
  });
});
