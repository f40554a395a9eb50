/** A SnapshotStore in memory for tests: counts writes and can be made to fail. */
import type { SnapshotStore, ViewSnapshot } from '../../src/replication/snapshot.ts';

export interface MemorySnapshotStore extends SnapshotStore {
  /** What the last write left, as the file would hold it (a JSON round trip). */
  stored: unknown;
  writes: number;
  failWrites: boolean;
}

export function memorySnapshotStore(initial: unknown = null): MemorySnapshotStore {
  const store: MemorySnapshotStore = {
    location: 'memory snapshot',
    stored: initial,
    writes: 0,
    failWrites: false,
    async read() {
      return store.stored === null ? null : structuredClone(store.stored);
    },
    async write(snapshot: ViewSnapshot) {
      if (store.failWrites) throw new Error('injected snapshot failure');
      store.writes++;
      store.stored = JSON.parse(JSON.stringify(snapshot)) as unknown;
    },
  };
  return store;
}
