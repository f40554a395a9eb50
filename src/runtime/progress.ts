/**
 * Progress of long work on the command line: every phase change is printed, but a stream of
 * copy counters for the same kind and target is thinned to about one line a second (and the last).
 */
import type { SyncProgress } from '../replication/types.ts';
import { formatSyncProgress } from './sync-report.ts';

export function throttledProgress(
  print: (line: string) => void,
  intervalMs = 1000,
  now: () => number = Date.now,
): (event: SyncProgress) => void {
  let lastKey = '';
  let lastAt = 0;
  return (event) => {
    const key =
      event.phase === 'copy' || event.phase === 'scan'
        ? `${event.phase} ${event.kind} ${event.target}`
        : '';
    const finished = event.phase === 'copy' && event.copied === event.total && !event.scanning;
    if (key && key === lastKey && !finished && now() - lastAt < intervalMs) return;
    lastKey = key;
    lastAt = now();
    print(formatSyncProgress(event));
  };
}
