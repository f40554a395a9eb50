/**
 * The Restarts screen: every target an agent allows, its live state, a Restart button leading
 * to a confirmation step, and the latest requests with who asked and how each ended. With
 * JavaScript the states follow the status stream; without it the page refreshes itself while
 * a restart runs.
 */
import type { RestartHistoryEntry, RestartTargetView } from '../../../restart/service.ts';
import { AdminLayout, AdminTable, Csrf, type AdminChrome } from '../shell.tsx';

export const LIVE_SCRIPT_PATH = '/admin/restarts/live.js';

const OUTCOME_CLASS: Record<string, string> = {
  complete: 'c0',
  pending: 'c2',
  dispatched: 'c2',
  patched: 'c2',
  progressing: 'c2',
  failed: 'c4',
  refused: 'c4',
  expired: 'c3',
};

export const cellId = (t: { cluster: string; kind: string; namespace: string; name: string }) =>
  `status-${t.cluster}-${t.kind}-${t.namespace}-${t.name}`;

const query = (t: RestartTargetView) =>
  new URLSearchParams({
    cluster: t.cluster,
    kind: t.kind,
    namespace: t.namespace,
    name: t.name,
  }).toString();

function statusText(t: RestartTargetView): string {
  if (t.locked) return t.last?.progress?.message || `restart ${t.last?.outcome ?? 'pending'}`;
  return t.rollout?.message ?? '';
}

export interface RestartsView {
  targets: RestartTargetView[];
  history: (RestartHistoryEntry & { when: string })[];
  forceUnlockSeconds: number;
}

export function RestartsPage(props: AdminChrome & RestartsView) {
  const running = props.targets.some((t) => t.locked);
  return (
    <AdminLayout {...props} title="Restarts" current="restarts">
      <div class="section-head">
        <h1>Restarts</h1>
        <span class="help">
          Carried out by each cluster's agent, for what its allow-list names.
        </span>
      </div>
      {running ? (
        // As a string: hono/jsx hoists a <meta> element into <head>, out of the <noscript>, where
        // it would reload the page under the live script too.
        <noscript dangerouslySetInnerHTML={{ __html: '<meta http-equiv="refresh" content="3">' }} />
      ) : null}
      <p>
        A restart is a rolling restart, as <code>kubectl rollout restart</code>: pods are replaced a
        few at a time. A target stays locked until its rollout completes or fails, or for{' '}
        {props.forceUnlockSeconds} s at most.
      </p>
      <AdminTable
        caption="Targets the agents allow"
        columns={
          <>
            <th scope="col">Cluster</th>
            <th scope="col">Kind</th>
            <th scope="col">Namespace / name</th>
            <th scope="col">Status</th>
            <th scope="col">Replicas (updated / ready / desired)</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </>
        }
      >
        {props.targets.length === 0 ? (
          <tr>
            <td colspan={6}>
              No agent allows any restart. Add targets to an agent's <code>restarts.services</code>.
            </td>
          </tr>
        ) : null}
        {props.targets.map((t) => (
          <tr data-target={cellId(t)}>
            <td>{t.cluster}</td>
            <td>{t.kind}</td>
            <td>
              {t.namespace}/{t.name}
            </td>
            <td id={cellId(t)} aria-live="polite">
              <span class="restart-state">{statusText(t)}</span>
            </td>
            <td class="restart-replicas">
              {t.replicas.updated} / {t.replicas.ready} / {t.replicas.desired}
            </td>
            <td>
              <a
                class={`button secondary small restart-action${t.locked ? ' disabled' : ''}`}
                href={`/admin/restarts/confirm?${query(t)}`}
                aria-disabled={t.locked ? 'true' : undefined}
                id={`btn-action-${cellId(t).slice('status-'.length)}`}
              >
                {t.locked ? 'Restarting…' : 'Restart'}
              </a>
            </td>
          </tr>
        ))}
      </AdminTable>
      <h2>Latest requests</h2>
      <AdminTable
        caption="Restart requests, newest first"
        columns={
          <>
            <th scope="col">Target</th>
            <th scope="col">Asked by</th>
            <th scope="col">When</th>
            <th scope="col">Outcome</th>
          </>
        }
      >
        {props.history.length === 0 ? (
          <tr>
            <td colspan={4}>None yet.</td>
          </tr>
        ) : null}
        {props.history.map((h) => (
          <tr>
            <td>
              {h.cluster}: {h.kind} {h.namespace}/{h.name}
            </td>
            <td>{h.requestedBy.name}</td>
            <td>{h.when}</td>
            <td>
              <span class={`state ${OUTCOME_CLASS[h.outcome] ?? 'c2'}`}>{h.outcome}</span>
              {h.progress?.message ? <div class="help">{h.progress.message}</div> : null}
            </td>
          </tr>
        ))}
      </AdminTable>
      <script src={LIVE_SCRIPT_PATH} defer></script>
    </AdminLayout>
  );
}

export function ConfirmRestartPage(props: AdminChrome & { target: RestartTargetView }) {
  const t = props.target;
  return (
    <AdminLayout {...props} title="Restart?" current="restarts">
      <h1>
        Restart {t.kind} {t.namespace}/{t.name}?
      </h1>
      <p>
        In cluster <strong>{t.cluster}</strong>, its {t.replicas.desired} pods are replaced one by
        one. {t.rollout?.message ?? ''}
      </p>
      <form method="post" action="/admin/restarts">
        <Csrf token={props.csrf} />
        <input type="hidden" name="cluster" value={t.cluster} />
        <input type="hidden" name="kind" value={t.kind} />
        <input type="hidden" name="namespace" value={t.namespace} />
        <input type="hidden" name="name" value={t.name} />
        <button type="submit" id="confirm-restart">
          Yes, restart
        </button>{' '}
        <a href="/admin/restarts">Cancel</a>
      </form>
    </AdminLayout>
  );
}

/** Follows the status stream; a page without it (or without JavaScript) refreshes instead. */
export const LIVE_SCRIPT = `
(function () {
  if (!window.EventSource) return;
  var source = new EventSource('/admin/restarts/stream');
  source.addEventListener('status', function (event) {
    var m = JSON.parse(event.data);
    var t = m.kind_namespace_name;
    var id = 'status-' + m.cluster + '-' + t.kind + '-' + t.namespace + '-' + t.name;
    var cell = document.getElementById(id);
    if (!cell) return;
    var state = cell.querySelector('.restart-state');
    var pods = m.status.pod_status ? Object.keys(m.status.pod_status).map(function (k) {
      return k + ': ' + m.status.pod_status[k] + ' pods';
    }).join(', ') : '';
    var text = m.is_locked ? (m.status.message || 'restart ' + (m.restart ? m.restart.outcome : 'pending')) : (m.rollout ? m.rollout.message : m.status.message);
    if (state) state.textContent = text + (m.is_locked && pods ? ' (' + pods + ')' : '');
    cell.setAttribute('data-locked', m.is_locked ? 'true' : 'false');
    var row = cell.parentNode;
    var replicas = row.querySelector('.restart-replicas');
    if (replicas) replicas.textContent = m.replicas.updated + ' / ' + m.replicas.ready + ' / ' + m.replicas.desired;
    var action = row.querySelector('.restart-action');
    if (action) {
      action.textContent = m.is_locked ? 'Restarting\\u2026' : 'Restart';
      if (m.is_locked) { action.classList.add('disabled'); action.setAttribute('aria-disabled', 'true'); }
      else { action.classList.remove('disabled'); action.removeAttribute('aria-disabled'); }
    }
  });
})();
`;
