/**
 * What a component bound to a cluster object (`components[].health`) shows: the object's state
 * put into a component state, with the words the page's tooltip gives for where it came from.
 * Pure: a function of the cluster views and the clock, so every app instance, the page, the
 * admin UI and the metrics agree.
 *
 * Silence is not health. A cluster whose agent has been quiet for `stale_after` is stale; its
 * components keep their last known state for `grace`, then show at least degraded performance,
 * with a notice naming the cluster and since when nothing arrived.
 */
import type { ComponentHealthConfig } from '../config/schema.ts';
import type { ComponentState } from '../domain/states.ts';
import type { ClusterHealthView } from './health.ts';

export interface ComponentBinding {
  /** The component's id, as in incidents (`<group> - <name>` or `<name>`). */
  component: string;
  health: ComponentHealthConfig;
}

export interface BoundState {
  component: string;
  cluster: string;
  state: ComponentState;
  /** For people: what set the state ("cluster prod, Deployment shop/web: 1 of 3 available"). */
  source: string;
  /** The cluster is silent past its grace: the state is at least degraded for that reason. */
  silent: boolean;
}

export interface SilentCluster {
  cluster: string;
  /** The last snapshot's arrival, or when this instance began waiting for one. */
  since: number;
}

export interface ComponentHealthResult {
  states: BoundState[];
  silent: SilentCluster[];
}

const OPERATIONAL: ComponentState = 0;
const DEGRADED: ComponentState = 2;
const PARTIAL: ComponentState = 3;
const MAJOR: ComponentState = 4;

/** `<namespace>/<name>` or a bare name (any namespace). */
function splitRef(ref: string): { namespace?: string; name: string } {
  const slash = ref.indexOf('/');
  return slash < 0 ? { name: ref } : { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
}

const matches = (ref: { namespace?: string; name: string }, namespace: string, name: string) =>
  ref.name === name && (ref.namespace === undefined || ref.namespace === namespace);

/** The bound object's own state, from a cluster view with a snapshot. */
export function targetState(
  view: ClusterHealthView,
  health: ComponentHealthConfig,
): { state: ComponentState; source: string } {
  const where = `cluster ${view.cluster}`;
  if (health.service !== undefined) {
    const ref = splitRef(health.service);
    const status = view.statusServices.find((s) => matches(ref, s.namespace, s.name));
    if (status) {
      const state =
        status.state === 'ok' ? OPERATIONAL : status.state === 'warning' ? PARTIAL : MAJOR;
      return { state, source: `${where}, status of ${status.displayName}: ${status.state}` };
    }
    const ft = view.ft.find((s) => matches(ref, s.namespace, s.service));
    if (ft) {
      if (ft.ok) return { state: OPERATIONAL, source: `${where}, ${ft.service}: healthy` };
      if (ft.ack)
        return { state: OPERATIONAL, source: `${where}, ${ft.service}: acknowledged (${ft.ack})` };
      return {
        state: ft.severity === 1 ? MAJOR : DEGRADED,
        source: `${where}, ${ft.service}: severity ${ft.severity} checks failing (${ft.output})`,
      };
    }
    const service = view.snapshot?.services.find((s) => matches(ref, s.namespace, s.name));
    if (service)
      return service.readyEndpoints > 0
        ? {
            state: OPERATIONAL,
            source: `${where}, Service ${service.namespace}/${service.name}: ready`,
          }
        : {
            state: MAJOR,
            source: `${where}, Service ${service.namespace}/${service.name}: no ready endpoint`,
          };
    return { state: MAJOR, source: `${where}: no service ${health.service}` };
  }
  if (health.deployment !== undefined || health.statefulset !== undefined) {
    const kind = health.deployment !== undefined ? 'Deployment' : 'StatefulSet';
    const ref = splitRef((health.deployment ?? health.statefulset)!);
    const workload = view.workloads.find(
      (w) => w.kind === kind && matches(ref, w.namespace, w.name),
    );
    if (!workload)
      return { state: MAJOR, source: `${where}: no ${kind} ${ref.namespace}/${ref.name}` };
    const counts = `${workload.available} of ${workload.desired} available`;
    const label = `${where}, ${kind} ${workload.namespace}/${workload.name}`;
    if (workload.state === 'unavailable') return { state: MAJOR, source: `${label}: ${counts}` };
    if (workload.state === 'partial') return { state: PARTIAL, source: `${label}: ${counts}` };
    if (workload.rollout === 'failed')
      return { state: DEGRADED, source: `${label}: rollout failed` };
    return { state: OPERATIONAL, source: `${label}: ${counts}` };
  }
  const name = health.category!;
  const category = view.categories.find((c) => c.name === name);
  if (!category) return { state: MAJOR, source: `${where}: no category ${name}` };
  const failing = view.ft.filter((s) => s.categories.includes(name) && !s.ok && !s.ack);
  const label = `${where}, category ${name}`;
  if (failing.length > 0) {
    const severe = failing.some((s) => s.severity === 1);
    return {
      state: severe ? MAJOR : DEGRADED,
      source: `${label}: ${failing.map((s) => s.service).join(', ')} failing`,
    };
  }
  if (!category.enabled)
    return {
      state: PARTIAL,
      source: `${label}: disabled${category.disabledFor ? ` after ${category.disabledFor} failed` : ''}`,
    };
  return { state: OPERATIONAL, source: `${label}: healthy` };
}

export interface EvaluateOptions {
  views: (cluster: string) => ClusterHealthView | undefined;
  bindings: readonly ComponentBinding[];
  now: number;
  graceMs: number;
  /** When this instance started: a cluster never heard from counts as silent from then. */
  startedAt: number;
}

/** Every bound component's state as of `now`, and the clusters silent past their grace. */
export function evaluateComponents(options: EvaluateOptions): ComponentHealthResult {
  const states: BoundState[] = [];
  const silent = new Map<string, SilentCluster>();
  for (const binding of options.bindings) {
    const cluster = binding.health.cluster;
    const view = options.views(cluster);
    const since = view?.lastSnapshotAt ?? options.startedAt;
    const stale = !view || view.stale;
    const staleAfter = view?.staleAfterMs ?? 0;
    const pastGrace = stale && options.now - since >= staleAfter + options.graceMs;
    const own = view?.snapshot ? targetState(view, binding.health) : undefined;
    if (pastGrace) {
      silent.set(cluster, { cluster, since });
      const state = Math.max(own?.state ?? OPERATIONAL, DEGRADED) as ComponentState;
      states.push({
        component: binding.component,
        cluster,
        state,
        source: `cluster ${cluster}: no data from its agent (see the notice above)`,
        silent: true,
      });
      continue;
    }
    // Stale but within the grace, or not reported yet: the last known state (none: operational).
    states.push({
      component: binding.component,
      cluster,
      state: own?.state ?? OPERATIONAL,
      source: own?.source ?? `cluster ${cluster}: waiting for its first snapshot`,
      silent: false,
    });
  }
  return { states, silent: [...silent.values()] };
}

/** The config's bound components, by component id. */
export function componentBindings(config: {
  components: readonly {
    name: string;
    group: string;
    health?: ComponentHealthConfig | undefined;
  }[];
}): ComponentBinding[] {
  return config.components.flatMap((c) =>
    c.health ? [{ component: c.group ? `${c.group} - ${c.name}` : c.name, health: c.health }] : [],
  );
}
