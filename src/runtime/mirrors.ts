/**
 * The configured mirrors on Node: one sink per `mirror:` entry (a folder or a bucket) and one
 * runner each, fed by the app this process serves. `prepareMirrors` must run before the
 * replicator starts, so the state rev follows the view from its first load.
 */
import { hostname } from 'node:os';
import type { BuiltApp } from '../app.ts';
import type { Config } from '../config/parse.ts';
import { knownState } from '../http/known-state.ts';
import type { Logger } from '../logger.ts';
import { createMirrorRunner, type MirrorRunner, type MirrorTimers } from '../mirror/publisher.ts';
import { trackStateRev } from '../mirror/state-rev.ts';
import type { MirrorSink } from '../mirror/types.ts';
import type { RecordStore } from '../replication/types.ts';
import { readFileUri } from '../../storage-drivers/file-uri.ts';
import { folderMirrorSink } from './mirror-folder.ts';
import { readS3Uri } from '../../storage-drivers/s3-uri.ts';
import type { S3MirrorSink } from './mirror-s3.ts';

export interface Mirrors {
  runners: MirrorRunner[];
  /** Begin publishing from the app: after each change and every interval. */
  start(built: BuiltApp): void;
  /** Publish every mirror once, now. */
  publishAll(
    built: BuiltApp,
    onProgress?: (mirror: string, written: number, total: number) => void,
  ): Promise<Array<{ mirror: string; published: boolean; detail: string }>>;
  stop(): Promise<void>;
}

export function mirrorSink(to: string): MirrorSink & { close?(): void } {
  const uri = new URL(to);
  if (uri.protocol === 's3:') return lazyS3MirrorSink(uri);
  const { path, problems } = readFileUri(uri);
  if (!path) throw new Error(`mirror ${to}: ${problems.join('; ')}`);
  return folderMirrorSink(path, { fsync: uri.searchParams.get('fsync') !== 'false' });
}

/**
 * The bucket mirror with the AWS SDK imported by its first publication, so a server without one
 * never loads the SDK (a fifth of a start); the URI is still checked here, at once.
 */
function lazyS3MirrorSink(uri: URL): MirrorSink & { close(): void } {
  const { target, problems } = readS3Uri(uri);
  if (!target) throw new Error(`mirror ${uri.protocol}//${uri.host}: ${problems.join('; ')}`);
  let sink: Promise<S3MirrorSink> | undefined;
  const real = () => (sink ??= import('./mirror-s3.ts').then((m) => m.s3MirrorSink(uri)));
  return {
    location: target.location,
    current: async () => (await real()).current(),
    publish: async (snapshot, manifest, onProgress) =>
      (await real()).publish(snapshot, manifest, onProgress),
    close() {
      void sink?.then((loaded) => loaded.close());
    },
  };
}

export function prepareMirrors(
  config: Config,
  store: RecordStore & { ready?: Promise<void> },
  logger: Logger,
  options: { now?: () => number; timers?: MirrorTimers } = {},
): Mirrors {
  const tracker = trackStateRev(store);
  const now = options.now ?? Date.now;
  const publisher = `${hostname()}:${process.pid}`;
  const sinks = config.mirror.map((entry) => ({ entry, sink: mirrorSink(entry.to) }));
  let runners: MirrorRunner[] = [];
  let unsubscribe: (() => void) | undefined;

  const build = (built: BuiltApp) =>
    sinks.map(({ entry, sink }) =>
      createMirrorRunner({
        sink,
        source: {
          request: (path) => built.app.request(path),
          view: () => built.read.view(),
          version: () => store.version,
          stateRev: tracker.current,
          now,
        },
        known: () => knownState(store).known,
        debounceMs: entry.debounce,
        intervalMs: entry.interval,
        staleAfterMs: entry.stale_after,
        publisher,
        logger,
        timers: options.timers,
      }),
    );

  const mirrors: Mirrors = {
    get runners() {
      return runners;
    },
    start(built) {
      runners = build(built);
      unsubscribe = store.subscribe(() => runners.forEach((r) => r.changed()));
      // Loading the view announces the records it merged, but not a load that changed nothing.
      const all = () => runners.forEach((r) => r.changed());
      for (const runner of runners) runner.start();
      all();
      void store.ready?.then(all);
    },
    async publishAll(built, onProgress) {
      if (runners.length === 0) runners = build(built);
      const results = [];
      for (const runner of runners) {
        const outcome = await runner.publishNow((written, total) =>
          onProgress?.(runner.location, written, total),
        );
        results.push({
          mirror: runner.location,
          published: outcome.published,
          detail: outcome.published ? `${outcome.files} files` : outcome.reason,
        });
      }
      return results;
    },
    async stop() {
      unsubscribe?.();
      tracker.stop();
      await Promise.all(runners.map((r) => r.stop()));
      for (const { sink } of sinks) sink.close?.();
    },
  };
  return mirrors;
}
