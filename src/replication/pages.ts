/** Paging through a target's bulk reads, one bounded call per page. */
import type { StoredRecord } from '../../storage-drivers/types.ts';
import type { Target } from './target.ts';

/** Pages of 1,000: S3 lists at most that many keys per call, and SQL pages stay small. */
export const PAGE_SIZE = 1000;

/** `storedText` when the records will be copied to another target (see ListOptions). */
export async function* listPages(
  target: Target,
  kind: string,
  timeoutMs: number,
  storedText = false,
): AsyncGenerator<StoredRecord[]> {
  let cursor: string | undefined;
  do {
    const page = await target.call(`list ${kind}`, timeoutMs, (driver) =>
      driver.list(kind, { cursor, limit: PAGE_SIZE, includeDeleted: true, storedText }),
    );
    yield page.items;
    cursor = page.cursor;
  } while (cursor);
}

export async function* changePages(
  target: Target,
  sinceRev: string | undefined,
  timeoutMs: number,
): AsyncGenerator<StoredRecord[]> {
  let mark = sinceRev;
  for (;;) {
    const page = await target.call('changes', timeoutMs, (driver) =>
      driver.changes({ sinceRev: mark, limit: PAGE_SIZE }),
    );
    yield page.items;
    if (!page.cursor) return;
    mark = page.cursor;
  }
}
