/**
 * A restart from the admin UI in headless Chromium: the admin clicks Restart and confirms; the
 * agent's runner, against the stand-in kube API, receives the request and patches; the simulated
 * pods roll; the page follows the progress through the status stream (without reloading) and ends
 * unlocked. A second request meanwhile gets 423.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/agent/clock.ts';
import { KubeClient, plainServer } from '../../src/agent/kube-client.ts';
import { RestartAllowList } from '../../src/agent/restart-config.ts';
import { RestartRunner } from '../../src/agent/restart-runner.ts';
import { silentLogger } from '../../src/logger.ts';
import { launchChromium } from '../support/chromium.ts';
import { cartDeployment, clusterSnapshot } from '../support/cluster-snapshot.ts';
import { startKubeApi, type KubeApiServer } from '../support/kube-api-server.ts';
import { deployment } from '../support/kube-objects.ts';
import { rollOnPatch, seedPods } from '../support/kube-rollout.ts';
import {
  ADMIN,
  fixtureConfig,
  startFixtureServer,
  type Running,
} from '../support/status-fixture.ts';

const TOKEN = 'prod-eu-agent-token-0123456789';
const CELL = '#status-prod-eu-Deployment-shop-cart';
const BUTTON = '#btn-action-prod-eu-Deployment-shop-cart';

describe('restart from the admin UI in Chromium', { timeout: 120_000 }, () => {
  let server: Running;
  let browser: Browser;
  let kube: KubeApiServer;
  let runner: RestartRunner;

  beforeAll(async () => {
    kube = await startKubeApi();
    kube.apply('deployments', deployment('shop', 'cart', { replicas: 2 }));
    seedPods(kube, 'shop', 'cart', 2);
    rollOnPatch(kube, { namespace: 'shop', name: 'cart', replicas: 2, stepMs: 400 });
    server = await startFixtureServer({
      ...fixtureConfig({ components: 1 }),
      agents: [{ cluster: 'prod-eu', token: TOKEN }],
    });
    const pushed = await fetch(`${server.url}/api/agent/v1/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        clusterSnapshot({
          workloads: [
            cartDeployment({
              restartAllowed: true,
              rollout: { state: 'complete', message: 'deployment "cart" successfully rolled out' },
            }),
          ],
        }),
      ),
    });
    expect(pushed.status).toBe(200);
    runner = new RestartRunner({
      apps: [{ url: server.url, token: TOKEN }],
      client: new KubeClient(plainServer(kube.url)),
      allowList: new RestartAllowList([{ kind: 'Deployment', namespace: 'shop', name: 'cart' }]),
      clock: systemClock,
      logger: silentLogger,
      pollWaitMs: 1000,
      progressIntervalMs: 50,
      followMs: 30_000,
      instance: 'agent-browser',
    });
    runner.start();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await runner?.stop();
    await browser?.close();
    await server?.close();
    await kube?.close();
  });

  async function signIn(page: Page) {
    await page.goto(`${server.url}/admin/`);
    await page.fill('#username', ADMIN.username);
    await page.fill('#password', ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/admin\/(\?|$)/);
  }

  it('restarts, shows the rollout live, refuses a second request meanwhile, ends unlocked', async () => {
    const page = await browser.newPage();
    await signIn(page);
    await page.goto(`${server.url}/admin/restarts`);
    expect(await page.textContent(BUTTON)).toBe('Restart');
    await page.click(BUTTON);
    await page.waitForURL(/\/admin\/restarts\/confirm\?/);
    expect(await page.textContent('h1')).toContain('Restart Deployment shop/cart?');
    await page.click('#confirm-restart');
    await page.waitForURL(/\/admin\/restarts\?restart=/);
    await page.waitForLoadState('load');
    // A mark in this document: a reload (the no-JavaScript refresh) would lose it.
    await page.evaluate(() => {
      (window as unknown as { restartMark: number }).restartMark = 1;
    });

    // Progress arrives through the stream, not by reloading.
    await page.waitForFunction(
      (cell) =>
        /rollout to finish|spec update/.test(document.querySelector(cell)?.textContent ?? ''),
      CELL,
      { timeout: 20_000 },
    );
    expect(await page.textContent(BUTTON)).toBe('Restarting…');

    const second = await fetch(`${server.url}/api/v1/service/Deployment/shop/cart/restart`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${ADMIN.username}:${ADMIN.password}`)}` },
    });
    expect(second.status).toBe(423);

    await page.waitForFunction(
      (button) => document.querySelector(button)?.textContent === 'Restart',
      BUTTON,
      { timeout: 30_000 },
    );
    expect(await page.textContent(CELL)).toContain('successfully rolled out');
    expect(
      await page.evaluate(() => (window as unknown as { restartMark?: number }).restartMark),
    ).toBe(1);

    expect(kube.patches).toHaveLength(1);
    expect(kube.patches[0]).toMatchObject({
      path: '/apis/apps/v1/namespaces/shop/deployments/cart',
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(JSON.parse(kube.patches[0]!.body)).toEqual({
      spec: {
        template: {
          metadata: {
            annotations: {
              'kubectl.kubernetes.io/restartedAt': expect.stringMatching(
                /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
              ),
            },
          },
        },
      },
    });
    // The history names who asked and how it ended.
    await page.reload();
    expect(await page.textContent('main')).toMatch(
      /prod-eu: Deployment shop\/cart\s*admin[\s\S]*complete/,
    );
    await page.close();
  });
});
