/**
 * Group commit for one target: at most one put in flight; writes that arrive meanwhile wait and
 * go together in the next put. Under load a target then sees one statement (one transaction, one
 * round of fsyncs) per batch instead of a crowd of single-record calls competing for connections
 * and locks, and a slower target keeps up instead of timing out. A lone write is sent at once.
 *
 * Each write keeps its own deadline, counted from when it was queued. When a put fails, every
 * write still waiting fails with it: the target is down, and they are better hinted now than
 * sent one by one into the same failure.
 */
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { StorageError } from '../../storage-drivers/types.ts';
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
        write.settle(new StorageError(this.target.driver.name, 'TIMEOUT', `put on ${this.target.location} did not answer within ${timeoutMs} ms`));
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
          await this.target.call('put', timeoutMs, (driver) => driver.put(batch.flatMap((w) => w.records)), true);
          for (const write of batch) write.settle();
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
    while (taken < this.waiting.length && (taken === 0 || count + this.waiting[taken]!.records.length <= MAX_BATCH)) {
      count += this.waiting[taken]!.records.length;
      taken++;
    }
    return this.waiting.splice(0, taken);
  }
}
