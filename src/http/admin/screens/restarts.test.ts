import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cartDeployment, clusterSnapshot } from '../../../../test/support/cluster-snapshot.ts';
import {
  adminPost,
  createFixtureApp,
  fixtureConfig,
  signIn,
  type CookieJar,
  type FixtureApp,
} from '../../../../test/support/status-fixture.ts';

const ORIGIN = 'http://status.test';
const TOKEN = 'prod-eu-agent-token-0123456789';
const TARGET = { cluster: 'prod-eu', kind: 'Deployment', namespace: 'shop', name: 'cart' };

describe('admin Restarts screen', () => {
  let f: FixtureApp;
  let session: { jar: CookieJar; csrf: string };
  beforeEach(async () => {
    f = await createFixtureApp({
      ...fixtureConfig({ components: 1 }),
      agents: [{ cluster: 'prod-eu', token: TOKEN }],
    });
    session = await signIn(f.app);
    const pushed = await f.app.request(`${ORIGIN}/api/agent/v1/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        clusterSnapshot({
          workloads: [
            cartDeployment({ restartAllowed: true }),
            cartDeployment({ name: 'payments' }),
          ],
        }),
      ),
    });
    expect(pushed.status).toBe(200);
  });
  afterEach(() => f.stop());

  const get = (path: string) =>
    f.app.request(`${ORIGIN}${path}`, { headers: { Cookie: session.jar.header() } });
  const text = (html: string) =>
    html
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();

  it('lists the allowed targets with a Restart link to a confirmation, nothing else', async () => {
    const page = await get('/admin/restarts');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="status-prod-eu-Deployment-shop-cart"');
    expect(html).toContain(
      '/admin/restarts/confirm?cluster=prod-eu&amp;kind=Deployment&amp;namespace=shop&amp;name=cart',
    );
    expect(html).not.toContain('shop/payments');
    const confirm = await get(
      '/admin/restarts/confirm?cluster=prod-eu&kind=Deployment&namespace=shop&name=cart',
    );
    expect(text(await confirm.text())).toContain('Restart Deployment shop/cart?');
    expect(
      (
        await get(
          '/admin/restarts/confirm?cluster=prod-eu&kind=Deployment&namespace=shop&name=payments',
        )
      ).status,
    ).toBe(404);
  });

  it('requests on confirmation, then shows it locked and refreshing without JavaScript; a second is refused', async () => {
    const posted = await adminPost(f.app, '/admin/restarts', session, TARGET);
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toMatch(/^\/admin\/restarts\?restart=/);
    const html = await (await get(posted.headers.get('location')!)).text();
    expect(text(html)).toContain('Restart requested.');
    expect(text(html)).toContain('Restarting…');
    // Only without JavaScript: the refresh must stay inside <noscript>, not be hoisted into <head>.
    expect(html).toMatch(/<noscript><meta http-equiv="refresh" content="3"><\/noscript>/);
    expect(html.split('</head>')[0]).not.toContain('http-equiv="refresh"');
    expect(text(html)).toMatch(/prod-eu: Deployment shop\/cart admin .* pending/);
    const again = await adminPost(f.app, '/admin/restarts', session, TARGET);
    expect(again.status).toBe(423);
    expect(text(await again.text())).toContain('is restarting already');
  });

  it('refuses a post without the CSRF token', async () => {
    const posted = await adminPost(f.app, '/admin/restarts', session, TARGET, { csrf: null });
    expect(posted.status).toBe(403);
    expect(text(await (await get('/admin/restarts')).text())).not.toContain('Restarting…');
  });
});
