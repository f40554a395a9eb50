/** The lists of incidents, maintenance and known issues, with their filters and pages. */
import type { ComponentState } from '../../../domain/types.ts';
import { Markdown } from '../../site/markdown.tsx';
import { StateLabel } from '../../site/status.tsx';
import type { IncidentMode } from '../incident-form.ts';
import { AdminLayout, AdminTable, type AdminChrome } from '../shell.tsx';

export interface IncidentRow {
  guid: string;
  titleHtml: string;
  status: string;
  open: boolean;
  impact: ComponentState;
  kind: IncidentMode;
  components: string[];
  start: string;
  updated: string;
  end?: string | undefined;
}

export interface IncidentListProps extends AdminChrome {
  section: 'incidents' | 'maintenance' | 'persistent';
  heading: string;
  newHref: string;
  newLabel: string;
  rows: IncidentRow[];
  filters?: {
    status: string;
    component: string;
    q: string;
    choices: Array<{ id: string; label: string }>;
  };
  page: { number: number; previous?: string; next?: string; total: number };
}

export function IncidentListPage(props: IncidentListProps) {
  const f = props.filters;
  const isMaintenance = props.section === 'maintenance';
  return (
    <AdminLayout {...props} title={props.heading} current={props.section}>
      <div class="section-head">
        <h1>{props.heading}</h1>
        <a class="btn" href={props.newHref}>
          {props.newLabel}
        </a>
      </div>
      {f ? (
        <div class="card">
          <form method="get" class="card-body inline-form" aria-label="Filter">
            <div class="field">
              <label for="filter-status">Status</label>
              <select id="filter-status" name="status">
                {[
                  ['open', 'Open'],
                  ['resolved', 'Closed'],
                  ['all', 'All'],
                ].map(([value, label]) => (
                  <option value={value} selected={f.status === value}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="filter-component">Component</label>
              <select id="filter-component" name="component">
                <option value="">All components</option>
                {f.choices.map((c) => (
                  <option value={c.id} selected={f.component === c.id}>
                    {c.label}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="filter-q">Search</label>
              <input id="filter-q" type="search" name="q" value={f.q} />
            </div>
            <button type="submit" class="secondary">
              Filter
            </button>
          </form>
        </div>
      ) : null}
      <AdminTable
        caption={props.heading}
        columns={
          <>
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col">Components</th>
            <th scope="col">{isMaintenance ? 'Window' : 'Started'}</th>
            <th scope="col">Updated</th>
          </>
        }
      >
        {props.rows.length === 0 ? (
          <tr>
            <td colspan={5}>Nothing here.</td>
          </tr>
        ) : (
          props.rows.map((row) => (
            <tr>
              <td>
                <a href={`/admin/incidents/${encodeURIComponent(row.guid)}`}>
                  <Markdown html={row.titleHtml || 'Untitled'} inline />
                </a>
              </td>
              <td>
                {row.open && !isMaintenance ? (
                  <StateLabel state={row.impact} text={row.status} />
                ) : (
                  <span class="pill neutral">{row.status}</span>
                )}
              </td>
              <td>{row.components.join(', ')}</td>
              <td>
                {row.start}
                {row.end ? <> – {row.end}</> : null}
              </td>
              <td>{row.updated}</td>
            </tr>
          ))
        )}
      </AdminTable>
      <nav class="pager" aria-label="Pages">
        {props.page.previous ? (
          <a class="btn secondary small" href={props.page.previous} rel="prev">
            ← Newer
          </a>
        ) : null}
        <span class="help">
          Page {props.page.number} · {props.page.total} in total
        </span>
        {props.page.next ? (
          <a class="btn secondary small" href={props.page.next} rel="next">
            Older →
          </a>
        ) : null}
      </nav>
    </AdminLayout>
  );
}
