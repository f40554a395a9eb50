/**
 * Node only: prom-client's default process metrics (CPU, memory, event loop lag, handles, GC),
 * in their own registry, appended to `/metrics` after the app's gauges. The app's gauges are
 * rendered by the runtime-neutral exposition, so the Worker serves the same text without them.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { workerIndex } from './cluster-ipc.ts';

export function processMetrics(): () => Promise<string> {
  const registry = new Registry();
  // serve.workers > 1: each scrape reaches one worker, so its series say which (else counters jump).
  const worker = workerIndex();
  if (worker !== undefined) registry.setDefaultLabels({ worker: String(worker) });
  collectDefaultMetrics({ register: registry, prefix: 'staunch_' });
  return () => registry.metrics();
}
