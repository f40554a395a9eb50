/**
 * Changes of one incident run one after the other within an instance: each reads the incident,
 * validates and writes under the lock, so the second of two concurrent requests starts from the
 * first one's result (and an update after a delete finds the incident gone). One lock per store,
 * since the pages, the APIs and every request build their own domain context over the same store.
 */
import { KeyLock } from '../replication/key-lock.ts';
import type { RecordStore } from '../replication/types.ts';
import type { DomainContext } from './context.ts';

const locks = new WeakMap<RecordStore, KeyLock>();

export function underIncidentLock<T>(
  ctx: DomainContext,
  guid: string,
  work: () => Promise<T>,
): Promise<T> {
  let lock = locks.get(ctx.store);
  if (!lock) locks.set(ctx.store, (lock = new KeyLock()));
  return lock.run([guid], work);
}
