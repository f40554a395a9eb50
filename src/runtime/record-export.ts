/**
 * Every record of the merged view (or of one target) as JSON Lines: a header line, then one
 * `{kind,id,rev,deleted,body}` per line, tombstones included (an import must not bring back what
 * was deleted). Engine-internal kinds (hints, sync marks) are left out: they describe targets,
 * not the status page. Records are written in (kind, id) order, so two exports of one state are
 * byte for byte equal.
 */
import type { StorageDriver, StoredRecord } from '../../storage-drivers/types.ts';
import { compareText } from '../../storage-drivers/utils.ts';
import { isInternalKind } from '../replication/internal-kinds.ts';

export const EXPORT_FORMAT = 'staunch-records/1';

export interface ExportProgress {
  target: string;
  read: number;
}

export interface ExportSummary {
  records: number;
  tombstones: number;
  kinds: Record<string, number>;
  /** Targets that could not be read (the export then holds what the others had). */
  failed: Array<{ target: string; error: string }>;
}

const PAGE = 2000;

/** Every record of a target, tombstones included, through its change feed from the start. */
export async function* readTarget(driver: StorageDriver): AsyncGenerator<StoredRecord[]> {
  let sinceRev: string | undefined;
  for (;;) {
    const page = await driver.changes({ sinceRev, limit: PAGE });
    yield page.items.filter((r) => !isInternalKind(r.kind));
    const last = page.items.at(-1);
    if (!page.cursor || !last) return;
    sinceRev = last.rev;
  }
}

export async function exportRecords(
  drivers: StorageDriver[],
  write: (chunk: string) => void | Promise<void>,
  options: { now?: () => number; onProgress?: (event: ExportProgress) => void } = {},
): Promise<ExportSummary> {
  const merged = new Map<string, StoredRecord>();
  const failed: ExportSummary['failed'] = [];
  for (const driver of drivers) {
    let read = 0;
    try {
      for await (const page of readTarget(driver)) {
        for (const record of page) {
          const key = `${record.kind}\u0000${record.id}`;
          const held = merged.get(key);
          if (!held || held.rev < record.rev) merged.set(key, record);
        }
        read += page.length;
        options.onProgress?.({ target: driver.location, read });
      }
    } catch (error) {
      failed.push({ target: driver.location, error: (error as Error).message });
    }
  }
  if (failed.length === drivers.length)
    throw new Error(
      `no target could be read: ${failed.map((f) => `${f.target}: ${f.error}`).join('; ')}`,
    );
  const records = [...merged.values()].sort(
    (a, b) => compareText(a.kind, b.kind) || compareText(a.id, b.id),
  );
  const now = options.now ?? Date.now;
  await write(
    JSON.stringify({
      format: EXPORT_FORMAT,
      exported_at: new Date(now()).toISOString(),
      sources: drivers.map((d) => d.location),
      records: records.length,
    }) + '\n',
  );
  const summary: ExportSummary = { records: records.length, tombstones: 0, kinds: {}, failed };
  let chunk = '';
  for (const record of records) {
    if (record.deleted) summary.tombstones++;
    summary.kinds[record.kind] = (summary.kinds[record.kind] ?? 0) + 1;
    const { kind, id, rev, deleted, body } = record;
    chunk += JSON.stringify({ kind, id, rev, deleted, body }) + '\n';
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  if (chunk) await write(chunk);
  return summary;
}
