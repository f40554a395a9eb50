/**
 * The `plugin` channel against the statusetat-style Go fixture (test/fixtures/go-plugin): how long
 * the build, the start (spawn, handshake, health, Init, Name) and the close take, and Notify
 * latency and rate, sequential and concurrent, side by side with a JavaScript module channel
 * doing nothing (the in-process baseline). Needs Debian's Go packages (see docs/plugins.md).
 *
 *   npx tsx bench/plugin.ts            # BENCH_NOTIFIES=1000 by default
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pluginDefinition } from '../notifiers/plugin.ts';
import type { Notifier } from '../notifiers/types.ts';
import { buildGoPlugin, goAvailability } from '../test/support/go-plugin.ts';
import { notification, testEnvironment } from '../test/support/plugin-fixtures.ts';
import { envCount, formatNumber, percentile, perSecond, printTable, timed } from './lib.ts';

const COUNT = envCount('BENCH_NOTIFIES', 1000);

async function measure(notifier: Notifier): Promise<string[]> {
  const started = await timed(() => notifier.start!());
  const context = () => ({ idempotencyKey: 'k', signal: new AbortController().signal });
  for (let i = 0; i < 50; i++) await notifier.send(notification(), context());
  const latencies: number[] = [];
  const sequential = await timed(async () => {
    for (let i = 0; i < COUNT; i++) {
      const one = await timed(() => notifier.send(notification(), context()));
      latencies.push(one.ms);
    }
  });
  latencies.sort((a, b) => a - b);
  const concurrent = await timed(() =>
    Promise.all(Array.from({ length: COUNT }, () => notifier.send(notification(), context()))),
  );
  const closed = await timed(() => notifier.close!());
  return [
    formatNumber(started.ms, 1),
    formatNumber(percentile(latencies, 50), 2),
    formatNumber(percentile(latencies, 99), 2),
    formatNumber(perSecond(COUNT, sequential.ms)),
    formatNumber(perSecond(COUNT, concurrent.ms)),
    formatNumber(closed.ms, 1),
  ];
}

const go = goAvailability();
if (!go.available) {
  console.error(`bench/plugin.ts: ${go.reason}`);
  process.exit(1);
}
const built = await buildGoPlugin();
console.error(`go-plugin fixture built in ${formatNumber(built.buildMs / 1000, 1)} s`);

const definition = pluginDefinition();
const create = (params: Record<string, unknown>) => {
  const parsed = definition.parse(params);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return definition.create(parsed.params, testEnvironment(), 'bench');
};
const module = join(mkdtempSync(join(tmpdir(), 'staunch-bench-plugin-')), 'noop.mjs');
writeFileSync(module, "export default { async send() { return { response: 'ok' }; } };\n");

printTable(
  [
    'channel',
    'start ms',
    'Notify p50 ms',
    'p99 ms',
    'sequential /s',
    `${COUNT} concurrent /s`,
    'close ms',
  ],
  [
    ['go-plugin executable', ...(await measure(create({ path: built.path })))],
    ['JavaScript module (baseline)', ...(await measure(create({ path: module })))],
  ],
);
