/** The subscribers: kind, address (a webhook's origin only), state, scope, and a button to remove each. */
import { AdminLayout, AdminTable, ButtonForm, type AdminChrome } from '../shell.tsx';

export interface SubscriberRow {
  id: string;
  kind: 'email' | 'webhook';
  /** The email as given, or the webhook's origin (its path and query may hold a token). */
  address: string;
  /** `confirmed`, `pending (until …)` or `expired`. */
  state: string;
  scope: string;
  since: string;
}

export function SubscribersPage(
  props: AdminChrome & { rows: SubscriberRow[]; canMail: boolean; confirmWithin: string },
) {
  const pending = props.rows.filter((r) => r.state !== 'confirmed').length;
  return (
    <AdminLayout {...props} title="Subscribers" current="subscribers">
      <div class="section-head">
        <h1>Subscribers</h1>
        <span class="help">
          {props.rows.length} in total{pending ? `, ${pending} not confirmed` : ''}
        </span>
      </div>
      <div class="notice info">
        {props.canMail
          ? `Visitors confirm their address by a link mailed to it, within ${props.confirmWithin}; until then they receive nothing else, and unconfirmed sign-ups are removed after that time.`
          : 'No channel can mail: visitors cannot sign up by email (an admin can still add addresses through the API).'}
      </div>
      <AdminTable
        caption="Subscribers"
        columns={
          <>
            <th scope="col">Address</th>
            <th scope="col">Kind</th>
            <th scope="col">State</th>
            <th scope="col">Receives</th>
            <th scope="col">Subscribed</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </>
        }
      >
        {props.rows.length === 0 ? (
          <tr>
            <td colspan={6}>No subscribers yet.</td>
          </tr>
        ) : (
          props.rows.map((row) => (
            <tr>
              <td>{row.address}</td>
              <td>{row.kind}</td>
              <td>{row.state}</td>
              <td>{row.scope}</td>
              <td>{row.since}</td>
              <td>
                <ButtonForm
                  action="/admin/subscribers/remove"
                  csrf={props.csrf}
                  name="id"
                  value={row.id}
                  label={`Remove ${row.address}`}
                >
                  Remove
                </ButtonForm>
              </td>
            </tr>
          ))
        )}
      </AdminTable>
    </AdminLayout>
  );
}
