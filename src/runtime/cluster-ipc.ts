/**
 * `serve.workers` on Node: how many processes serve, which one this is, and what the primary
 * (src/runtime/serve-cluster.ts) and its workers (src/runtime/serve-cluster-worker.ts) say to each
 * other over the cluster's IPC channel. Only builtins here: `staunch serve` reads it before
 * anything else loads.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Config } from '../config/parse.ts';

/** Set by the primary on each worker it forks: the worker's slot, 1..N, kept across restarts. */
export const WORKER_ENV = 'STAUNCH_WORKER';

/** How long the primary waits for the other workers to re-read the targets after a write. */
export const RELAY_TIMEOUT_MS = 2_000;

/** This process's slot when it is a worker of `staunch serve`; undefined otherwise. */
export function workerIndex(env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (!cluster.isWorker) return undefined;
  const index = Number(env[WORKER_ENV]);
  return Number.isInteger(index) && index >= 1 ? index : undefined;
}

/** `auto` is one process per core the system lets this process use. */
export function workerCount(setting: Config['serve']['workers']): number {
  return setting === 'auto' ? availableParallelism() : setting;
}

/** Worker → primary. */
export type WorkerMessage =
  /** Started: send the config. */
  | { staunch: 'hello' }
  /** Listening with its view restored: it is now told of the others' writes. */
  | { staunch: 'serving' }
  /** A write of this worker is on the targets: have every other worker re-read them. */
  | { staunch: 'changed'; seq: number }
  /** This worker re-read the targets for relay `id`. */
  | { staunch: 'refreshed'; id: string };

/** Primary → worker. */
export type PrimaryMessage =
  | { staunch: 'config'; config: Config; source: string }
  | { staunch: 'refresh'; id: string }
  /** Every other serving worker has re-read the targets after write `seq` (or was given up on). */
  | { staunch: 'relayed'; seq: number };

export function isStaunchMessage<T extends { staunch: string }>(message: unknown): message is T {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { staunch?: unknown }).staunch === 'string'
  );
}
