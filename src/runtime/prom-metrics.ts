/**
 * Node only: prom-client's default process metrics (CPU, memory, event loop lag, handles, GC),
 * in their own registry, appended to `/metrics` after the app's gauges. The app's gauges are
 * rendered by the runtime-neutral exposition, so the Worker serves the same text without them.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export function processMetrics(): () => Promise<string> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'staunch_' });
  return () => registry.metrics();
}
