/** `staunch targets check`: per target, its state, latency, hints and records behind; writes nothing. Exit 1 when one is not fine. */
import { loadNodeConfig, logConfigWarnings } from '../runtime/node-config.ts';
import { createReplicatorFromConfig } from '../runtime/node.ts';
import { createNodeLogger } from '../runtime/node-logger.ts';
import { formatTargetChecks } from '../runtime/targets-check.ts';

export async function targetsCheckCommand(options: { config?: string }): Promise<number> {
  const { config, source } = loadNodeConfig(options.config);
  logConfigWarnings(config, createNodeLogger({ ...config.log, level: 'warn' }));
  const { replicator, drivers } = createReplicatorFromConfig(
    config,
    createNodeLogger({ ...config.log, level: 'error' }),
    { writeTimeoutMs: 5000 },
  );
  const rows = await replicator.inspect();
  await Promise.all(drivers.map((d) => d.close().catch(() => undefined)));
  console.log(`targets of ${source}:\n`);
  console.log(formatTargetChecks(rows));
  return rows.every((r) => r.state === 'up' && r.behind === 0 && r.queuedHints === 0) ? 0 : 1;
}
