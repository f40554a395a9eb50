/** The status page's 90-day bars: rendered once per version, zone and quarter hour, for each app on its own. */
import { afterEach, describe, expect, it } from 'vitest';
import { createReadModel, domainSettings, type ReadModel } from '../../domain/read-model.ts';
import { KIND } from '../../domain/records.ts';
import {
  startReplicas,
  TEST_NOW,
  testConfig,
  type Replicas,
} from '../../../test/support/domain-fixtures.ts';
import { timeFormat } from '../site/format.ts';
import { createUptimeBars } from './uptime-bars.ts';

const QUARTER = 15 * 60_000;
let replicas: Replicas | undefined;
afterEach(() => replicas?.stop());

async function counted(): Promise<{ read: ReadModel; reads: { audit: number; health: number } }> {
  replicas = await startReplicas(1);
  const inner = createReadModel(replicas.stores[0]!, domainSettings(testConfig()));
  const reads = { audit: 0, health: 0 };
  const read: ReadModel = {
    ...inner,
    auditRevs: () => (reads.audit++, inner.auditRevs()),
    healthDays: () => (reads.health++, inner.healthDays()),
  };
  return { read, reads };
}

const ctxAt = (read: ReadModel, now: number, zone = 'UTC') => ({
  view: read.view(),
  now,
  fmt: timeFormat(zone),
});

describe('uptime bars', () => {
  it('draws one bar row per component and reuses it within the quarter hour', async () => {
    const { read, reads } = await counted();
    const bars = createUptimeBars(read);
    const first = bars.html(ctxAt(read, TEST_NOW));
    expect([...first.keys()]).toEqual(read.settings.components.map((c) => c.id));
    expect(bars.html(ctxAt(read, TEST_NOW + 1000))).toBe(first);
    expect(reads).toEqual({ audit: 1, health: 1 });
    const later = bars.html(ctxAt(read, TEST_NOW + QUARTER));
    expect(later).not.toBe(first);
    // The audit log is scanned once per store version, not once per quarter.
    expect(reads).toEqual({ audit: 1, health: 2 });
  });

  it('shows a write at once', async () => {
    const { read } = await counted();
    const bars = createUptimeBars(read);
    const day = new Date(TEST_NOW - 86_400_000).toISOString().slice(0, 10);
    const before = bars.html(ctxAt(read, TEST_NOW)).get('Public - API');
    await replicas!.stores[0]!.write([
      {
        kind: KIND.healthDay,
        id: `Public - API/${day}`,
        body: {
          component: 'Public - API',
          date: day,
          major: 600,
          partial: 0,
          degraded: 0,
          maintenance: 0,
        },
      },
    ]);
    const after = bars.html(ctxAt(read, TEST_NOW)).get('Public - API');
    expect(after).not.toBe(before);
    expect(after).not.toEqual(before);
  });

  it('keeps a bounded number of renderings, the oldest going first', async () => {
    const { read } = await counted();
    const bars = createUptimeBars(read);
    const first = bars.html(ctxAt(read, TEST_NOW));
    for (let i = 1; i < 50; i++) bars.html(ctxAt(read, TEST_NOW + i * QUARTER));
    expect(bars.html(ctxAt(read, TEST_NOW))).toBe(first);
    bars.html(ctxAt(read, TEST_NOW + 50 * QUARTER));
    bars.html(ctxAt(read, TEST_NOW + 51 * QUARTER));
    expect(bars.html(ctxAt(read, TEST_NOW))).not.toBe(first);
  });
});
