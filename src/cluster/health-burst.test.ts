import { afterEach, describe, expect, it } from 'vitest';
import { cartService, clusterSnapshot, nextSnapshot } from '../../test/support/cluster-snapshot.ts';
import { startHealthApp, type HealthApp } from '../../test/support/cluster-health-app.ts';
import { CLUSTER_KIND } from './object-states.ts';
import { HEALTH_KIND } from './health-records.ts';

let h: HealthApp | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('a burst of snapshots', () => {
  it(
    'writes for the 20 transitions among 10,000 snapshots only',
    { timeout: 120_000 },
    async () => {
      h = await startHealthApp();
      let snapshot = clusterSnapshot();
      expect((await h.push(snapshot)).status).toBe(200);
      const baseline = h.writes.length;
      let ready = true;
      let transitions = 0;
      for (let i = 1; i < 10_000; i++) {
        const flip = i % 500 === 0;
        if (flip) {
          ready = !ready;
          transitions++;
        }
        snapshot = nextSnapshot(snapshot, {
          services: [cartService({ readyEndpoints: ready ? 2 : 0 })],
        });
        const res = await h.push(snapshot);
        if (res.status !== 200) throw new Error(`snapshot ${i}: ${res.status}`);
      }
      expect(transitions).toBe(19);
      // The 20th: the service comes back once more.
      snapshot = nextSnapshot(snapshot, { services: [cartService({ readyEndpoints: 2 })] });
      await h.push(snapshot);
      transitions++;

      const writes = h.writes.slice(baseline);
      // Per transition: the Service's availability record, and the status-service machine's write.
      expect(writes).toHaveLength(2 * transitions);
      const kinds = new Set(writes.flat().map((m) => m.kind));
      expect([...kinds].sort()).toEqual(
        [
          CLUSTER_KIND.service,
          HEALTH_KIND.statusChange,
          HEALTH_KIND.statusDay,
          HEALTH_KIND.statusService,
        ].sort(),
      );
      expect(writes.flat().filter((m) => m.kind === HEALTH_KIND.statusChange)).toHaveLength(
        transitions,
      );
    },
  );
});
