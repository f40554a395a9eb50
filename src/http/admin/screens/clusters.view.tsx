/** The clusters the agents report on, and one cluster's objects with their states. */
import type { Child } from 'hono/jsx';
import { AdminLayout, AdminTable, type AdminChrome } from '../shell.tsx';

/** `c0` ok … `c4` major, the page's own state colours. */
export type Tone = 'c0' | 'c2' | 'c3' | 'c4';

export interface StateCell {
  text: string;
  tone: Tone;
  /** When the state began, as stored (`since`), formatted. */
  since?: string | undefined;
}

export interface ClusterRow {
  name: string;
  state: StateCell;
  lastSnapshot: string;
  source: string;
  standby: string[];
  services: string;
  workloads: string;
  health: string;
}

export interface ServiceRow {
  name: string;
  endpoints: string;
  state: StateCell;
  statusServices: string[];
}

export interface WorkloadRow {
  kind: string;
  name: string;
  replicas: string;
  state: StateCell;
  rollout: StateCell;
}

export interface HealthRow {
  name: string;
  pods: string;
  state: StateCell;
  failing: { pod: string; checks: string }[];
  categories: string;
}

export interface ClusterDetail {
  name: string;
  state: StateCell;
  lastSnapshot: string;
  source: string;
  sequence: string;
  /** Watches that had not listed when the snapshot was made. */
  unsynced: string[];
  services: ServiceRow[];
  workloads: WorkloadRow[];
  health: HealthRow[];
  statusServices: {
    name: string;
    displayName: string;
    service: string;
    group: string;
    state: StateCell;
  }[];
  categories: { name: string; text: string }[];
  pods: string;
  failingPods: { name: string; text: string }[];
  /** Rows left out of each long table (the page stays readable for a cluster of thousands). */
  cut: { services: number; workloads: number };
}

function State({ cell }: { cell: StateCell }) {
  return (
    <>
      <span class={`state ${cell.tone}`}>{cell.text}</span>
      {cell.since ? <div class="help">since {cell.since}</div> : null}
    </>
  );
}

function Empty({ columns, text }: { columns: number; text: string }) {
  return (
    <tr>
      <td colspan={columns}>{text}</td>
    </tr>
  );
}

export function ClustersPage(props: AdminChrome & { rows: ClusterRow[] }) {
  return (
    <AdminLayout {...props} title="Clusters" current="clusters">
      <div class="section-head">
        <h1>Clusters</h1>
        <span class="help">{props.rows.length} configured or reporting</span>
      </div>
      <p>
        Each cluster's agent pushes a snapshot on every change and at least every heartbeat. What is
        shown is the newest snapshot this instance received; state changes are also stored.
      </p>
      <AdminTable
        caption="Clusters, their agents and a summary of their objects"
        columns={
          <>
            <th scope="col">Cluster</th>
            <th scope="col">State</th>
            <th scope="col">Last snapshot</th>
            <th scope="col">Agent</th>
            <th scope="col">Services</th>
            <th scope="col">Workloads</th>
            <th scope="col">FT services</th>
          </>
        }
      >
        {props.rows.length === 0 ? (
          <Empty columns={7} text="No cluster is configured: add one under agents in the config." />
        ) : (
          props.rows.map((row) => (
            <tr>
              <td>
                <a href={`/admin/clusters/${encodeURIComponent(row.name)}`}>{row.name}</a>
              </td>
              <td>
                <State cell={row.state} />
              </td>
              <td>{row.lastSnapshot}</td>
              <td>
                <code>{row.source}</code>
                {row.standby.length ? (
                  <div class="help">standby: {row.standby.join(', ')}</div>
                ) : null}
              </td>
              <td>{row.services}</td>
              <td>{row.workloads}</td>
              <td>{row.health}</td>
            </tr>
          ))
        )}
      </AdminTable>
    </AdminLayout>
  );
}

function Section(props: { title: string; note?: string | undefined; children?: Child }) {
  return (
    <>
      <h2>{props.title}</h2>
      {props.children}
      {props.note ? <p class="help">{props.note}</p> : null}
    </>
  );
}

const more = (count: number) => (count > 0 ? `${count} more not shown.` : undefined);

export function ClusterPage(props: AdminChrome & { detail: ClusterDetail }) {
  const d = props.detail;
  return (
    <AdminLayout {...props} title={`Cluster ${d.name}`} current="clusters">
      <div class="section-head">
        <h1>Cluster {d.name}</h1>
        <State cell={d.state} />
      </div>
      <p>
        Last snapshot: {d.lastSnapshot}. Agent <code>{d.source}</code>, sequence {d.sequence}.{' '}
        <a href={`/admin/clusters/${encodeURIComponent(d.name)}/health`}>
          Health, history, acknowledgements and categories
        </a>{' '}
        · <a href="/admin/clusters">All clusters</a>
      </p>
      {d.unsynced.length ? (
        <div class="notice info">
          The agent had not listed {d.unsynced.join(', ')} yet: what they cover may be missing from
          this snapshot, and their stored states are left as they were.
        </div>
      ) : null}
      <Section title="Services" note={more(d.cut.services)}>
        <AdminTable
          caption="Services with their endpoints"
          columns={
            <>
              <th scope="col">Service</th>
              <th scope="col">Endpoints (ready / serving / terminating)</th>
              <th scope="col">State</th>
              <th scope="col">StatusServices</th>
            </>
          }
        >
          {d.services.length === 0 ? (
            <Empty columns={4} text="No service reported." />
          ) : (
            d.services.map((row) => (
              <tr>
                <td>{row.name}</td>
                <td>{row.endpoints}</td>
                <td>
                  <State cell={row.state} />
                </td>
                <td>{row.statusServices.join(', ') || '–'}</td>
              </tr>
            ))
          )}
        </AdminTable>
      </Section>
      <Section title="StatusServices (appmirage.io)">
        <AdminTable
          caption="status-service's resources, with their Service's state"
          columns={
            <>
              <th scope="col">Resource</th>
              <th scope="col">Display name</th>
              <th scope="col">Group</th>
              <th scope="col">Service</th>
            </>
          }
        >
          {d.statusServices.length === 0 ? (
            <Empty columns={4} text="No StatusServices resource reported." />
          ) : (
            d.statusServices.map((row) => (
              <tr>
                <td>{row.name}</td>
                <td>{row.displayName}</td>
                <td>{row.group}</td>
                <td>
                  {row.service}
                  <div>
                    <State cell={row.state} />
                  </div>
                </td>
              </tr>
            ))
          )}
        </AdminTable>
      </Section>
      <Section title="Workloads" note={more(d.cut.workloads)}>
        <AdminTable
          caption="Deployments and StatefulSets with their replicas"
          columns={
            <>
              <th scope="col">Workload</th>
              <th scope="col">Replicas (desired / updated / ready / available)</th>
              <th scope="col">State</th>
              <th scope="col">Rollout</th>
            </>
          }
        >
          {d.workloads.length === 0 ? (
            <Empty columns={4} text="No workload reported." />
          ) : (
            d.workloads.map((row) => (
              <tr>
                <td>
                  {row.name}
                  <div class="help">{row.kind}</div>
                </td>
                <td>{row.replicas}</td>
                <td>
                  <State cell={row.state} />
                </td>
                <td>
                  <State cell={row.rollout} />
                </td>
              </tr>
            ))
          )}
        </AdminTable>
      </Section>
      <Section title="FT services (__health)">
        <AdminTable
          caption="Services labelled hasHealthcheck, with their failing checks"
          columns={
            <>
              <th scope="col">Service</th>
              <th scope="col">Pods (healthy / total)</th>
              <th scope="col">State</th>
              <th scope="col">Failing</th>
            </>
          }
        >
          {d.health.length === 0 ? (
            <Empty columns={4} text="No service with hasHealthcheck reported." />
          ) : (
            d.health.map((row) => (
              <tr>
                <td>
                  {row.name}
                  <div class="help">categories: {row.categories}</div>
                </td>
                <td>{row.pods}</td>
                <td>
                  <State cell={row.state} />
                </td>
                <td>
                  {row.failing.length === 0
                    ? '–'
                    : row.failing.map((f) => (
                        <div>
                          <code>{f.pod}</code>: {f.checks}
                        </div>
                      ))}
                </td>
              </tr>
            ))
          )}
        </AdminTable>
      </Section>
      <Section title="Categories">
        {d.categories.length === 0 ? (
          <p>No category ConfigMap reported.</p>
        ) : (
          <ul>
            {d.categories.map((c) => (
              <li>
                <strong>{c.name}</strong>: {c.text}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Pods">
        <p>{d.pods}</p>
        {d.failingPods.length ? (
          <ul>
            {d.failingPods.map((p) => (
              <li>
                <code>{p.name}</code>: {p.text}
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
    </AdminLayout>
  );
}
