/**
 * `staunch export [-c config] [--target N] > staunch.jsonl`: every record of the merged view
 * (every target read and merged by rev) or of `targets[N]` alone, as JSON Lines on stdout,
 * progress and a summary on stderr. Exit code 1 when a target could not be read.
 */
import { once } from 'node:events';
import { ConfigError } from '../config/parse.ts';
import { loadNodeConfig } from '../runtime/node-config.ts';
import { nodeDrivers } from '../runtime/registry.node.ts';
import { exportRecords } from '../runtime/record-export.ts';

export async function exportCommand(options: {
  config?: string;
  target?: string;
}): Promise<number> {
  const { config, source } = loadNodeConfig(options.config);
  let targets = config.targets;
  if (options.target !== undefined) {
    const index = Number(options.target);
    if (!Number.isInteger(index) || index < 0 || index >= targets.length)
      throw new ConfigError([
        `--target: ${JSON.stringify(options.target)} is not a target index of ${source} (0 to ${targets.length - 1}, as in targets[0])`,
      ]);
    targets = [targets[index]!];
  }
  const drivers = targets.map((target) => nodeDrivers.create(target));
  const started = Date.now();
  let last = 0;
  try {
    const summary = await exportRecords(
      drivers,
      async (chunk) => {
        if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
      },
      {
        onProgress: ({ target, read }) => {
          if (Date.now() - last < 1000) return;
          last = Date.now();
          console.error(`${target}: ${read} records read`);
        },
      },
    );
    for (const failure of summary.failed)
      console.error(`${failure.target}: could not be read (${failure.error})`);
    const kinds = Object.entries(summary.kinds)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    console.error(
      `exported ${summary.records} records (${summary.tombstones} deletions) from ${drivers.length - summary.failed.length} of ${drivers.length} targets in ${((Date.now() - started) / 1000).toFixed(1)} s${kinds ? `: ${kinds}` : ''}`,
    );
    return summary.failed.length > 0 ? 1 : 0;
  } catch (error) {
    // Every target unreachable: nothing was written to stdout but what was read.
    console.error(`export failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await Promise.all(drivers.map((d) => d.close().catch(() => undefined)));
  }
}
