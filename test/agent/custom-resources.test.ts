import { afterEach, describe, expect, it } from 'vitest';
import { snapshotWhere, startHarness, waitFor, type Harness } from '../support/agent-harness.ts';
import {
  acknowledgements,
  category,
  statusServices,
  statusServicesGroup,
} from '../support/kube-objects.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('agent: status-service CRDs and FT ConfigMaps', () => {
  it('reports a StatusServices resource when created, changed and deleted, with its group', async () => {
    harness = await startHarness();
    const { api, app } = harness;
    await waitFor('first', () => app.latest);
    api.apply(
      'statusservicesgroup',
      statusServicesGroup('payments', {
        displayName: 'Payments',
        displayDescription: 'Money in, money out',
      }),
    );
    api.apply(
      'statusservices',
      statusServices('shop', 'checkout', {
        serviceName: 'checkout-svc',
        displayName: 'Checkout',
        group: 'payments',
      }),
    );
    const created = await waitFor(
      'created',
      snapshotWhere(
        app,
        (s) => s.statusServices.length === 1 && s.statusServiceGroups.length === 1,
      ),
    );
    expect(created.statusServices[0]).toMatchObject({
      namespace: 'shop',
      name: 'checkout',
      serviceName: 'checkout-svc',
      displayName: 'Checkout',
      group: 'payments',
    });
    expect(created.statusServiceGroups).toEqual([
      {
        namespace: '',
        name: 'payments',
        displayName: 'Payments',
        displayDescription: 'Money in, money out',
      },
    ]);
    api.modify('statusservices', 'shop', 'checkout', (object) => {
      (object.spec as { displayName: string }).displayName = 'Checkout (EU)';
    });
    await waitFor(
      'renamed',
      snapshotWhere(app, (s) => s.statusServices[0]?.displayName === 'Checkout (EU)'),
    );
    api.remove('statusservices', 'shop', 'checkout');
    await waitFor(
      'deleted',
      snapshotWhere(app, (s) => s.statusServices.length === 0),
    );
  });

  it('sends empty lists where the CRDs are not installed, and keeps the rest working', async () => {
    harness = await startHarness({}, { noCustomResources: true }, (api) =>
      api.apply('configmaps', category('default', 'default')),
    );
    const first = await waitFor('first', () => harness!.app.latest);
    expect(first.statusServices).toEqual([]);
    expect(first.unsynced).toBeUndefined();
    expect(first.categories.map((item) => item.name)).toEqual(['default']);
  });

  it('reads FT category ConfigMaps as FT does and follows their changes', async () => {
    harness = await startHarness({}, {}, (api) => {
      api.apply('configmaps', category('default', 'default', { refreshrate: '60' }));
      api.apply(
        'configmaps',
        category('default', 'content', {
          services: 'content-api, search ,',
          refreshrate: '30',
          issticky: 'true',
        }),
      );
      // Not a category: no label.
      api.apply('configmaps', {
        metadata: { name: 'app-settings', namespace: 'default' },
        data: { 'category.name': 'x' },
      });
    });
    const { api, app } = harness;
    const first = await waitFor('first', () => app.latest);
    expect(first.categories).toEqual([
      {
        name: 'content',
        services: ['content-api', 'search', ''],
        refreshRate: 30,
        isSticky: true,
        enabled: true,
        failureThreshold: 3,
      },
      {
        name: 'default',
        services: [''],
        refreshRate: 60,
        isSticky: false,
        enabled: true,
        failureThreshold: 3,
      },
    ]);
    api.apply(
      'configmaps',
      category('default', 'content', {
        services: 'content-api',
        refreshrate: 'soon',
        enabled: 'false',
      }),
    );
    const changed = await waitFor(
      'disabled',
      snapshotWhere(app, (s) => s.categories[0]?.enabled === false),
    );
    expect(changed.categories[0]).toMatchObject({ services: ['content-api'], refreshRate: 60 });
    api.remove('configmaps', 'default', 'category.content');
    await waitFor(
      'removed',
      snapshotWhere(app, (s) => s.categories.length === 1),
    );
  });

  it("reads FT's acknowledgement ConfigMap", async () => {
    harness = await startHarness({}, {}, (api) =>
      api.apply(
        'configmaps',
        acknowledgements('default', { 'content-api': 'Known: index rebuild until 14:00' }),
      ),
    );
    const { api, app } = harness;
    const first = await waitFor('first', () => app.latest);
    expect(first.acknowledgements).toEqual([
      { namespace: 'default', service: 'content-api', message: 'Known: index rebuild until 14:00' },
    ]);
    api.apply('configmaps', acknowledgements('default', {}));
    await waitFor(
      'cleared',
      snapshotWhere(app, (s) => s.acknowledgements.length === 0),
    );
  });
});
