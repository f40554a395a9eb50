/**
 * The collector: state changes older than `detail_retention` and daily states older than
 * `daily_retention` are deleted, whatever their number. It walks every record of both kinds (the
 * original's collector reads one page of 100 objects and treats the rest as deleted, purging live
 * services' history) and deletes in batches so one pass never becomes one huge write. Current
 * states, acknowledgements and category switches are never collected: they are what is true now.
 */
import type { RecordStore } from '../replication/types.ts';
import { HEALTH_KIND } from './health-records.ts';

const BATCH = 200;

export async function collectHealthRecords(
  store: Pick<RecordStore, 'list' | 'write'>,
  now: number,
  retention: { detail_retention: number; daily_retention: number },
): Promise<number> {
  const expired: { kind: string; id: string }[] = [];
  for (const record of store.list(HEALTH_KIND.statusChange)) {
    const at = Date.parse(String((record.body as { at?: unknown } | null)?.at));
    if (!Number.isFinite(at) || at < now - retention.detail_retention)
      expired.push({ kind: record.kind, id: record.id });
  }
  for (const record of store.list(HEALTH_KIND.statusDay)) {
    const start = (record.body as { start?: unknown } | null)?.start;
    if (typeof start !== 'number' || start < now - retention.daily_retention)
      expired.push({ kind: record.kind, id: record.id });
  }
  for (let i = 0; i < expired.length; i += BATCH)
    await store.write(
      expired.slice(i, i + BATCH).map((record) => ({ ...record, deleted: true as const })),
    );
  return expired.length;
}
