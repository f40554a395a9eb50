/**
 * k8s-restart-app's metrics under its names: `restart_app_restarts_total` counts requests taken
 * (202; a refused 423, 400 or 404 is no restart), `restart_app_restarts_failed_total` those that
 * ended failed or refused by the agent, `restart_app_connected_status_watchers` the open status
 * streams (WebSocket and SSE). Counters are per app instance, as Prometheus expects; families are
 * shaped as the app's /metrics exposition takes them.
 */
import type { RestartTargetRef } from './records.ts';

export interface RestartMetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: { labels: Record<string, string>; value: number }[];
}

const labelsOf = (target: Omit<RestartTargetRef, 'cluster'>) => ({
  kind: target.kind,
  namespace: target.namespace,
  name: target.name,
});

export class RestartMetrics {
  private readonly restarts = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  watchers = 0;

  restarted(target: RestartTargetRef): void {
    const key = JSON.stringify(labelsOf(target));
    this.restarts.set(key, (this.restarts.get(key) ?? 0) + 1);
  }

  failed(target: RestartTargetRef): void {
    const key = JSON.stringify(labelsOf(target));
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }

  count(which: 'restarts' | 'failures', target: RestartTargetRef): number {
    return (
      (which === 'restarts' ? this.restarts : this.failures).get(
        JSON.stringify(labelsOf(target)),
      ) ?? 0
    );
  }

  families(): RestartMetricFamily[] {
    const samples = (map: Map<string, number>) =>
      [...map].map(([key, value]) => ({
        labels: JSON.parse(key) as Record<string, string>,
        value,
      }));
    return [
      {
        name: 'restart_app_restarts_total',
        help: 'Restart requests taken (answered 202), by target.',
        type: 'counter',
        samples: samples(this.restarts),
      },
      {
        name: 'restart_app_restarts_failed_total',
        help: 'Restarts that failed or that the agent refused, by target.',
        type: 'counter',
        samples: samples(this.failures),
      },
      {
        name: 'restart_app_connected_status_watchers',
        help: 'Open status streams (WebSocket and Server-Sent Events).',
        type: 'gauge',
        samples: [{ labels: {}, value: this.watchers }],
      },
    ];
  }
}
