/**
 * Work that outlives the call that started it (late answers of slow targets, hint persistence).
 * Tracked so `stop()` and tests can wait for it, and so a failure is logged instead of becoming
 * an unhandled rejection.
 */
import { describeError } from './errors.ts';
import type { Logger } from './types.ts';

export class BackgroundTasks {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly logger: Logger) {}

  add(what: string, task: Promise<unknown>): void {
    const tracked = task.then(
      () => undefined,
      (error: unknown) =>
        this.logger.error({ err: describeError(error) }, `background ${what} failed`),
    );
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }

  /** Resolves when everything started so far, and everything those started, has finished. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
