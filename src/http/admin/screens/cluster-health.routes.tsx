/**
 * `/admin/clusters/:name/health`: a cluster as cluster health reads it (stale after
 * `stale_after`, status-service states with their changes and daily states, heartbeat answers,
 * FT services and categories) and the components that follow it, with what they showed on
 * recent days. Acknowledging, removing an acknowledgement and switching a category go through
 * ClusterHealth, as the aggregate-healthcheck routes do, with the signed-in user as `by`.
 */
import { Hono } from 'hono';
import type { ClusterHealthView } from '../../../cluster/health.ts';
import { HEALTH_KIND, type StatusChangeBody } from '../../../cluster/health-records.ts';
import { dailyStates } from '../../../cluster/status-history.ts';
import { formatDuration } from '../../../config/duration.ts';
import { KIND } from '../../../domain/records.ts';
import { componentStateRow, type ComponentState } from '../../../domain/types.ts';
import { html, sendHtml } from '../../site/site.ts';
import type { AdminContext, AdminEnv, AdminPage, AdminRequest } from '../context.ts';
import { changeOr, storageDown } from '../failure.ts';
import { formBody, str, type FormBody } from '../form-body.ts';
import { AdminMessagePage } from '../shell.tsx';
import { ClusterHealthPage, type ClusterHealthDetail } from './cluster-health.view.tsx';
import type { StateCell, Tone } from './clusters.view.tsx';

const HISTORY = 10;
const DAYS = 7;
const STATUS_TONE: Record<string, Tone> = { ok: 'c0', warning: 'c3', error: 'c4' };
const COMPONENT_TONE: Record<ComponentState, Tone> = {
  0: 'c0',
  1: 'c2',
  2: 'c2',
  3: 'c3',
  4: 'c4',
};

const DONE: Record<string, string> = {
  acked: 'Acknowledged.',
  unacked: 'Acknowledgement removed.',
  enabled: 'Category re-enabled.',
  disabled: 'Category disabled.',
};

function clusterCell(view: ClusterHealthView, page: AdminPage): StateCell {
  if (view.lastSnapshotAt === null) return { text: 'No snapshot yet', tone: 'c2' };
  return view.stale
    ? {
        text: 'Stale',
        tone: 'c4',
        since: page.fmt.short(view.lastSnapshotAt + view.staleAfterMs, page.now),
      }
    : { text: 'Reporting', tone: 'c0' };
}

export function clusterHealth(admin: AdminContext): Hono<AdminEnv> {
  const { site } = admin;
  const app = new Hono<AdminEnv>();
  const health = site.deps.health;
  if (!health) return app;
  const base = (name: string) => `/admin/clusters/${encodeURIComponent(name)}/health`;

  const detail = (view: ClusterHealthView, page: AdminPage): ClusterHealthDetail => {
    const when = (ms: number) => page.fmt.short(ms, page.now);
    const day = (ms: number) => page.fmt.day(ms + 12 * 3_600_000);
    const changes = site.store
      .list(HEALTH_KIND.statusChange)
      .map((r) => r.body as StatusChangeBody | null)
      .filter((b): b is StatusChangeBody => b?.cluster === view.cluster)
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    const daily = dailyStates(site.store, view.cluster);
    const bound = site.componentHealth().states.filter((s) => s.cluster === view.cluster);
    return {
      name: view.cluster,
      state: clusterCell(view, page),
      lastSnapshot:
        view.lastSnapshotAt === null
          ? 'never (since this instance started)'
          : `${formatDuration(Math.max(0, Math.round((page.now - view.lastSnapshotAt) / 1000)) * 1000)} ago (${when(view.lastSnapshotAt)})`,
      staleAfter: formatDuration(view.staleAfterMs),
      bound: bound.map((s) => ({
        component: s.component,
        state: { text: componentStateRow(s.state).description, tone: COMPONENT_TONE[s.state] },
        source: s.source,
        days: site.store
          .list(KIND.healthDay)
          .map((r) => r.body as Record<string, unknown> | null)
          .filter((b) => b?.component === s.component && typeof b.start === 'number')
          .sort((a, b) => (b!.start as number) - (a!.start as number))
          .slice(0, DAYS)
          .map((b) => {
            const parts = (['major', 'partial', 'degraded', 'maintenance'] as const)
              .filter((k) => typeof b![k] === 'number' && (b![k] as number) >= 1)
              .map((k) => `${Math.round(b![k] as number)} min ${k}`);
            return `${day(b!.start as number)}: ${parts.join(', ') || 'operational'}`;
          }),
      })),
      statusServices: view.statusServices.map((s) => ({
        name: `${s.namespace}/${s.name}`,
        displayName: s.displayName,
        state: {
          text: s.state,
          tone: view.stale ? 'c2' : STATUS_TONE[s.state]!,
          since: s.since ? when(Date.parse(s.since)) : undefined,
        },
        history: changes
          .filter((c) => c.namespace === s.namespace && c.name === s.name)
          .slice(0, HISTORY)
          .map((c) => `${when(Date.parse(c.at))} → ${c.state}`),
        daily: [...(daily.get(s.id) ?? new Map<number, string>()).entries()]
          .sort(([a], [b]) => b - a)
          .slice(0, DAYS)
          .map(([start, state]) => `${day(start)}: ${state}`),
      })),
      workloads: view.workloads.map((w) => ({
        name: `${w.namespace}/${w.name}`,
        kind: w.kind,
        state: {
          text: w.healthy ? '200 (healthy)' : `503 (${w.state}, rollout ${w.rollout})`,
          tone: w.healthy ? 'c0' : w.state === 'unavailable' ? 'c4' : 'c3',
          since: w.since ? when(Date.parse(w.since)) : undefined,
        },
        replicas: `${w.available} / ${w.desired}`,
      })),
      ft: view.ft.map((s) => ({
        service: s.service,
        state: {
          text: s.ok
            ? 'healthy'
            : s.ack
              ? `acknowledged (severity ${s.severity})`
              : `failing (severity ${s.severity})`,
          tone: s.ok ? 'c0' : s.ack ? 'c2' : s.severity === 1 ? 'c4' : 'c3',
          since: s.since ? when(Date.parse(s.since)) : undefined,
        },
        output: s.output,
        ...(s.ack ? { ack: s.ack } : {}),
        categories: s.categories.join(', ') || '–',
      })),
      categories: view.categories.map((c) => ({
        name: c.name,
        enabled: c.enabled,
        state: {
          text: c.enabled ? 'enabled' : 'disabled',
          tone: c.enabled ? 'c0' : 'c3',
          since: c.changedAt ? when(Date.parse(c.changedAt)) : undefined,
        },
        why: c.enabled
          ? c.isSticky
            ? 'sticky: disabled by a failure until re-enabled'
            : '–'
          : c.disabledBy === 'sticky'
            ? `sticky, after ${c.disabledFor ?? 'a service'} failed`
            : 'disabled by an admin',
      })),
    };
  };

  const notFound = async (c: AdminRequest, name: string) =>
    sendHtml(
      c,
      html(
        <AdminMessagePage
          {...await admin.page(c)}
          current="clusters"
          heading="No such cluster"
          text={`No agent is configured or has reported for a cluster named ${name}.`}
        />,
      ),
      404,
    );

  const show = async (
    c: AdminRequest,
    status = 200,
    notices: Parameters<AdminContext['page']>[1] = [],
  ) => {
    const name = c.req.param('name')!;
    const view = health.view(name);
    if (!view) return notFound(c, name);
    const page = await admin.page(c, notices);
    const done = DONE[c.req.query('done') ?? ''];
    return sendHtml(
      c,
      html(<ClusterHealthPage {...page} detail={detail(view, page)} done={done} />),
      status,
    );
  };

  app.get('/admin/clusters/:name/health', (c) => show(c));

  /** One change of the screen: `run` answers false when the service or category is unknown, or a problem with the input. */
  const action = (
    path: string,
    field: string,
    done: string,
    run: (name: string, value: string, form: FormBody, by: string) => Promise<boolean | string>,
  ) =>
    app.post(`/admin/clusters/:name/health/${path}`, async (c) => {
      const name = c.req.param('name');
      const form = await formBody(c, { all: false });
      const value = str(form, field, 300);
      if (!health.view(name)) return notFound(c, name);
      return changeOr(
        async () => {
          const ok = await run(name, value, form, admin.actor(c).name);
          if (typeof ok === 'string') return show(c, 400, [{ tone: 'error', title: ok }]);
          if (!ok)
            return show(c, 404, [
              { tone: 'error', title: `No ${field} ${value} in cluster ${name}.` },
            ]);
          return c.redirect(`${base(name)}?done=${done}`, 303);
        },
        { unavailable: () => show(c, 503, [storageDown('Not saved.')]) },
      );
    });

  action('add-ack', 'service', 'acked', async (cluster, service, form, by) => {
    const message = str(form, 'message', 500).trim();
    if (!message) return 'Not acknowledged: give a message saying why the failure is expected.';
    return health.acknowledge(cluster, service, message, by);
  });
  action('rem-ack', 'service', 'unacked', (cluster, service, _form, by) =>
    health.removeAcknowledgement(cluster, service, by),
  );
  action('enable-category', 'category', 'enabled', (cluster, category, _form, by) =>
    health.setCategory(cluster, category, true, by),
  );
  action('disable-category', 'category', 'disabled', (cluster, category, _form, by) =>
    health.setCategory(cluster, category, false, by),
  );
  return app;
}
