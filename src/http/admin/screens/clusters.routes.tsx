/**
 * The clusters as this instance's registry holds them: each one's last snapshot, its age and the
 * agent instance it came from, and per cluster every object with the state the recorder keeps.
 */
import { Hono } from 'hono';
import {
  CLUSTER_KIND,
  objectId,
  rolloutState,
  workloadState,
} from '../../../cluster/object-states.ts';
import type { ClusterView } from '../../../cluster/registry.ts';
import type { ClusterSnapshot } from '../../../cluster/snapshot-schema.ts';
import { html, sendHtml } from '../../site/site.ts';
import type { AdminContext, AdminEnv, AdminPage } from '../context.ts';
import { AdminMessagePage } from '../shell.tsx';
import {
  ClusterPage,
  ClustersPage,
  type ClusterDetail,
  type ClusterRow,
  type StateCell,
  type Tone,
} from './clusters.view.tsx';

/** A cluster whose agent missed this many heartbeats is shown as stale. */
const STALE_HEARTBEATS = 3;
/** Rows per table on a cluster's page. */
const MAX_ROWS = 500;

function age(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

function clusterState(view: ClusterView, now: number): StateCell {
  if (!view.snapshot || view.receivedAt === undefined)
    return { text: 'No snapshot yet', tone: 'c2' };
  const silent = now - view.receivedAt;
  return silent > STALE_HEARTBEATS * view.snapshot.heartbeatSeconds * 1000
    ? { text: 'Stale', tone: 'c4' }
    : { text: 'Reporting', tone: 'c0' };
}

function lastSnapshot(view: ClusterView, page: AdminPage): string {
  if (view.receivedAt === undefined) return 'never (since this instance started)';
  return `${age(page.now - view.receivedAt)} (${page.fmt.short(view.receivedAt, page.now)})`;
}

function summary(snapshot: ClusterSnapshot | undefined) {
  if (!snapshot) return { services: '–', workloads: '–', health: '–' };
  const ready = snapshot.services.filter((s) => s.readyEndpoints > 0).length;
  const available = snapshot.workloads.filter((w) => workloadState(w) === 'available').length;
  const failing = snapshot.health.filter((h) => h.failing.length > 0).length;
  return {
    services: `${ready} of ${snapshot.services.length} with a ready endpoint`,
    workloads: `${available} of ${snapshot.workloads.length} available`,
    health: `${failing} of ${snapshot.health.length} failing`,
  };
}

const TONES: Record<string, Tone> = {
  available: 'c0',
  healthy: 'c0',
  complete: 'c0',
  partial: 'c3',
  progressing: 'c2',
  paused: 'c2',
  no_pods: 'c2',
  unavailable: 'c4',
  unhealthy: 'c4',
  failed: 'c4',
};
const TEXT: Record<string, string> = {
  available: 'Available',
  unavailable: 'Unavailable',
  partial: 'Partly available',
  healthy: 'Healthy',
  unhealthy: 'Failing',
  no_pods: 'No pods',
  complete: 'Complete',
  progressing: 'Progressing',
  paused: 'Paused',
  failed: 'Failed',
};

export function clusters(admin: AdminContext): Hono<AdminEnv> {
  const { site } = admin;
  const app = new Hono<AdminEnv>();

  /** The state as a cell, with its stored `since` while the record says the same state. */
  const cell = (state: string, page: AdminPage, kind?: string, id?: string): StateCell => {
    const body =
      kind && id
        ? (site.store.get(kind, id)?.body as { state?: unknown; since?: unknown } | undefined)
        : undefined;
    const since =
      body?.state === state && typeof body.since === 'string'
        ? page.fmt.short(Date.parse(body.since), page.now)
        : undefined;
    return { text: TEXT[state] ?? state, tone: TONES[state] ?? 'c2', since };
  };

  app.get('/admin/clusters', async (c) => {
    const page = await admin.page(c);
    const rows: ClusterRow[] = site.clusters.list().map((view) => ({
      name: view.cluster,
      state: clusterState(view, page.now),
      lastSnapshot: lastSnapshot(view, page),
      source: view.source ? `${view.source} (${view.snapshot?.agent.version ?? '?'})` : '–',
      standby: view.instances.map((i) => i.instance).filter((i) => i !== view.source),
      ...summary(view.snapshot),
    }));
    return sendHtml(c, html(<ClustersPage {...page} rows={rows} />));
  });

  app.get('/admin/clusters/:name', async (c) => {
    const name = c.req.param('name');
    const view = site.clusters.get(name);
    const page = await admin.page(c);
    if (!view)
      return sendHtml(
        c,
        html(
          <AdminMessagePage
            {...page}
            current="clusters"
            heading="No such cluster"
            text={`No agent is configured or has reported for a cluster named ${name}.`}
          />,
        ),
        404,
      );
    const snapshot = view.snapshot;
    const id = (namespace: string, object: string) => objectId(name, namespace, object);
    const services = [...(snapshot?.services ?? [])].sort(
      (a, b) =>
        Number(a.readyEndpoints > 0) - Number(b.readyEndpoints > 0) ||
        `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
    );
    const byName = new Map(services.map((s) => [`${s.namespace}/${s.name}`, s]));
    const statusServices = new Map<string, string[]>();
    for (const s of snapshot?.statusServices ?? []) {
      const key = `${s.namespace}/${s.serviceName}`;
      statusServices.set(key, [...(statusServices.get(key) ?? []), s.displayName]);
    }
    const workloads = [...(snapshot?.workloads ?? [])].sort(
      (a, b) =>
        Number(workloadState(a) === 'available') - Number(workloadState(b) === 'available') ||
        `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
    );
    const detail: ClusterDetail = {
      name,
      state: clusterState(view, page.now),
      lastSnapshot: lastSnapshot(view, page),
      source: view.source ?? '–',
      sequence: snapshot ? String(snapshot.sequence) : '–',
      unsynced: snapshot?.unsynced ?? [],
      services: services.slice(0, MAX_ROWS).map((s) => ({
        name: `${s.namespace}/${s.name}`,
        endpoints: `${s.readyEndpoints} / ${s.servingEndpoints} / ${s.terminatingEndpoints}`,
        state: cell(
          s.readyEndpoints > 0 ? 'available' : 'unavailable',
          page,
          CLUSTER_KIND.service,
          id(s.namespace, s.name),
        ),
        statusServices: statusServices.get(`${s.namespace}/${s.name}`) ?? [],
      })),
      workloads: workloads.slice(0, MAX_ROWS).map((w) => ({
        kind: w.kind,
        name: `${w.namespace}/${w.name}`,
        replicas: `${w.desired} / ${w.updated} / ${w.ready} / ${w.available}`,
        state: cell(
          workloadState(w),
          page,
          w.kind === 'Deployment' ? CLUSTER_KIND.deployment : CLUSTER_KIND.statefulset,
          id(w.namespace, w.name),
        ),
        rollout: cell(rolloutState(w), page),
      })),
      health: (snapshot?.health ?? []).map((h) => ({
        name: `${h.namespace}/${h.service}`,
        pods: `${h.pods.healthy} / ${h.pods.total}`,
        state: cell(
          h.failing.length ? 'unhealthy' : h.pods.total === 0 ? 'no_pods' : 'healthy',
          page,
          CLUSTER_KIND.health,
          id(h.namespace, h.service),
        ),
        failing: h.failing.slice(0, 20).map((f) => ({
          pod: f.pod,
          checks: f.checks.length
            ? f.checks.map((check) => `${check.name} (severity ${check.severity})`).join(', ')
            : (f.error ?? 'no answer'),
        })),
        categories: h.categories.join(', ') || '–',
      })),
      statusServices: (snapshot?.statusServices ?? []).slice(0, MAX_ROWS).map((resource) => {
        const target = byName.get(`${resource.namespace}/${resource.serviceName}`);
        const group = resource.group
          ? snapshot?.statusServiceGroups.find((g) => g.name === resource.group)
          : undefined;
        return {
          name: `${resource.namespace}/${resource.name}`,
          displayName: resource.displayName,
          group: group?.displayName ?? (resource.group ? `${resource.group} (unknown)` : 'Default'),
          service: resource.serviceName,
          state: target
            ? cell(
                target.readyEndpoints > 0 ? 'available' : 'unavailable',
                page,
                CLUSTER_KIND.service,
                id(target.namespace, target.name),
              )
            : { text: 'No such Service', tone: 'c4' },
        };
      }),
      categories: (snapshot?.categories ?? []).map((category) => ({
        name: category.name,
        text: `${category.enabled ? 'enabled' : 'disabled'}${category.isSticky ? ', sticky' : ''}, refreshed every ${category.refreshRate} s, ${category.services.length ? category.services.join(', ') : 'every service'}`,
      })),
      pods: snapshot
        ? `${snapshot.pods.total} pods: ${
            Object.entries(snapshot.pods.byPhase)
              .map(([phase, count]) => `${count} ${phase}`)
              .join(', ') || 'none'
          }.`
        : 'No snapshot yet.',
      failingPods: (snapshot?.pods.failing ?? []).slice(0, 50).map((p) => ({
        name: `${p.namespace}/${p.name}`,
        text: `${p.phase}${p.reason ? ` (${p.reason})` : ''}, ${p.ready ? 'ready' : 'not ready'}, ${p.restarts} restarts`,
      })),
      cut: {
        services: Math.max(0, services.length - MAX_ROWS),
        workloads: Math.max(0, workloads.length - MAX_ROWS),
      },
    };
    return sendHtml(c, html(<ClusterPage {...page} detail={detail} />));
  });

  return app;
}
