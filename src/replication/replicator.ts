/**
 * The replication engine, assembled from its parts:
 * writer.ts (fan-out, quorum, no ghost writes), handoff.ts (hints), poller.ts and view.ts (the
 * merged view other instances' writes reach), sync.ts (anti-entropy), claim.ts (arbitration),
 * target.ts (state of each target). This file only wires them and runs the timers.
 */
import type { BadRecord, StoredRecord } from '../../storage-drivers/types.ts';
import { BackgroundTasks } from './background.ts';
import { Claims } from './claim.ts';
import { HintedHandoff } from './handoff.ts';
import { HybridLogicalClock } from './hlc.ts';
import { countPersistedHints, inspectionRows, lastSyncMarks } from './inspect.ts';
import { createIntake } from './intake.ts';
import { loadTarget } from './loader.ts';
import { silentLogger } from '../logger.ts';
import { runPeriodically, type Periodic } from './periodic.ts';
import { ChangePoller } from './poller.ts';
import { SnapshotKeeper } from './snapshot.ts';
import { runSync } from './sync.ts';
import { Target } from './target.ts';
import type { Replicator, ReplicatorOptions, SyncOptions, SyncReport } from './types.ts';
import { MergedView } from './merged-view.ts';
import { Writer } from './writer.ts';

export type { Replicator, ReplicatorOptions } from './types.ts';

export const DEFAULTS = {
  writeQuorum: 1,
  writeTimeoutMs: 5_000,
  bulkTimeoutMs: 30_000,
  syncIntervalMs: 60_000,
  pollIntervalMs: 2_000,
  pollLookbackMs: 5 * 60_000,
  healthIntervalMs: 3_000,
  tombstoneRetentionMs: 30 * 24 * 60 * 60_000,
  hintRetryBaseMs: 500,
  hintRetryMaxMs: 60_000,
  snapshotDebounceMs: 1_000,
} as const;

export function createReplicator(options: ReplicatorOptions): Replicator {
  if (options.drivers.length === 0)
    throw new Error('the replicator needs at least one storage target');
  const locations = options.drivers.map((d) => d.location);
  const repeated = locations.find((location, i) => locations.indexOf(location) !== i);
  // Hints and status are keyed by location: two entries for one target would confuse both.
  if (repeated) throw new Error(`storage target ${repeated} is configured twice`);
  const settings = { ...DEFAULTS, ...withoutUndefined(options) };
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const clock = options.clock ?? new HybridLogicalClock(undefined, now);
  const background = new BackgroundTasks(logger);

  const targets: Target[] = options.drivers.map(
    (driver, index) =>
      new Target(index, driver, {
        logger,
        // A target seen back up gets its queued hints at once, not at the end of its backoff.
        onStateChange: (target) => target.state === 'up' && handoff.deliverSoon(target.index),
      }),
  );
  const view = new MergedView(logger);
  const handoff = new HintedHandoff({
    targets,
    clock,
    writeTimeoutMs: settings.writeTimeoutMs,
    bulkTimeoutMs: settings.bulkTimeoutMs,
    backoff: { baseMs: settings.hintRetryBaseMs, maxMs: settings.hintRetryMaxMs },
    random: options.random ?? Math.random,
    logger,
    background,
  });
  const writer = new Writer({
    targets,
    view,
    clock,
    handoff,
    background,
    quorum: settings.writeQuorum,
    writeTimeoutMs: settings.writeTimeoutMs,
    logger,
  });
  const claims = new Claims({
    targets,
    clock,
    view,
    writer,
    writeTimeoutMs: settings.writeTimeoutMs,
  });

  const reportBadRecord = (target: Target | undefined, bad: BadRecord) => {
    const where = target?.location ?? 'unknown target';
    if (target) target.badRecords++;
    logger.warn(
      { target: where, location: bad.location, error: bad.error },
      'skipped a record that could not be read',
    );
    options.onBadRecord?.({ target: where, ...bad });
  };
  const intake = createIntake(clock, reportBadRecord);
  // The failed-quorum rule (writer.ts) needs reads to ignore local writes still waiting for their verdict.
  const mergeRead = (records: StoredRecord[]) =>
    view.merge(records.filter((r) => !writer.isPending(r.rev)));
  const snapshots = options.snapshot
    ? new SnapshotKeeper({
        store: options.snapshot,
        view,
        clock,
        now,
        logger,
        debounceMs: settings.snapshotDebounceMs,
        maxAgeMs: settings.tombstoneRetentionMs,
      })
    : undefined;
  const poller = new ChangePoller({
    bulkTimeoutMs: settings.bulkTimeoutMs,
    lookbackMs: settings.pollLookbackMs,
    now,
    intake,
    onRecords: mergeRead,
    load: async (target) => {
      const loaded = await loadTarget(
        target,
        { probeTimeoutMs: settings.writeTimeoutMs, bulkTimeoutMs: settings.bulkTimeoutMs },
        intake,
        mergeRead,
        (kind) => view.digest(kind),
      );
      handoff.restore(loaded.hints, target.index);
      view.markLoaded({ source: 'target' });
      // Also when the load changed nothing: the snapshot then says "known as of now".
      snapshots?.schedule();
      return loaded.cursor;
    },
  });

  let started = false;
  let stopped = false;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let markRestored!: () => void;
  const restored = new Promise<void>((resolve) => (markRestored = resolve));
  const periodic: Periodic[] = [];
  let syncChain: Promise<unknown> = Promise.resolve();

  // A failed poll has already marked its target down and logged it.
  const pollTarget = (target: Target) => poller.poll(target).catch(() => undefined);
  const pollOnce = async () => {
    await Promise.all(targets.filter((t) => !t.isDown).map(pollTarget));
  };
  // Timer ticks do not wait for each other's targets: a hanging one only delays itself. Nor does
  // stop() wait for them: a poll changes nothing on the targets, and a late answer is harmless.
  const pollTick = async () => {
    for (const target of targets) if (!target.isDown) void pollTarget(target);
  };
  const checkHealth = async () => {
    await Promise.all(
      targets.map((t) =>
        t
          .call('ping', settings.writeTimeoutMs, (driver) => driver.ping(), true)
          .catch(() => undefined),
      ),
    );
  };
  const syncOnce = (syncOptions?: SyncOptions): Promise<SyncReport> => {
    // One pass at a time: the periodic pass and `staunch sync` queue behind each other.
    const run = syncChain.then(() =>
      runSync(
        {
          targets,
          probeTimeoutMs: settings.writeTimeoutMs,
          bulkTimeoutMs: settings.bulkTimeoutMs,
          tombstoneRetentionMs: settings.tombstoneRetentionMs,
          now,
          intake,
          isPending: (rev) => writer.isPending(rev),
          ...(started
            ? {
                view: {
                  digest: (kind: string) => view.digest(kind),
                  kindNames: () => view.kindNames(),
                  merge: mergeRead,
                  purgeTombstones: (mark: string) => view.purgeTombstones(mark),
                },
              }
            : {}),
        },
        syncOptions,
      ),
    );
    syncChain = run.catch(() => undefined);
    return run.then((report) => {
      logSyncReport(report);
      return report;
    });
  };
  const logSyncReport = (report: SyncReport) => {
    const copied = report.targets.reduce(
      (sum, t) => sum + Object.values(t.copied).reduce((a, b) => a + b, 0),
      0,
    );
    const errors = report.targets.flatMap((t) => t.errors.map((e) => `${t.location}: ${e}`));
    if (copied > 0 || errors.length > 0 || report.viewRepaired > 0) {
      logger.info(
        { copied, viewRepaired: report.viewRepaired, errors, durationMs: report.durationMs },
        'sync pass repaired differences',
      );
    }
  };
  const ensureWritable = async () => {
    if (!started) throw new Error('start() the replicator before writing');
    if (stopped) throw new Error('the replicator is stopped');
    await ready;
  };

  const every = (name: string, intervalMs: number, task: () => Promise<unknown>) => {
    if (intervalMs > 0) periodic.push(runPeriodically(name, intervalMs, task, logger));
  };

  return {
    ready,
    restored,
    get version() {
      return view.version;
    },
    get loadState() {
      return view.loadState;
    },
    get: (kind, id) => view.get(kind, id),
    list: (kind) => view.list(kind),
    subscribe: (listener) => view.subscribe(listener),
    targets: () => targets.map((t) => t.status(handoff.queue.count(t.index))),

    async write(mutations) {
      await ensureWritable();
      return writer.write(mutations);
    },
    async claim(kind, id, body) {
      await ensureWritable();
      return claims.claim(kind, id, body);
    },

    start() {
      if (started) return ready;
      started = true;
      void (async () => {
        // The snapshot is local and is read first, alone: a target's load (SQLite's is synchronous)
        // would otherwise hold the event loop while the server waits for the snapshot to listen.
        // Both are merged by rev, so the newest record wins whatever the order.
        // Each target's state is known at once (readiness, the admin page), loaded or not yet.
        void checkHealth();
        const restoredSome = await (
          snapshots
            ? snapshots.restore().then((restored) => {
                snapshots.start();
                return restored;
              })
            : Promise.resolve(false)
        ).finally(markRestored);
        // The server listens and answers from the restored view before the loads begin; with
        // nothing restored there is nothing to answer from, so they begin at once.
        if (restoredSome) await loadSignal(options.loadAfter);
        // The first poll of a target is its full load; a target down now is loaded when it returns.
        await pollOnce();
        markReady();
        logger.info(
          { targets: targets.map((t) => `${t.location} ${t.state}`) },
          'replication view loaded',
        );
        if (stopped) return;
        every('poll', settings.pollIntervalMs, pollTick);
        every('health check', settings.healthIntervalMs, checkHealth);
        if (settings.syncIntervalMs > 0) {
          background.add('sync', syncOnce());
          every('sync', settings.syncIntervalMs, syncOnce);
        }
      })();
      return ready;
    },
    async stop() {
      stopped = true;
      handoff.stop();
      await Promise.all(periodic.splice(0).map((p) => p.stop()));
      await syncChain;
      await background.settle();
      await snapshots?.stop();
    },
    syncOnce,
    async inspect() {
      await checkHealth();
      const up = targets.filter((t) => !t.isDown);
      const [dryRun, hints, marks] = await Promise.all([
        syncOnce({ dryRun: true }),
        countPersistedHints(up, settings.bulkTimeoutMs),
        lastSyncMarks(up, settings.bulkTimeoutMs),
      ]);
      return inspectionRows(targets, hints, dryRun, marks);
    },
    pollOnce,
    async refresh() {
      await Promise.all(
        targets.filter((t) => !t.isDown).map((t) => poller.pollFresh(t).catch(() => undefined)),
      );
    },
    checkHealth,
    flushHints: () => handoff.flush(),
    settle: () => background.settle(),
    reportBadRecord(targetLocation, bad) {
      reportBadRecord(
        targets.find((t) => t.location === targetLocation),
        bad,
      );
    },
  };
}

/** Settles when `after` does, or after 10 s: a signal that never comes must not keep the targets unread. */
function loadSignal(after: Promise<unknown> | undefined): Promise<unknown> {
  if (!after) return Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cap = new Promise((resolve) => (timer = setTimeout(resolve, 10_000)));
  return Promise.race([after.catch(() => undefined), cap]).finally(() => clearTimeout(timer));
}

/** Options given as `undefined` keep their defaults. */
function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
