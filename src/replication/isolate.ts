/**
 * One bad record never blocks a batch. A backend that answers a put with INVALID_RECORD is up and
 * refused something in the batch (a string it cannot hold, a record over its packet size): the
 * batch is split in halves until the records it refuses stand alone. Those are reported on the
 * target and skipped; every other record of the batch is applied. So one poisoned record costs
 * about 2·log2(batch) extra puts once, instead of failing every batch and hint delivery after it.
 */
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { StorageError } from '../../storage-drivers/types.ts';
import type { Target } from './target.ts';

export interface IsolatedPut {
  /** Per record, as the driver's put answers; false for refused records too. */
  applied: boolean[];
  /** Positions of the records the target refused, each alone. */
  refused: number[];
}

export const isRefusal = (error: unknown) =>
  error instanceof StorageError && error.code === 'INVALID_RECORD';

/** `driver.put(records)` through `target.call`; other failures (down, timeout) reject as before. */
export async function putIsolating(
  target: Target,
  operation: string,
  timeoutMs: number,
  records: readonly StoredRecord[],
  measured = false,
): Promise<IsolatedPut> {
  const applied = new Array<boolean>(records.length).fill(false);
  const refused: number[] = [];
  const attempt = async (start: number, end: number): Promise<void> => {
    const slice = records.slice(start, end);
    try {
      const results = await target.call(
        operation,
        timeoutMs,
        (driver) => driver.put(slice),
        measured,
      );
      results.forEach((ok, i) => (applied[start + i] = ok));
    } catch (error) {
      if (!isRefusal(error)) throw error;
      if (end - start === 1) {
        refused.push(start);
        target.noteRefused(records[start]!, error);
        return;
      }
      const middle = start + Math.ceil((end - start) / 2);
      await attempt(start, middle);
      await attempt(middle, end);
    }
  };
  if (records.length > 0) await attempt(0, records.length);
  return { applied, refused };
}
