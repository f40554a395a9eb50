/** `staunch serve`: serve until SIGTERM or SIGINT, then close cleanly (exit 0, or 1 when closing failed). */
import { loadNodeConfig, logConfigWarnings } from '../runtime/node-config.ts';
import { startNodeServer } from '../runtime/node.ts';
import { createNodeLogger } from '../runtime/node-logger.ts';

export async function serveCommand(options: { config?: string }): Promise<void> {
  const { config, source } = loadNodeConfig(options.config);
  const logger = createNodeLogger(config.log);
  logConfigWarnings(config, logger);
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
