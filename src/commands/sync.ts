/** `staunch sync`: one anti-entropy pass over every target, progress on stderr, the table on stdout. */
import { loadNodeConfig, logConfigWarnings } from '../runtime/node-config.ts';
import { createReplicatorFromConfig } from '../runtime/node.ts';
import { createNodeLogger } from '../runtime/node-logger.ts';
import { throttledProgress } from '../runtime/progress.ts';
import { formatSyncReport, syncExitCode } from '../runtime/sync-report.ts';

export async function syncCommand(options: { config?: string; quiet?: boolean }): Promise<number> {
  const { config, source } = loadNodeConfig(options.config);
  const logger = createNodeLogger({ ...config.log, level: 'warn' });
  logConfigWarnings(config, logger);
  const { replicator, drivers } = createReplicatorFromConfig(config, logger);
  console.error(`sync of ${source}: ${drivers.length} targets`);
  const report = await replicator.syncOnce({
    onProgress: options.quiet ? undefined : throttledProgress((line) => console.error(line)),
  });
  await Promise.all(drivers.map((d) => d.close().catch(() => undefined)));
  console.log(formatSyncReport(report));
  return syncExitCode(report);
}
