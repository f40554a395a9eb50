/**
 * Probes the pods of every FT-style Service (label `hasHealthcheck: "true"`) on its own schedule:
 * each service every refresh period of its categories, all pods of a round in parallel under one
 * concurrency limit shared by every service, so a cluster of slow pods cannot open thousands of
 * connections at once. Results are kept per service; `changed` fires only when one differs from
 * the last (times aside), so steady failures do not make snapshots by themselves.
 */
import type { SnapshotHealth } from '../cluster/snapshot-schema.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from './clock.ts';
import { probePod, type PodProbe, type ProbeOptions } from './ft-probe.ts';

export interface ProbeTarget {
  namespace: string;
  service: string;
  port: number;
  refreshMs: number;
  categories: string[];
  resilient: boolean;
  daemon: boolean;
  desiredReplicas?: number;
  pods: Array<{ name: string; ip?: string }>;
}

export interface ProberOptions extends ProbeOptions {
  concurrency: number;
  changed(): void;
  probed?(outcome: 'healthy' | 'unhealthy', ms: number): void;
}

const keyOf = (namespace: string, service: string) => `${namespace}/${service}`;

/** A counting semaphore. */
class Limit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

interface Scheduled {
  target: ProbeTarget;
  timer?: unknown;
  running: boolean;
}

export class HealthProber {
  private readonly scheduled = new Map<string, Scheduled>();
  private readonly results = new Map<string, { health: SnapshotHealth; fingerprint: string }>();
  private readonly limit: Limit;
  private stopped = false;

  constructor(
    private readonly options: ProberOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.limit = new Limit(Math.max(1, options.concurrency));
  }

  /** The services to probe now; new ones are probed at once, gone ones forgotten. */
  sync(targets: ProbeTarget[]): void {
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const target of targets) {
      const key = keyOf(target.namespace, target.service);
      seen.add(key);
      const entry = this.scheduled.get(key);
      if (entry) {
        const sooner = target.refreshMs < entry.target.refreshMs;
        entry.target = target;
        if (sooner && !entry.running) this.schedule(key, entry, 0);
      } else {
        const created: Scheduled = { target, running: false };
        this.scheduled.set(key, created);
        this.schedule(key, created, 0);
      }
    }
    for (const [key, entry] of this.scheduled) {
      if (seen.has(key)) continue;
      this.clock.clearTimeout(entry.timer);
      this.scheduled.delete(key);
      if (this.results.delete(key)) this.options.changed();
    }
  }

  health(): SnapshotHealth[] {
    return [...this.results.values()].map((result) => result.health);
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.scheduled.values()) this.clock.clearTimeout(entry.timer);
    this.scheduled.clear();
  }

  private schedule(key: string, entry: Scheduled, delay: number): void {
    this.clock.clearTimeout(entry.timer);
    entry.timer = this.clock.setTimeout(() => void this.round(key, entry), delay);
  }

  private async round(key: string, entry: Scheduled): Promise<void> {
    if (this.stopped || this.scheduled.get(key) !== entry) return;
    entry.running = true;
    const target = entry.target;
    try {
      const probes = await Promise.all(
        target.pods.map(async (pod) => ({
          pod: pod.name,
          probe: await this.probe(target, pod.ip),
        })),
      );
      this.record(key, target, probes);
    } catch (error) {
      this.logger.warn(
        { service: key, error: (error as Error).message },
        'health probe round failed',
      );
    } finally {
      entry.running = false;
      if (!this.stopped && this.scheduled.get(key) === entry)
        this.schedule(key, entry, entry.target.refreshMs);
    }
  }

  private probe(target: ProbeTarget, ip: string | undefined): Promise<PodProbe> {
    if (!ip) return Promise.resolve({ healthy: false, checks: [], error: 'pod has no IP yet' });
    if (!target.port)
      return Promise.resolve({
        healthy: false,
        checks: [],
        error: 'the port named app has a named targetPort',
      });
    return this.limit.run(async () => {
      const started = this.clock.now();
      const result = await probePod(ip, target.port, this.options, this.clock);
      this.options.probed?.(result.healthy ? 'healthy' : 'unhealthy', this.clock.now() - started);
      return result;
    });
  }

  private record(
    key: string,
    target: ProbeTarget,
    probes: Array<{ pod: string; probe: PodProbe }>,
  ): void {
    const failing = probes
      .filter(({ probe }) => !probe.healthy)
      .map(({ pod, probe }) => ({
        pod,
        checks: probe.checks,
        ...(probe.error ? { error: probe.error } : {}),
      }));
    const asked = probes.filter(({ probe }) => probe.gtg !== undefined);
    const health: SnapshotHealth = {
      namespace: target.namespace,
      service: target.service,
      categories: target.categories,
      resilient: target.resilient,
      daemon: target.daemon,
      ...(target.desiredReplicas === undefined ? {} : { desiredReplicas: target.desiredReplicas }),
      pods: { total: probes.length, healthy: probes.length - failing.length },
      failing: failing.slice(0, 1000),
      ...(asked.length ? { gtg: asked.every(({ probe }) => probe.gtg) } : {}),
      checkedAt: new Date(this.clock.now()).toISOString(),
    };
    // What a reader would notice; check times (lastUpdated, checkedAt) change every round.
    const fingerprint = JSON.stringify({
      ...health,
      checkedAt: undefined,
      failing: failing.map((item) => ({
        ...item,
        checks: item.checks.map((check) => ({ ...check, lastUpdated: undefined })),
      })),
    });
    const previous = this.results.get(key);
    this.results.set(key, { health, fingerprint });
    if (previous?.fingerprint !== fingerprint) this.options.changed();
  }
}
