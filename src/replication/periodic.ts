/**
 * Runs a task every `intervalMs` after the previous run finished (the first run is the caller's),
 * so a slow pass (a sync over a large kind, a poll of a hanging target) never overlaps the next.
 */
import { describeError } from './errors.ts';
import type { Logger } from './types.ts';

export interface Periodic {
  /** Cancels the next run and waits for the one in progress, if any. */
  stop(): Promise<void>;
}

export function runPeriodically(
  name: string,
  intervalMs: number,
  task: () => Promise<unknown>,
  logger: Logger,
): Periodic {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      await task();
    } catch (error) {
      logger.error({ task: name, err: describeError(error) }, 'periodic task failed');
    }
  };
  const schedule = () => {
    timer = setTimeout(() => {
      running = tick().finally(() => {
        running = undefined;
        if (!stopped) schedule();
      });
    }, intervalMs);
    // A CLI run or a test must be able to exit with the engine still started.
    (timer as { unref?: () => void }).unref?.();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
