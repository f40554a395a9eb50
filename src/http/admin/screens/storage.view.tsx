/** Every storage target with its state, latency, lag, queued hints and bad records. */
import { AdminLayout, AdminTable, type AdminChrome } from '../shell.tsx';

export interface TargetRow {
  location: string;
  driver: string;
  state: 'up' | 'down' | 'unknown';
  latency: string;
  lag: number;
  queuedHints: number;
  lastSync: string;
  badRecords: number;
  lastError?: string | undefined;
}

export function StoragePage(
  props: AdminChrome & { rows: TargetRow[]; quorum: string; summary: string },
) {
  const stateClass = { up: 'c0', down: 'c4', unknown: 'c2' } as const;
  const stateText = { up: 'Up', down: 'Down', unknown: 'Unknown' } as const;
  return (
    <AdminLayout {...props} title="Storage" current="storage">
      <div class="section-head">
        <h1>Storage targets</h1>
        <span class="help">Write quorum: {props.quorum}</span>
      </div>
      <p>{props.summary}</p>
      <AdminTable
        caption="Every storage target with its state, lag and queued hints"
        columns={
          <>
            <th scope="col">Target</th>
            <th scope="col">State</th>
            <th scope="col">Latency</th>
            <th scope="col">Lag</th>
            <th scope="col">Queued hints</th>
            <th scope="col">Last sync</th>
            <th scope="col">Bad records</th>
          </>
        }
      >
        {props.rows.map((row) => (
          <tr>
            <td>
              <code>{row.location}</code>
              <div class="help">{row.driver}</div>
              {row.lastError ? <div class="error-text">{row.lastError}</div> : null}
            </td>
            <td>
              <span class={`state ${stateClass[row.state]}`}>{stateText[row.state]}</span>
            </td>
            <td>{row.latency}</td>
            <td>{row.lag}</td>
            <td>{row.queuedHints}</td>
            <td>{row.lastSync}</td>
            <td>{row.badRecords}</td>
          </tr>
        ))}
      </AdminTable>
      <p class="help">
        Lag: records the merged view holds at a newer version than the target. Queued hints: writes
        waiting to be delivered to a target that missed them. The sync repairs everything else.
      </p>
    </AdminLayout>
  );
}
