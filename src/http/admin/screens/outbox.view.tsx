/** The notification outbox: what is pending, sent and failed (with the last error), and "retry now". */
import type { OutboxRow } from '../../../notify/admin.ts';
import { AdminLayout, AdminTable, ButtonForm, type AdminChrome } from '../shell.tsx';

export type OutboxFilter = 'all' | 'pending' | 'sent' | 'failed';

export interface OutboxView {
  rows: (OutboxRow & { when: string })[];
  filter: OutboxFilter;
  counts: { pending: number; sent: number; failed: number };
  channels: readonly { name: string; type: string }[];
  /** More entries than shown. */
  more: number;
}

const STATE_CLASS = { pending: 'c2', sent: 'c0', failed: 'c4' } as const;

export function OutboxPage(props: AdminChrome & OutboxView) {
  const tab = (filter: OutboxFilter, label: string) => (
    <li>
      <a
        href={filter === 'all' ? '/admin/outbox' : `/admin/outbox?state=${filter}`}
        aria-current={props.filter === filter ? 'page' : undefined}
      >
        {label}
      </a>
    </li>
  );
  return (
    <AdminLayout {...props} title="Outbox" current="outbox">
      <div class="section-head">
        <h1>Notification outbox</h1>
        <span class="help">
          {props.channels.length === 0
            ? 'No channel is configured: nothing is sent.'
            : `Channels: ${props.channels.map((c) => `${c.name} (${c.type})`).join(', ')}`}
        </span>
      </div>
      <p>
        Every message to every channel and recipient is kept here until it is delivered, retried
        with growing pauses for as long as the configuration allows, then marked failed. A receiver
        that refuses for good (a 4xx answer) fails at once.
      </p>
      <nav aria-label="Outbox states">
        <ul class="tabs">
          {tab('all', 'All')}
          {tab('pending', `Pending (${props.counts.pending})`)}
          {tab('failed', `Failed (${props.counts.failed})`)}
          {tab('sent', `Sent (${props.counts.sent})`)}
        </ul>
      </nav>
      <AdminTable
        caption="Outbox entries, newest first"
        columns={
          <>
            <th scope="col">Message</th>
            <th scope="col">Channel</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">When</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </>
        }
      >
        {props.rows.length === 0 ? (
          <tr>
            <td colspan={6}>Nothing here.</td>
          </tr>
        ) : null}
        {props.rows.map((row) => (
          <tr>
            <td>
              {row.incident ? (
                <a href={`/admin/incidents/${encodeURIComponent(row.incident)}`}>
                  {row.title || row.incident}
                </a>
              ) : (
                row.title
              )}
              <div class="help">{row.event}</div>
            </td>
            <td>
              {row.channel}
              {row.recipient ? <div class="help">{row.recipient}</div> : null}
            </td>
            <td>
              <span class={`state ${STATE_CLASS[row.state]}`}>{row.state}</span>
              {row.lastError ? <div class="error-text">{row.lastError}</div> : null}
            </td>
            <td>{row.attempts}</td>
            <td>{row.when}</td>
            <td>
              {row.state === 'sent' ? null : (
                <ButtonForm
                  action="/admin/outbox/retry"
                  csrf={props.csrf}
                  name="id"
                  value={row.id}
                  label={`Retry ${row.event} to ${row.channel} now`}
                >
                  Retry now
                </ButtonForm>
              )}
            </td>
          </tr>
        ))}
      </AdminTable>
      {props.more > 0 ? <p class="help">{props.more} older entries are not shown.</p> : null}
    </AdminLayout>
  );
}
