/** `staunch serve`: serve until SIGTERM or SIGINT, then close cleanly (exit 0, or 1 when closing failed). */
import { workerCount, workerIndex } from '../runtime/cluster-ipc.ts';
import { loadNodeConfig, logConfigWarnings } from '../runtime/node-config.ts';
import { startNodeServer } from '../runtime/node.ts';
import { createNodeLogger } from '../runtime/node-logger.ts';

export async function serveCommand(options: { config?: string }): Promise<void> {
  // A worker of serve.workers > 1: the primary holds the port and sends the config it parsed.
  if (workerIndex() !== undefined)
    return (await import('../runtime/serve-cluster-worker.ts')).serveAsWorker();
  const { config, source } = loadNodeConfig(options.config);
  const logger = createNodeLogger(config.log);
  logConfigWarnings(config, logger);
  const workers = workerCount(config.serve.workers);
  if (workers > 1) {
    const { serveAsPrimary } = await import('../runtime/serve-cluster.ts');
    return serveAsPrimary(config, { source, logger, workers });
  }
  const server = await startNodeServer(config, { source, logger });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
