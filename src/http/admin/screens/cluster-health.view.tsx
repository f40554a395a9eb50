/** One cluster's health as the seed APIs and the page see it, with acknowledgements and categories to change. */
import { AdminLayout, AdminTable, ButtonForm, Csrf, type AdminChrome } from '../shell.tsx';
import type { StateCell } from './clusters.view.tsx';

export interface BoundRow {
  component: string;
  state: StateCell;
  source: string;
  /** The last days' minutes away from operational, newest first ("21 Nov: 12 min major outage"). */
  days: string[];
}

export interface StatusRow {
  name: string;
  displayName: string;
  state: StateCell;
  /** The latest state changes, newest first ("21 Nov, 13:05 → warning"). */
  history: string[];
  /** The worst state of each of the last days, newest first. */
  daily: string[];
}

export interface WorkloadHealthRow {
  name: string;
  kind: string;
  state: StateCell;
  replicas: string;
}

export interface FtRow {
  service: string;
  state: StateCell;
  output: string;
  ack?: string;
  categories: string;
}

export interface CategoryRow {
  name: string;
  state: StateCell;
  why: string;
  enabled: boolean;
}

export interface ClusterHealthDetail {
  name: string;
  state: StateCell;
  lastSnapshot: string;
  staleAfter: string;
  bound: BoundRow[];
  statusServices: StatusRow[];
  workloads: WorkloadHealthRow[];
  ft: FtRow[];
  categories: CategoryRow[];
}

const Cell = ({ cell }: { cell: StateCell }) => (
  <>
    <span class={`state ${cell.tone}`}>{cell.text}</span>
    {cell.since ? <div class="help">since {cell.since}</div> : null}
  </>
);

const Lines = ({ lines }: { lines: string[] }) =>
  lines.length ? (
    <ul class="plain">
      {lines.map((line) => (
        <li>{line}</li>
      ))}
    </ul>
  ) : (
    <span class="help">–</span>
  );

export function ClusterHealthPage(
  props: AdminChrome & { detail: ClusterHealthDetail; done?: string | undefined },
) {
  const d = props.detail;
  const base = `/admin/clusters/${encodeURIComponent(d.name)}/health`;
  return (
    <AdminLayout {...props} title={`Cluster ${d.name}: health`} current="clusters">
      <h1>Cluster {d.name}: health</h1>
      <p>
        <a href={`/admin/clusters/${encodeURIComponent(d.name)}`}>Objects of this cluster</a> ·{' '}
        <a href="/admin/clusters">All clusters</a>
      </p>
      <p>
        <Cell cell={d.state} /> Last snapshot {d.lastSnapshot}; stale after {d.staleAfter} of
        silence.
      </p>
      {props.done ? <p class="notice ok">{props.done}</p> : null}

      <h2>Components on the page</h2>
      <AdminTable
        caption="Components bound to this cluster"
        columns={
          <>
            <th>Component</th>
            <th>State</th>
            <th>From</th>
            <th>Recent days</th>
          </>
        }
      >
        {d.bound.map((row) => (
          <tr>
            <td>{row.component}</td>
            <td>
              <Cell cell={row.state} />
            </td>
            <td>{row.source}</td>
            <td>
              <Lines lines={row.days} />
            </td>
          </tr>
        ))}
      </AdminTable>

      <h2>status-service</h2>
      <AdminTable
        caption="StatusServices objects"
        columns={
          <>
            <th>Object</th>
            <th>State</th>
            <th>Latest changes</th>
            <th>Daily</th>
          </>
        }
      >
        {d.statusServices.map((row) => (
          <tr>
            <td>
              {row.displayName}
              <div class="help">{row.name}</div>
            </td>
            <td>
              <Cell cell={row.state} />
            </td>
            <td>
              <Lines lines={row.history} />
            </td>
            <td>
              <Lines lines={row.daily} />
            </td>
          </tr>
        ))}
      </AdminTable>

      <h2>Workloads (heartbeat)</h2>
      <AdminTable
        caption="Deployments and StatefulSets"
        columns={
          <>
            <th>Workload</th>
            <th>Heartbeat</th>
            <th>Available / desired</th>
          </>
        }
      >
        {d.workloads.map((row) => (
          <tr>
            <td>
              {row.name}
              <div class="help">{row.kind}</div>
            </td>
            <td>
              <Cell cell={row.state} />
            </td>
            <td>{row.replicas}</td>
          </tr>
        ))}
      </AdminTable>

      <h2>Aggregate healthcheck</h2>
      <AdminTable
        caption="FT services"
        columns={
          <>
            <th>Service</th>
            <th>State</th>
            <th>Categories</th>
            <th>Acknowledgement</th>
          </>
        }
      >
        {d.ft.map((row) => (
          <tr>
            <td>
              {row.service}
              <div class="help">{row.output}</div>
            </td>
            <td>
              <Cell cell={row.state} />
            </td>
            <td>{row.categories}</td>
            <td>
              {row.ack ? (
                <>
                  <div>{row.ack}</div>
                  <ButtonForm
                    action={`${base}/rem-ack`}
                    csrf={props.csrf}
                    name="service"
                    value={row.service}
                    label={`Remove the acknowledgement of ${row.service}`}
                  >
                    Remove
                  </ButtonForm>
                </>
              ) : (
                <form method="post" action={`${base}/add-ack`}>
                  <Csrf token={props.csrf} />
                  <input type="hidden" name="service" value={row.service} />
                  <label>
                    <span class="visually-hidden">Acknowledgement of {row.service}</span>
                    <input name="message" required maxlength={500} placeholder="Why it may fail" />
                  </label>
                  <button type="submit" class="secondary small">
                    Acknowledge
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </AdminTable>

      <h2>Categories</h2>
      <AdminTable
        caption="FT categories"
        columns={
          <>
            <th>Category</th>
            <th>State</th>
            <th>Why</th>
            <th>
              <span class="visually-hidden">Actions</span>
            </th>
          </>
        }
      >
        {d.categories.map((row) => (
          <tr>
            <td>{row.name}</td>
            <td>
              <Cell cell={row.state} />
            </td>
            <td>{row.why}</td>
            <td>
              <ButtonForm
                action={`${base}/${row.enabled ? 'disable' : 'enable'}-category`}
                csrf={props.csrf}
                name="category"
                value={row.name}
                label={`${row.enabled ? 'Disable' : 'Re-enable'} category ${row.name}`}
              >
                {row.enabled ? 'Disable' : 'Re-enable'}
              </ButtonForm>
            </td>
          </tr>
        ))}
      </AdminTable>
    </AdminLayout>
  );
}
