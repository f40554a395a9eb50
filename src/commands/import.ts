/**
 * `staunch import FILE [-c config]`: load a `staunch export` file into every target, keeping
 * revs (idempotent: an older rev never replaces a newer one). `staunch import --from-statusetat
 * URI`: read a statusetat store in its own format and write its incidents, messages, persistent
 * incidents and subscribers under their guids and times. Progress on stderr, a summary on stdout;
 * exit code 1 when a target failed or a line was skipped.
 */
import { createReadStream } from 'node:fs';
import { ConfigError } from '../config/parse.ts';
import { loadNodeConfig } from '../runtime/node-config.ts';
import { nodeDrivers } from '../runtime/registry.node.ts';
import { formatImportSummary, importRecords } from '../runtime/record-import.ts';

export async function importCommand(
  file: string | undefined,
  options: { config?: string; fromStatusetat?: string },
): Promise<number> {
  if (options.fromStatusetat !== undefined) {
    const { statusetatImportCommand } = await import('./import-statusetat.ts');
    return statusetatImportCommand(options.fromStatusetat, options);
  }
  if (!file)
    throw new ConfigError([
      'import: give the file to import (staunch import staunch.jsonl), or --from-statusetat <uri>',
    ]);
  const { config } = loadNodeConfig(options.config);
  const drivers = config.targets.map((target) => nodeDrivers.create(target));
  const input = file === '-' ? process.stdin : createReadStream(file, 'utf8');
  const opened = new Promise<void>((resolve, reject) => {
    if (input === process.stdin) resolve();
    else input.once('open', () => resolve()).once('error', reject);
  });
  try {
    await opened.catch((error: NodeJS.ErrnoException) => {
      throw new ConfigError([`${file}: cannot read the file (${error.code ?? error.message})`]);
    });
    const started = Date.now();
    let last = 0;
    const summary = await importRecords(linesOf(input), drivers, {
      onProgress: ({ records }) => {
        if (Date.now() - last < 1000) return;
        last = Date.now();
        console.error(`${records} records imported`);
      },
    });
    console.log(formatImportSummary(summary));
    console.error(`import took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return summary.invalidCount > 0 || summary.targets.some((t) => t.error) ? 1 : 0;
  } finally {
    await Promise.all(drivers.map((d) => d.close().catch(() => undefined)));
  }
}

/** The stream's lines, without their line ends; the stream is read only as the import asks. */
async function* linesOf(input: NodeJS.ReadableStream): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of input) {
    const text = rest + String(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      yield text.slice(start, end).replace(/\r$/, '');
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest) yield rest;
}
