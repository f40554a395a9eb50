/**
 * The app's gauges, computed when scraped from what the surfaces already read: component states
 * (incidents and bound cluster objects), storage targets, clusters, status-service objects, FT's
 * aggregate-healthcheck gauges under their own names (so existing dashboards keep working) and
 * the notification outbox. Labels hold names only: target locations are the redacted URIs, and
 * no token, password or check output ever becomes a label.
 */
import type { ClusterHealthView } from '../../cluster/health.ts';
import type { ComponentState } from '../../domain/states.ts';
import type { TargetStatus } from '../../replication/types.ts';
import type { MetricFamily, Sample } from './exposition.ts';

export interface MetricSources {
  components: () => readonly { component: string; state: ComponentState }[];
  targets: () => readonly TargetStatus[];
  clusters: () => readonly ClusterHealthView[];
  /** FT's `environment` label (`cluster_health.aggregate_healthcheck.environment`). */
  environment: string;
  outbox?: () => Record<'pending' | 'sent' | 'failed', number>;
  /** Families other parts keep themselves (restarts' counters), appended as they are. */
  more?: () => readonly MetricFamily[];
  now: () => number;
}

const STATUS_VALUE = { ok: 0, warning: 1, error: 2 } as const;
const TARGET_VALUE = { up: 1, down: 0, unknown: -1 } as const;

const gauge = (name: string, help: string, samples: Sample[]): MetricFamily => ({
  name,
  help,
  type: 'gauge',
  samples,
});

export function metricFamilies(sources: MetricSources): MetricFamily[] {
  const now = sources.now();
  const components = sources.components();
  const targets = sources.targets();
  const clusters = sources.clusters();
  const families: MetricFamily[] = [
    gauge(
      'staunch_component_state',
      'Component state as on the page: 0 operational, 1 maintenance, 2 degraded performance, 3 partial outage, 4 major outage.',
      components.map((c) => ({ labels: { component: c.component }, value: c.state })),
    ),
    gauge(
      'staunch_target_up',
      'Storage target replication state: 1 up, 0 down, -1 not known yet.',
      targets.map((t) => ({
        labels: { target: t.location, driver: t.driver },
        value: TARGET_VALUE[t.state],
      })),
    ),
    gauge(
      'staunch_target_latency_seconds',
      "Round trip of the target's last ping or write.",
      targets.flatMap((t) =>
        t.latencyMs === null ? [] : [{ labels: { target: t.location }, value: t.latencyMs / 1000 }],
      ),
    ),
    gauge(
      'staunch_target_queued_hints',
      'Writes queued for the target while it was unreachable.',
      targets.map((t) => ({ labels: { target: t.location }, value: t.queuedHints })),
    ),
    gauge(
      'staunch_target_records_behind',
      'Records the merged view holds at a newer revision than the target.',
      targets.map((t) => ({ labels: { target: t.location }, value: t.lag })),
    ),
    gauge(
      'staunch_cluster_snapshot_age_seconds',
      "Seconds since the cluster's last snapshot arrived; absent before the first one.",
      clusters.flatMap((c) =>
        c.lastSnapshotAt === null
          ? []
          : [
              {
                labels: { cluster: c.cluster },
                value: Math.max(0, (now - c.lastSnapshotAt) / 1000),
              },
            ],
      ),
    ),
    gauge(
      'staunch_cluster_stale',
      'The cluster has sent nothing for stale_after (1) or reports (0).',
      clusters.map((c) => ({ labels: { cluster: c.cluster }, value: c.stale ? 1 : 0 })),
    ),
    gauge(
      'staunch_service_state',
      "status-service's state of each StatusServices object: 0 ok, 1 warning, 2 error, -1 unknown (stale cluster).",
      clusters.flatMap((c) =>
        c.statusServices.map((s) => ({
          labels: { cluster: c.cluster, namespace: s.namespace, service: s.name },
          value: c.stale ? -1 : STATUS_VALUE[s.state],
        })),
      ),
    ),
    gauge(
      'staunch_workload_available',
      'A Deployment or StatefulSet has every desired replica available and no rollout under way (1) or not (0).',
      clusters.flatMap((c) =>
        c.workloads.map((w) => ({
          labels: { cluster: c.cluster, kind: w.kind, namespace: w.namespace, name: w.name },
          value: w.healthy ? 1 : 0,
        })),
      ),
    ),
  ];
  // aggregate-healthcheck's own gauges: its names and its 0 healthy / 1 unhealthy, acks ignored,
  // dots in service names as dashes. A stale cluster's services are left out rather than called healthy.
  const environment = sources.environment;
  families.push(
    gauge('upp_health_pilotlight', 'Always 1: the health exporter is running.', [
      { labels: { environment }, value: 1 },
    ]),
    gauge(
      'upp_health_servicestatus',
      'Aggregate-healthcheck service status: 0 healthy, 1 unhealthy (acknowledgements ignored).',
      clusters.flatMap((c) =>
        c.stale
          ? []
          : c.ft.map((s) => ({
              labels: { environment, service: s.service.replace(/\./g, '-'), cluster: c.cluster },
              value: s.ok ? 0 : 1,
            })),
      ),
    ),
  );
  const outbox = sources.outbox?.();
  if (outbox)
    families.push(
      gauge(
        'staunch_outbox_entries',
        'Notification outbox entries by state (pending is the depth still to deliver).',
        (['pending', 'failed', 'sent'] as const).map((state) => ({
          labels: { state },
          value: outbox[state],
        })),
      ),
    );
  if (sources.more) families.push(...sources.more());
  return families;
}
