/** `staunch serve`: serve until SIGTERM or SIGINT, then close cleanly (exit 0, or 1 when closing failed). */
import { workerCount, workerIndex } from '../runtime/cluster-ipc.ts';
import { earlyStart, type EarlyStart } from '../runtime/early-server.ts';

/** `started`: what the command line started before loading anything (src/cli.ts). */
export async function serveCommand(
  options: { config?: string },
  started?: EarlyStart,
): Promise<void> {
  // A worker of serve.workers > 1: the primary holds the port and sends the config it parsed.
  if (workerIndex() !== undefined)
    return (await import('../runtime/serve-cluster-worker.ts')).serveAsWorker();
  // Before the config and the app load (seconds under load): answer `/` from the start file.
  let early = started;
  if (!early || early.configPath !== options.config) {
    early?.close();
    early = await earlyStart(options.config);
  }
  const { loadNodeConfig, logConfigWarnings } = await import('../runtime/node-config.ts');
  const { startNodeServer } = await import('../runtime/node.ts');
  const { createNodeLogger } = await import('../runtime/node-logger.ts');
  const { config, source } = loadNodeConfig(options.config);
  const logger = createNodeLogger(config.log);
  logConfigWarnings(config, logger);
  const workers = workerCount(config.serve.workers);
  if (workers > 1) {
    early.close();
    const { serveAsPrimary } = await import('../runtime/serve-cluster.ts');
    return serveAsPrimary(config, { source, logger, workers });
  }
  const server = await startNodeServer(config, { source, logger, early });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
