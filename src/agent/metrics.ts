/**
 * The agent's Prometheus metrics, on a registry of its own (several agents in one test process
 * must not share counters). App labels are origins, never URLs with credentials.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export class AgentMetrics {
  readonly registry = new Registry();
  readonly watchRestarts = new Counter({
    name: 'staunch_agent_watch_restarts_total',
    help: 'Watches started again after an error or a silence',
    labelNames: ['watch', 'reason'] as const,
    registers: [this.registry],
  });
  readonly relists = new Counter({
    name: 'staunch_agent_watch_relists_total',
    help: 'Full lists after the first one (410 Gone, or a restart with no version to resume from)',
    labelNames: ['watch'] as const,
    registers: [this.registry],
  });
  readonly changes = new Counter({
    name: 'staunch_agent_object_changes_total',
    help: 'Objects added, changed or removed, per watch',
    labelNames: ['watch'] as const,
    registers: [this.registry],
  });
  readonly objects = new Gauge({
    name: 'staunch_agent_objects',
    help: 'Objects held in memory, per kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly snapshots = new Counter({
    name: 'staunch_agent_snapshots_total',
    help: 'Snapshots made',
    registers: [this.registry],
  });
  readonly snapshotBytes = new Gauge({
    name: 'staunch_agent_snapshot_bytes',
    help: 'Compressed size of the last snapshot',
    registers: [this.registry],
  });
  readonly sends = new Counter({
    name: 'staunch_agent_snapshot_sends_total',
    help: 'Snapshot deliveries per app and outcome',
    labelNames: ['app', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly sendSeconds = new Histogram({
    name: 'staunch_agent_snapshot_send_seconds',
    help: 'Time to deliver a snapshot',
    labelNames: ['app'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registers: [this.registry],
  });
  readonly appUp = new Gauge({
    name: 'staunch_agent_app_up',
    help: '1 when the last delivery to the app succeeded',
    labelNames: ['app'] as const,
    registers: [this.registry],
  });
  readonly probes = new Counter({
    name: 'staunch_agent_health_probes_total',
    help: 'Pod __health probes per outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly probeSeconds = new Histogram({
    name: 'staunch_agent_health_probe_seconds',
    help: 'Time for a pod to answer __health',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 12],
    registers: [this.registry],
  });

  constructor(withProcessMetrics = true) {
    if (withProcessMetrics)
      collectDefaultMetrics({ register: this.registry, prefix: 'staunch_agent_' });
  }
}
