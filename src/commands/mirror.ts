/**
 * `staunch mirror`: load the view from the targets, render every page once and publish it to
 * every configured mirror, printing progress on stderr and one line per mirror. Exit code 1 when a
 * mirror was not published (refused as older, unreachable), 2 when none is configured.
 */
import { buildApp } from '../app.ts';
import { ConfigError } from '../config/parse.ts';
import { loadNodeConfig, logConfigWarnings } from '../runtime/node-config.ts';
import { createNodeLogger } from '../runtime/node-logger.ts';
import { createReplicatorFromConfig } from '../runtime/node.ts';
import { prepareMirrors } from '../runtime/mirrors.ts';
import { VERSION } from '../runtime/version.ts';

export async function mirrorCommand(options: { config?: string }): Promise<number> {
  const { config, source } = loadNodeConfig(options.config);
  const logger = createNodeLogger({ ...config.log, level: 'warn' });
  logConfigWarnings(config, logger);
  if (config.mirror.length === 0)
    throw new ConfigError([
      `mirror: no mirror is configured in ${source} (add e.g. "mirror: [{ to: file:///var/www/status }]")`,
    ]);
  // One pass: no polling, health checks or sync while it renders.
  const { replicator, drivers } = createReplicatorFromConfig(config, logger, {
    pollIntervalMs: 0,
    syncIntervalMs: 0,
    healthIntervalMs: 0,
  });
  const mirrors = prepareMirrors(config, replicator, logger);
  try {
    console.error(`mirror of ${source}: loading ${drivers.length} targets`);
    await replicator.start();
    const built = buildApp({
      config,
      store: replicator,
      logger,
      startedAt: new Date(),
      version: VERSION,
    });
    let last = 0;
    const results = await mirrors.publishAll(built, (mirror, written, total) => {
      if (written === total || Date.now() - last > 1000) {
        last = Date.now();
        console.error(`${mirror}: ${written}/${total} files`);
      }
    });
    for (const r of results)
      console.log(`${r.mirror}: ${r.published ? 'published' : 'not published'} (${r.detail})`);
    return results.every((r) => r.published) ? 0 : 1;
  } finally {
    await mirrors.stop();
    await replicator.stop();
    await Promise.all(drivers.map((d) => d.close().catch(() => undefined)));
  }
}
