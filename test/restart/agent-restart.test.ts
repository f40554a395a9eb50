/**
 * Restarts end to end without a browser: two app instances sharing storage, the agent's restart
 * runner against the stand-in kube API (which records the exact PATCH and rolls the pods).
 */
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/agent/clock.ts';
import { KubeClient, plainServer } from '../../src/agent/kube-client.ts';
import { RestartAllowList } from '../../src/agent/restart-config.ts';
import { RestartRunner } from '../../src/agent/restart-runner.ts';
import { buildApp, type BuiltApp } from '../../src/app.ts';
import { silentLogger } from '../../src/logger.ts';
import { listAudit } from '../../src/domain/audit.ts';
import { startReplicas, testConfig, type Replicas } from '../support/domain-fixtures.ts';
import { startKubeApi, type KubeApiServer } from '../support/kube-api-server.ts';
import { deployment } from '../support/kube-objects.ts';
import { rollOnPatch, seedPods } from '../support/kube-rollout.ts';
import { cartDeployment, clusterSnapshot } from '../support/cluster-snapshot.ts';

const TOKEN = 'prod-eu-agent-token-0123456789';
const ADMIN = `Basic ${btoa('admin:s3cret-password')}`;

interface Instance {
  built: BuiltApp;
  server: ServerType;
  url: string;
}

let kube: KubeApiServer;
let replicas: Replicas;
let instances: Instance[];
let runner: RestartRunner;
let exchange: ReturnType<typeof setInterval>;
let roller: ReturnType<typeof rollOnPatch>;
/** Moves the apps' clock (not the agent's) ahead. */
let skew = 0;

async function listen(built: BuiltApp): Promise<Instance> {
  return new Promise((resolve) => {
    const server = serve({ fetch: built.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ built, server, url: `http://127.0.0.1:${info.port}` }),
    );
  });
}

const close = (instance: Instance) =>
  new Promise<void>((resolve) => {
    instance.server.close(() => resolve());
    (instance.server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  });

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 8000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeEach(async () => {
  kube = await startKubeApi();
  kube.apply('deployments', deployment('shop', 'cart', { replicas: 2 }));
  kube.apply('deployments', deployment('shop', 'payments', { replicas: 1 }));
  seedPods(kube, 'shop', 'cart', 2);
  roller = rollOnPatch(kube, { namespace: 'shop', name: 'cart', replicas: 2, stepMs: 60 });
  replicas = await startReplicas(2, 2, Date.now);
  const config = { ...testConfig(), agents: [{ cluster: 'prod-eu', token: TOKEN }] };
  instances = await Promise.all(
    replicas.stores.map((store) =>
      listen(
        buildApp({
          config,
          store,
          logger: silentLogger,
          startedAt: new Date(),
          version: 'test',
          now: () => Date.now() + skew,
        }),
      ),
    ),
  );
  // What the agent's snapshots say: cart may be restarted, payments may not.
  const snapshot = clusterSnapshot({
    sentAt: new Date().toISOString(),
    workloads: [cartDeployment({ restartAllowed: true }), cartDeployment({ name: 'payments' })],
  });
  for (const instance of instances) {
    const res = await fetch(`${instance.url}/api/agent/v1/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(snapshot),
    });
    expect(res.status).toBe(200);
  }
  exchange = setInterval(() => void replicas.exchange(), 40);
  skew = 0;
  runner = agentRunner('agent-test');
  runner.start();
});

function agentRunner(instance: string): RestartRunner {
  return new RestartRunner({
    apps: instances.map((i) => ({ url: i.url, token: TOKEN })),
    client: new KubeClient(plainServer(kube.url)),
    allowList: new RestartAllowList([{ kind: 'Deployment', namespace: 'shop', name: 'cart' }]),
    clock: systemClock,
    logger: silentLogger,
    pollWaitMs: 1000,
    progressIntervalMs: 30,
    followMs: 20_000,
    instance,
  });
}

afterEach(async () => {
  clearInterval(exchange);
  await runner.stop();
  await Promise.all(instances.map(close));
  await replicas.stop();
  await kube.close();
});

const restartOf = async (instance: Instance, id: string) => {
  const res = await fetch(`${instance.url}/api/v1/restarts/${id}`, {
    headers: { authorization: ADMIN },
  });
  return res.ok
    ? ((await res.json()) as { outcome: string; progress?: { message: string } })
    : undefined;
};

describe('restart carried out by the agent', () => {
  it('patches once as kubectl does, follows the rollout, 423 meanwhile, survives the first instance going away', async () => {
    const [a, b] = instances as [Instance, Instance];
    const res = await fetch(`${a.url}/api/v1/service/Deployment/shop/cart/restart`, {
      method: 'POST',
      headers: { authorization: ADMIN },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };

    const patch = await waitFor('the PATCH', () => kube.patches[0]);
    expect(patch.path).toBe('/apis/apps/v1/namespaces/shop/deployments/cart');
    expect(patch.contentType).toBe('application/strategic-merge-patch+json');
    const body = JSON.parse(patch.body) as {
      spec: { template: { metadata: { annotations: Record<string, string> } } };
    };
    expect(Object.keys(body)).toEqual(['spec']);
    expect(body.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
    );

    // The other instance knows the lock (it is a replicated record).
    await waitFor('the lock on b', async () => {
      const second = await fetch(`${b.url}/api/v1/service/Deployment/shop/cart/restart`, {
        method: 'POST',
        headers: { authorization: ADMIN },
      });
      return second.status === 423 ? true : undefined;
    });

    await waitFor('progress', async () => {
      const entry = await restartOf(b, id);
      return entry?.outcome === 'progressing' ? entry : undefined;
    });
    // The first instance goes away mid-rollout; the agent reports to the second.
    await close(a);
    const done = await waitFor('completion on b', async () => {
      const entry = await restartOf(b, id);
      return entry?.outcome === 'complete' ? entry : undefined;
    });
    expect(done.progress?.message).toBe('deployment "cart" successfully rolled out');
    expect(kube.patches).toHaveLength(1);
    expect(roller.rollouts).toBe(1);
    expect(runner.patched).toEqual([id]);

    // Unlocked: the list says so, and a new request is taken.
    const list = (await (
      await fetch(`${b.url}/api/v1/service`, { headers: { authorization: ADMIN } })
    ).json()) as {
      services: { name: string; is_locked: boolean }[];
    };
    expect(list.services.find((s) => s.name === 'cart')?.is_locked).toBe(false);
    const audit = listAudit(b.built.site.store).entries.map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['restart.request', 'restart.complete']));
  });

  it('an agent restarted mid-rollout: the next agent follows the rollout to its end, without a second PATCH', async () => {
    roller = rollOnPatch(kube, { namespace: 'shop', name: 'cart', replicas: 2, stepMs: 700 });
    const [a] = instances as [Instance];
    const { id } = (await (
      await fetch(`${a.url}/api/v1/service/Deployment/shop/cart/restart`, {
        method: 'POST',
        headers: { authorization: ADMIN },
      })
    ).json()) as { id: string };
    await waitFor('progress', async () => {
      const entry = await restartOf(a, id);
      return entry?.outcome === 'progressing' ? entry : undefined;
    });
    // The agent's process ends mid-rollout; nothing reports for longer than the apps wait.
    await runner.stop();
    expect(runner.patched).toEqual([id]);
    skew = 31_000;
    runner = agentRunner('agent-after-restart');
    runner.start();
    const done = await waitFor('completion', async () => {
      const entry = await restartOf(a, id);
      return entry?.outcome === 'complete' ? entry : undefined;
    });
    expect(done.progress?.message).toBe('deployment "cart" successfully rolled out');
    expect((done.progress as { agent?: string } | undefined)?.agent).toBe('agent-after-restart');
    expect(runner.patched).toEqual([]);
    expect(kube.patches).toHaveLength(1);
    expect(roller.rollouts).toBe(1);
  });

  it('refuses a target that is not on its own list, even when the app holds a request for it', async () => {
    const [, b] = instances as [Instance, Instance];
    // As if the app had been wrong about the list: a request record written straight through the service.
    const taken = await b.built.restarts.request(
      { cluster: 'prod-eu', kind: 'Deployment', namespace: 'shop', name: 'payments' },
      { type: 'user', name: 'admin' },
    );
    expect(taken.ok).toBe(true);
    const id = taken.ok ? taken.id : '';
    const entry = await waitFor('the refusal', async () => {
      const found = await restartOf(b, id);
      return found?.outcome === 'refused' ? found : undefined;
    });
    expect(entry.progress?.message).toContain("not on this agent's restart list");
    expect(kube.patches).toHaveLength(0);
    expect(kube.requests.some((r) => r.path.endsWith('/deployments/payments'))).toBe(false);
  });

  it('refuses a paused Deployment without patching it', async () => {
    kube.modify('deployments', 'shop', 'cart', (d) => {
      (d.spec as Record<string, unknown>).paused = true;
    });
    const [a] = instances as [Instance];
    const { id } = (await (
      await fetch(`${a.url}/api/v1/service/Deployment/shop/cart/restart`, {
        method: 'POST',
        headers: { authorization: ADMIN },
      })
    ).json()) as { id: string };
    const entry = await waitFor('the refusal', async () => {
      const found = await restartOf(a, id);
      return found?.outcome === 'refused' ? found : undefined;
    });
    expect(entry.progress?.message).toContain('paused');
    expect(kube.patches).toHaveLength(0);
  });
});
