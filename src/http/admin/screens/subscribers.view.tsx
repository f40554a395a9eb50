/** The email subscribers, each with a button to remove them. */
import { AdminLayout, AdminTable, ButtonForm, type AdminChrome } from '../shell.tsx';

export interface SubscriberRow {
  email: string;
  since: string;
}

export function SubscribersPage(
  props: AdminChrome & { rows: SubscriberRow[]; emailDelivery: boolean },
) {
  return (
    <AdminLayout {...props} title="Subscribers" current="subscribers">
      <div class="section-head">
        <h1>Subscribers</h1>
        <span class="help">{props.rows.length} in total</span>
      </div>
      {props.emailDelivery ? null : (
        <div class="notice info">
          Staunch does not send email yet: subscribers are collected but receive nothing.
        </div>
      )}
      <AdminTable
        caption="Email subscribers"
        columns={
          <>
            <th scope="col">Email</th>
            <th scope="col">Subscribed</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </>
        }
      >
        {props.rows.length === 0 ? (
          <tr>
            <td colspan={3}>No subscribers yet.</td>
          </tr>
        ) : (
          props.rows.map((row) => (
            <tr>
              <td>{row.email}</td>
              <td>{row.since}</td>
              <td>
                <ButtonForm
                  action="/admin/subscribers/remove"
                  csrf={props.csrf}
                  name="email"
                  value={row.email}
                  label={`Remove ${row.email}`}
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
