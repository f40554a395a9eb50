/**
 * Bound components over time: on each tick (a timer in the runtime, or a test's clock) it
 * evaluates every `components[].health` binding, writes the `health_day` changes, and announces
 * once that a cluster went silent past its grace. Pages read `current()`, which is computed on
 * the clock too, so a stale cluster shows on the page without waiting for a tick.
 *
 * The silence announcement goes through the notification hooks as an event of a synthetic
 * incident (the outbox only knows incidents), with an id made of the cluster and the time its
 * silence began: a second app instance, or a second tick, finds the `cluster_silence` record
 * and enqueues nothing more.
 */
import type { ComponentState } from '../domain/states.ts';
import type { Incident } from '../domain/types.ts';
import { CLUSTER_ORIGIN, type NotificationHooks } from '../domain/notify-hooks.ts';
import type { DomainContext } from '../domain/context.ts';
import { autoIncidentPass } from './auto-incident.ts';
import type { Logger } from '../logger.ts';
import type { Mutation, RecordStore } from '../replication/types.ts';
import {
  evaluateComponents,
  type ComponentBinding,
  type ComponentHealthResult,
} from './component-health.ts';
import { healthDayMutations } from './health-days.ts';
import type { ClusterHealthView } from './health.ts';

export const SILENCE_KIND = 'cluster_silence';

export interface SilenceBody {
  cluster: string;
  /** When the last snapshot arrived (ms), or when this instance began waiting for one. */
  since: number;
  /** When the silence was announced. */
  at: string;
  components: string[];
}

export interface ComponentMonitorOptions {
  store: RecordStore;
  views: () => ClusterHealthView[];
  bindings: readonly ComponentBinding[];
  graceMs: number;
  timeZone: string;
  now: () => number;
  startedAt: number;
  hooks?: NotificationHooks;
  logger?: Logger;
  /** `cluster_health.auto_incident` when enabled: the domain to open and resolve incidents through. */
  autoIncident?: { afterMs: number; domain: () => DomainContext };
}

const WRITE_BATCH = 200;

export class ComponentMonitor {
  private running: Promise<void> | undefined;

  constructor(private readonly options: ComponentMonitorOptions) {}

  get bindings(): readonly ComponentBinding[] {
    return this.options.bindings;
  }

  /** Every bound component's state and the silent clusters, as of now. */
  current(): ComponentHealthResult {
    const views = new Map(this.options.views().map((view) => [view.cluster, view]));
    return evaluateComponents({
      views: (cluster) => views.get(cluster),
      bindings: this.options.bindings,
      now: this.options.now(),
      graceMs: this.options.graceMs,
      startedAt: this.options.startedAt,
    });
  }

  /** Writes what changed since the last tick; ticks never overlap. */
  tick(): Promise<void> {
    if (this.options.bindings.length === 0) return Promise.resolve();
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    const { store } = this.options;
    // Before the store's view has loaded every record would look missing and be written again.
    if (store.loadState.source === 'none') return;
    const now = this.options.now();
    const result = this.current();
    const mutations: Mutation[] = healthDayMutations(
      store,
      result.states.map((s) => ({ component: s.component, state: s.state as ComponentState })),
      now,
      this.options.timeZone,
    );
    for (const silent of result.silent) {
      const id = `${silent.cluster}@${new Date(silent.since).toISOString()}`;
      if (store.get(SILENCE_KIND, id)) continue;
      const components = result.states
        .filter((s) => s.cluster === silent.cluster)
        .map((s) => s.component);
      const body: SilenceBody = {
        cluster: silent.cluster,
        since: silent.since,
        at: new Date(now).toISOString(),
        components,
      };
      mutations.push({ kind: SILENCE_KIND, id, body: { ...body } });
      if (this.options.hooks)
        mutations.push(
          ...this.options.hooks.mutations({
            type: 'created',
            incident: silenceIncident(body, this.options.timeZone),
          }),
        );
      this.options.logger?.warn(
        { cluster: silent.cluster, since: body.since },
        'cluster silent past its grace: its components show degraded',
      );
    }
    for (let i = 0; i < mutations.length; i += WRITE_BATCH)
      await store.write(mutations.slice(i, i + WRITE_BATCH));
    const auto = this.options.autoIncident;
    if (auto)
      await autoIncidentPass(result.states, now, {
        ctx: auto.domain(),
        afterMs: auto.afterMs,
        timeZone: this.options.timeZone,
      });
  }
}

/** The notification's subject: an open incident that exists only in the outbox. */
export function silenceIncident(body: SilenceBody, timeZone: string): Incident {
  const at = new Date(body.since).toISOString();
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(body.since);
  const guid = `cluster-silent~${body.cluster}~${body.since}`;
  return {
    guid,
    created_at: body.at,
    updated_at: body.at,
    state: 0,
    component_state: 2,
    components: body.components,
    messages: [
      {
        guid: `${guid}~m`,
        incident_guid: guid,
        created_at: body.at,
        title: `No data from cluster ${body.cluster} since ${time}`,
        content: `The agent of cluster ${body.cluster} has sent nothing since ${at}. Its components show degraded performance until it reports again.`,
        incident_state: 0,
        component_state: 2,
      },
    ],
    metadata: [],
    is_scheduled: false,
    scheduled_end: '0001-01-01T00:00:00Z',
    origin: CLUSTER_ORIGIN,
    persistent: false,
  };
}
