/**
 * One worker of `staunch serve` with `serve.workers` above 1 (the primary is
 * src/runtime/serve-cluster.ts): the whole server, with its config from the primary, its log lines
 * marked with its slot, and its writes relayed: a write answers once every other worker has
 * re-read the targets, and this worker re-reads them whenever another one wrote.
 */
import type { Config } from '../config/parse.ts';
import type { Logger } from '../logger.ts';
import type { Replicator } from '../replication/replicator.ts';
import {
  isStaunchMessage,
  RELAY_TIMEOUT_MS,
  workerIndex,
  type PrimaryMessage,
  type WorkerMessage,
} from './cluster-ipc.ts';
import { startNodeServer } from './node.ts';
import { createNodeLogger } from './node-logger.ts';

// Once the primary is gone the cluster ends this process; until then a send must not throw.
const tell = (message: WorkerMessage) => {
  if (process.connected) process.send?.(message);
};

function configFromPrimary(): Promise<{ config: Config; source: string }> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (!isStaunchMessage<PrimaryMessage>(message) || message.staunch !== 'config') return;
      process.off('message', onMessage);
      resolve({ config: message.config, source: message.source });
    };
    process.on('message', onMessage);
    tell({ staunch: 'hello' });
  });
}

/** The store the app and the outbox use: each write or claim waits for the other workers to see it. */
function relayedStore(replicator: Replicator, relayed: () => Promise<void>): Replicator {
  const store = Object.create(replicator) as Replicator;
  store.write = async (mutations) => {
    try {
      return await replicator.write(mutations);
    } finally {
      // Also after a failed quorum: the targets that took it show it to the other workers too.
      await relayed();
    }
  };
  store.claim = async (kind, id, body) => {
    try {
      return await replicator.claim(kind, id, body);
    } finally {
      await relayed();
    }
  };
  return store;
}

export async function serveAsWorker(): Promise<void> {
  const index = workerIndex();
  if (index === undefined) throw new Error('serveAsWorker runs only in a worker of staunch serve');
  const { config, source } = await configFromPrimary();
  const logger: Logger = createNodeLogger(config.log, process.stderr, {
    worker: index,
    pid: process.pid,
  });

  let seq = 0;
  const waiting = new Map<number, () => void>();
  // Never longer than the primary waits for the slowest worker, plus the way back.
  const relayed = () =>
    new Promise<void>((resolve) => {
      const mine = ++seq;
      const timer = setTimeout(() => {
        waiting.delete(mine);
        resolve();
      }, RELAY_TIMEOUT_MS * 2);
      waiting.set(mine, () => {
        clearTimeout(timer);
        waiting.delete(mine);
        resolve();
      });
      tell({ staunch: 'changed', seq: mine });
    });

  const server = await startNodeServer(
    config,
    { source, logger },
    { store: (replicator) => relayedStore(replicator, relayed) },
  );
  process.on('message', (message: unknown) => {
    if (!isStaunchMessage<PrimaryMessage>(message)) return;
    if (message.staunch === 'relayed') waiting.get(message.seq)?.();
    if (message.staunch === 'refresh') {
      const { id } = message;
      void server.replicator.refresh().finally(() => tell({ staunch: 'refreshed', id }));
    }
  });
  tell({ staunch: 'serving' });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
