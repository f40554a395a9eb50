/**
 * The state a publication shows, as one comparable stamp: the highest rev of any record the view
 * has merged, tombstones included (a delete raises it too). Revs are HLC stamps, so two instances
 * that have seen the same writes agree on it, and one that has seen more has a higher one.
 * It is followed through the view's change announcements, so the tracker must subscribe before
 * the view is loaded.
 */
import type { RecordStore } from '../replication/types.ts';

export interface StateRevTracker {
  /** '' until the view announced a change. */
  current(): string;
  stop(): void;
}

export function trackStateRev(store: Pick<RecordStore, 'subscribe'>): StateRevTracker {
  let highest = '';
  const stop = store.subscribe((changed) => {
    for (const record of changed) if (record.rev > highest) highest = record.rev;
  });
  return { current: () => highest, stop };
}
