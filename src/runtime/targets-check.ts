/** `staunch targets check`: every target's state, latency, queued hints, lag and last sync, as a table. */
import type { TargetInspection } from '../replication/types.ts';
import { formatTable } from './table.ts';

export function formatTargetChecks(rows: TargetInspection[]): string {
  return formatTable(
    ['target', 'driver', 'state', 'latency', 'hints', 'behind', 'last sync', 'error'],
    rows.map((r) => [
      r.location,
      r.driver,
      r.state === 'up' ? 'ok' : 'down',
      r.latencyMs === null || r.state !== 'up' ? '-' : `${r.latencyMs.toFixed(1)} ms`,
      String(r.queuedHints),
      r.behind === null ? '-' : String(r.behind),
      r.lastSync ?? 'never',
      r.error ?? '',
    ]),
  );
}
