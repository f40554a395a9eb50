/**
 * Keeps one mirror current: a publication follows each change of the view after `debounce`
 * (changes meanwhile join it), and one runs every `interval` anyway (pages change with the clock:
 * a maintenance starts, "2 hours ago" ages). One publication at a time; a change during one
 * queues exactly one more. Nothing is published while the view knows nothing, and a sink refuses
 * a publication whose state is older than the one it holds.
 */
import type { Logger } from '../logger.ts';
import { withNotes } from './note.ts';
import { renderMirror, type RenderSource } from './render.ts';
import type { MirrorManifest, MirrorSink, PublishOutcome } from './types.ts';

export interface MirrorTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface MirrorRunnerOptions {
  sink: MirrorSink;
  source: RenderSource;
  /** Whether the view holds a known state; before that, every page says "status unknown". */
  known(): boolean;
  debounceMs: number;
  intervalMs: number;
  staleAfterMs: number;
  /** Names this instance in the manifest. */
  publisher: string;
  logger: Logger;
  timers?: MirrorTimers;
}

export interface MirrorRunner {
  readonly location: string;
  /** Render and publish now (waits for one in flight first). */
  publishNow(onProgress?: (written: number, total: number) => void): Promise<PublishOutcome>;
  /** A change of the view: publish after the debounce. */
  changed(): void;
  /** Start the periodic publication. */
  start(): void;
  /** Stop the timers and wait for a publication in flight. */
  stop(): Promise<void>;
}

const defaultTimers: MirrorTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createMirrorRunner(options: MirrorRunnerOptions): MirrorRunner {
  const timers = options.timers ?? defaultTimers;
  const { sink, logger } = options;
  let debounce: unknown;
  let periodic: unknown;
  let running: Promise<PublishOutcome> | undefined;
  let again = false;
  let stopped = false;

  const publishOnce = async (
    onProgress?: (written: number, total: number) => void,
  ): Promise<PublishOutcome> => {
    if (!options.known()) return { published: false, reason: 'the view holds no known state yet' };
    const snapshot = withNotes(await renderMirror(options.source), options.staleAfterMs);
    const manifest: MirrorManifest = {
      stateRev: snapshot.stateRev,
      generatedAt: snapshot.generatedAt,
      publisher: options.publisher,
      files: snapshot.files.length,
    };
    const outcome = await sink.publish(snapshot, manifest, onProgress);
    if (!outcome.published)
      logger.warn(
        { mirror: sink.location, reason: outcome.reason, current: outcome.current?.stateRev },
        'mirror publication refused',
      );
    return outcome;
  };

  const run = (onProgress?: (written: number, total: number) => void) => {
    if (running) {
      again = true;
      return running;
    }
    const current = publishOnce(onProgress)
      .catch((error: unknown): PublishOutcome => {
        logger.error(
          { mirror: sink.location, err: { message: (error as Error).message } },
          'mirror publication failed',
        );
        return { published: false, reason: (error as Error).message };
      })
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          void run();
        }
      });
    running = current;
    return current;
  };

  const schedulePeriodic = () => {
    if (stopped) return;
    periodic = timers.setTimeout(() => {
      void run().finally(schedulePeriodic);
    }, options.intervalMs);
  };

  return {
    location: sink.location,
    async publishNow(onProgress) {
      if (running) await running;
      return run(onProgress);
    },
    changed() {
      if (stopped || debounce !== undefined) return;
      debounce = timers.setTimeout(() => {
        debounce = undefined;
        void run();
      }, options.debounceMs);
    },
    start() {
      if (periodic === undefined) schedulePeriodic();
    },
    async stop() {
      stopped = true;
      if (debounce !== undefined) timers.clearTimeout(debounce);
      if (periodic !== undefined) timers.clearTimeout(periodic);
      debounce = periodic = undefined;
      await running;
    },
  };
}
