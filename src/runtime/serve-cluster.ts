/**
 * The primary of `staunch serve` with `serve.workers` above 1: it forks that many workers, each
 * running the whole server (src/runtime/serve-cluster-worker.ts) on the same port. Node's cluster
 * owns the listening socket here and hands each new connection to the next worker in turn.
 *
 * The primary serves nothing and loads no app: it parses the config once (so every worker signs
 * cookies with the same cookie_key, even a generated one), relays "a write landed" between the
 * workers, restarts a worker that dies (with backoff), and on SIGTERM or SIGINT stops them all.
 *
 * Relay: a worker's write answers only once every other serving worker has re-read the targets
 * (Replicator.refresh), so a read that follows it shows it whichever worker answers. A worker
 * that takes longer than RELAY_TIMEOUT_MS is not waited for; its next poll catches up.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config/parse.ts';
import type { Logger } from '../logger.ts';
import { backoffDelay } from '../replication/backoff.ts';
import {
  isStaunchMessage,
  RELAY_TIMEOUT_MS,
  WORKER_ENV,
  type PrimaryMessage,
  type WorkerMessage,
} from './cluster-ipc.ts';

/** Restart delays for a worker that keeps dying; a worker that lived RESTART_RESET_MS starts over. */
const RESTART = { baseMs: 1_000, maxMs: 30_000 };
const RESTART_RESET_MS = 60_000;
/** Workers still running this long after SIGTERM are killed. */
const STOP_TIMEOUT_MS = 30_000;

interface Slot {
  index: number;
  worker: Worker | undefined;
  serving: boolean;
  /** Has served once: a worker that dies before its first start means a setup that cannot work. */
  everServed: boolean;
  failures: number;
  startedAt: number;
  restart: ReturnType<typeof setTimeout> | undefined;
}

interface Relay {
  origin: Slot;
  seq: number;
  waiting: Set<number>;
  timer: ReturnType<typeof setTimeout>;
}

export async function serveAsPrimary(
  config: Config,
  options: { source: string; logger: Logger; workers: number },
): Promise<void> {
  const { logger, workers } = options;
  const slots: Slot[] = Array.from({ length: workers }, (_, i) => ({
    index: i + 1,
    worker: undefined,
    serving: false,
    everServed: false,
    failures: 0,
    startedAt: 0,
    restart: undefined,
  }));
  const relays = new Map<string, Relay>();
  let nextRelay = 0;
  let stopping = false;
  let failedClose = false;
  let allExited!: () => void;
  const exitedAll = new Promise<void>((resolve) => (allExited = resolve));

  const send = (slot: Slot, message: PrimaryMessage) => {
    if (slot.worker?.isConnected()) slot.worker.send(message);
  };
  const finishRelay = (id: string) => {
    const relay = relays.get(id);
    if (!relay) return;
    relays.delete(id);
    clearTimeout(relay.timer);
    if (relay.origin.worker) send(relay.origin, { staunch: 'relayed', seq: relay.seq });
  };
  const relayChange = (origin: Slot, seq: number) => {
    const others = slots.filter((slot) => slot !== origin && slot.serving);
    if (others.length === 0) return send(origin, { staunch: 'relayed', seq });
    const id = String(nextRelay++);
    relays.set(id, {
      origin,
      seq,
      waiting: new Set(others.map((slot) => slot.index)),
      timer: setTimeout(() => {
        logger.warn(
          { worker: origin.index, waitingFor: [...(relays.get(id)?.waiting ?? [])] },
          'a worker did not re-read the targets in time after a write; its next poll will',
        );
        finishRelay(id);
      }, RELAY_TIMEOUT_MS),
    });
    for (const slot of others) send(slot, { staunch: 'refresh', id });
  };
  const refreshed = (slot: Slot, id: string) => {
    const relay = relays.get(id);
    relay?.waiting.delete(slot.index);
    if (relay && relay.waiting.size === 0) finishRelay(id);
  };

  const onMessage = (slot: Slot, message: unknown) => {
    if (!isStaunchMessage<WorkerMessage>(message)) return;
    switch (message.staunch) {
      case 'hello':
        return send(slot, { staunch: 'config', config, source: options.source });
      case 'serving':
        slot.serving = true;
        slot.everServed = true;
        return;
      case 'changed':
        return relayChange(slot, message.seq);
      case 'refreshed':
        return refreshed(slot, message.id);
    }
  };

  const fork = (slot: Slot) => {
    slot.restart = undefined;
    slot.startedAt = Date.now();
    const worker = cluster.fork({ [WORKER_ENV]: String(slot.index) });
    slot.worker = worker;
    worker.on('message', (message: unknown) => onMessage(slot, message));
    worker.once('exit', (code, signal) => onExit(slot, worker, code, signal));
  };

  const onExit = (slot: Slot, worker: Worker, code: number | null, signal: string | null) => {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    slot.serving = false;
    // Nobody waits for a worker that is gone; its own writes need no answer any more.
    for (const [id, relay] of relays) {
      if (relay.origin === slot) {
        clearTimeout(relay.timer);
        relays.delete(id);
      } else if (relay.waiting.delete(slot.index) && relay.waiting.size === 0) finishRelay(id);
    }
    if (stopping) {
      if (code !== 0) failedClose = true;
      if (slots.every((s) => !s.worker)) allExited();
      return;
    }
    const lived = Date.now() - slot.startedAt;
    if (!slot.everServed) {
      logger.error(
        { worker: slot.index, pid: worker.process.pid, code, signal },
        'a worker exited before it served; stopping every worker',
      );
      failedClose = true;
      void stop();
      return;
    }
    slot.failures = lived >= RESTART_RESET_MS ? 1 : slot.failures + 1;
    const delayMs = Math.round(backoffDelay(slot.failures, RESTART));
    logger.warn(
      { worker: slot.index, pid: worker.process.pid, code, signal, restartInMs: delayMs },
      'a worker exited; restarting it',
    );
    slot.restart = setTimeout(() => fork(slot), delayMs);
  };

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      logger.info({ workers }, 'stopping the workers');
      for (const slot of slots) {
        clearTimeout(slot.restart);
        slot.restart = undefined;
      }
      const running = slots.filter((slot) => slot.worker);
      if (running.length === 0) allExited();
      // Each worker closes as a single server does: it finishes its requests, its sends, its snapshot.
      for (const slot of running) slot.worker!.process.kill('SIGTERM');
      const killer = setTimeout(() => {
        logger.warn({}, 'workers still running after 30 s; killing them');
        for (const slot of slots) slot.worker?.process.kill('SIGKILL');
      }, STOP_TIMEOUT_MS);
      await exitedAll;
      clearTimeout(killer);
      process.exit(failedClose ? 1 : 0);
    })());

  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop());
  logger.info({ workers, pid: process.pid }, 'starting workers');
  for (const slot of slots) fork(slot);
}
