/** GET /metrics through the app: off by default, the token or admin credentials, the gauges a dashboard reads, no secrets. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMIN_AUTH,
  healthConfig,
  startHealthApp,
  type HealthApp,
} from '../../../test/support/cluster-health-app.ts';
import {
  cartHealth,
  clusterSnapshot,
  failingCheck,
} from '../../../test/support/cluster-snapshot.ts';
import { exposition } from './exposition.ts';

const METRICS_TOKEN = 'metrics-token-0123456789';
let app: HealthApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function start(enabled = true): Promise<HealthApp> {
  const base = healthConfig();
  app = await startHealthApp({
    config: {
      ...base,
      metrics: { enabled, token: METRICS_TOKEN },
      components: [
        ...base.components,
        {
          name: 'Cart',
          group: '',
          description: '',
          health: { cluster: 'prod-eu', deployment: 'shop/cart' },
        },
      ],
    },
  });
  return app;
}

describe('GET /metrics', () => {
  it('does not exist unless enabled', async () => {
    const off = await start(false);
    expect((await off.request('/metrics', { auth: ADMIN_AUTH })).status).toBe(404);
  });

  it('needs the metrics token or admin credentials', async () => {
    const on = await start();
    expect((await on.request('/metrics')).status).toBe(401);
    expect((await on.request('/metrics', { auth: 'Bearer wrong-token-0123456789' })).status).toBe(
      401,
    );
    expect((await on.request('/metrics', { auth: 'Bearer reader-token-0123456789' })).status).toBe(
      403,
    );
    const byToken = await on.request('/metrics', { auth: `Bearer ${METRICS_TOKEN}` });
    expect(byToken.status).toBe(200);
    expect(byToken.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect((await on.request('/metrics', { auth: ADMIN_AUTH })).status).toBe(200);
  });

  it('serves component, target, cluster, status-service and FT gauges, without secrets', async () => {
    const on = await start();
    await on.push(
      clusterSnapshot({
        health: [
          cartHealth({
            service: 'cart.v2',
            pods: { total: 2, healthy: 0 },
            failing: [
              { pod: 'cart-0', checks: [failingCheck('db', 1)] },
              { pod: 'cart-1', checks: [failingCheck('db', 1)] },
            ],
          }),
        ],
      }),
    );
    await on.built.health.observe(clusterSnapshot());
    on.clock.now += 10_000;
    const text = await (await on.request('/metrics', { auth: `Bearer ${METRICS_TOKEN}` })).text();
    expect(text).toContain('# TYPE staunch_component_state gauge');
    expect(text).toMatch(/^staunch_component_state\{component="Public - API"\} 0$/m);
    expect(text).toMatch(/^staunch_component_state\{component="Cart"\} 0$/m);
    expect(text).toMatch(/^staunch_target_up\{target="[^"]+",driver="memory"\} 1$/m);
    expect(text).toMatch(/^staunch_target_queued_hints\{target="[^"]+"\} 0$/m);
    expect(text).toMatch(/^staunch_target_records_behind\{target="[^"]+"\} 0$/m);
    expect(text).toMatch(/^staunch_cluster_snapshot_age_seconds\{cluster="prod-eu"\} 10$/m);
    expect(text).toMatch(/^staunch_cluster_stale\{cluster="prod-eu"\} 0$/m);
    expect(text).toMatch(
      /^staunch_service_state\{cluster="prod-eu",namespace="shop",service="cart"\} 0$/m,
    );
    expect(text).toMatch(/^upp_health_pilotlight\{environment="Default-environment"\} 1$/m);
    // FT's names: dots in service names as dashes, 1 unhealthy.
    expect(text).toMatch(
      /^upp_health_servicestatus\{environment="Default-environment",service="cart-v2",cluster="prod-eu"\} 1$/m,
    );
    expect(text).toMatch(/^staunch_outbox_entries\{state="pending"\} 0$/m);
    for (const secret of [
      's3cret-password',
      METRICS_TOKEN,
      'prod-eu-agent-token',
      'heartbeat-token',
    ])
      expect(text).not.toContain(secret);

    // Stale: status-service objects read -1 (unknown), FT services drop out rather than read healthy.
    on.clock.now += 60_000;
    const stale = await (await on.request('/metrics', { auth: ADMIN_AUTH })).text();
    expect(stale).toMatch(/^staunch_cluster_stale\{cluster="prod-eu"\} 1$/m);
    expect(stale).toMatch(/^staunch_service_state\{[^}]*service="cart"\} -1$/m);
    expect(stale).not.toContain('upp_health_servicestatus{');
  });

  it('escapes label values as the text format requires', () => {
    const text = exposition([
      {
        name: 'x',
        help: 'a\\b\nc',
        type: 'gauge',
        samples: [{ labels: { name: 'q"u\\o\nte' }, value: NaN }],
      },
    ]);
    expect(text).toBe('# HELP x a\\\\b\\nc\n# TYPE x gauge\nx{name="q\\"u\\\\o\\nte"} NaN\n');
  });
});
