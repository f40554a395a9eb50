/**
 * Progress of long work on the command line: every phase change is printed, but each stream of
 * scan or copy counters (per kind and target; a repair reads and copies at once, so they
 * interleave) is thinned to about one line a second, and the last copy line always shows.
 */
import type { SyncProgress } from '../replication/types.ts';
import { formatSyncProgress } from './sync-report.ts';

export function throttledProgress(
  print: (line: string) => void,
  intervalMs = 1000,
  now: () => number = Date.now,
): (event: SyncProgress) => void {
  /** When each stream (phase, kind, target) last printed: scan and copy lines interleave. */
  const lastAt = new Map<string, number>();
  return (event) => {
    const key =
      event.phase === 'copy' || event.phase === 'scan'
        ? `${event.phase} ${event.kind} ${event.target}`
        : '';
    const finished = event.phase === 'copy' && event.copied === event.total && !event.scanning;
    if (key) {
      const at = lastAt.get(key);
      if (at !== undefined && !finished && now() - at < intervalMs) return;
      lastAt.set(key, now());
    }
    print(formatSyncProgress(event));
  };
}
