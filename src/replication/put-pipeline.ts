/**
 * Group commit for one target: at most one put in flight; writes that arrive meanwhile wait and
 * go together in the next put. Under load a target then sees one statement (one transaction, one
 * round of fsyncs) per batch instead of a crowd of single-record calls competing for connections
 * and locks, and a slower target keeps up instead of timing out. A lone write is sent at once.
 *
 * Each write keeps its own deadline, counted from when it was queued. When a put fails, every
 * write still waiting fails with it: the target is down, and they are better hinted now than
 * sent one by one into the same failure. A record the target refuses (isolate.ts) fails only the
 * write that holds it.
 */
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { StorageError } from '../../storage-drivers/types.ts';
import { putIsolating } from './isolate.ts';
import type { Target } from './target.ts';

const MAX_BATCH = 500;

interface QueuedWrite {
  records: StoredRecord[];
  settle: (error?: unknown) => void;
}

export class PutPipeline {
  private readonly waiting: QueuedWrite[] = [];
  private sending = false;

  constructor(private readonly target: Target) {}

  put(records: StoredRecord[], timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const position = this.waiting.indexOf(write);
        if (position >= 0) this.waiting.splice(position, 1);
        write.settle(
          new StorageError(
            this.target.driver.name,
            'TIMEOUT',
            `put on ${this.target.location} did not answer within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      let settled = false;
      const write: QueuedWrite = {
        records,
        settle: (error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (error === undefined) resolve();
          else reject(error);
        },
      };
      this.waiting.push(write);
      void this.pump(timeoutMs);
    });
  }

  private async pump(timeoutMs: number): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.takeBatch();
        try {
          const { refused } = await putIsolating(
            this.target,
            'put',
            timeoutMs,
            batch.flatMap((w) => w.records),
            true,
          );
          // Only a write holding a refused record fails here; the writes batched with it are applied.
          const failed = refusedWrites(this.target, batch, refused);
          for (const write of batch) write.settle(failed.get(write));
        } catch (error) {
          for (const write of [...batch, ...this.waiting.splice(0)]) write.settle(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private takeBatch(): QueuedWrite[] {
    let count = 0;
    let taken = 0;
    while (
      taken < this.waiting.length &&
      (taken === 0 || count + this.waiting[taken]!.records.length <= MAX_BATCH)
    ) {
      count += this.waiting[taken]!.records.length;
      taken++;
    }
    return this.waiting.splice(0, taken);
  }
}

/** The writes of a batch that hold a refused record (by position in the flattened batch), each with its error. */
function refusedWrites(
  target: Target,
  batch: readonly QueuedWrite[],
  refused: readonly number[],
): Map<QueuedWrite, StorageError> {
  const failed = new Map<QueuedWrite, StorageError>();
  let offset = 0;
  for (const write of batch) {
    const end = offset + write.records.length;
    const mine = refused.filter((position) => position >= offset && position < end).length;
    if (mine > 0)
      failed.set(
        write,
        new StorageError(
          target.driver.name,
          'INVALID_RECORD',
          `${target.location} refused ${mine} of the ${write.records.length} records of this write`,
        ),
      );
    offset = end;
  }
  return failed;
}
