/** The email subscribers, each with a button to remove them. */
import { AdminLayout, Csrf, type AdminChrome } from '../shell.tsx';

export interface SubscriberRow {
  email: string;
  since: string;
}

export function SubscribersPage(props: AdminChrome & { rows: SubscriberRow[]; emailDelivery: boolean }) {
  return (
    <AdminLayout {...props} title="Subscribers" current="subscribers">
      <div class="section-head">
        <h1>Subscribers</h1>
        <span class="help">{props.rows.length} in total</span>
      </div>
      {props.emailDelivery ? null : <div class="notice info">Staunch does not send email yet: subscribers are collected but receive nothing.</div>}
      <div class="card">
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">Email subscribers</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Subscribed</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
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
                      <form method="post" action="/admin/subscribers/remove">
                        <Csrf token={props.csrf} />
                        <input type="hidden" name="email" value={row.email} />
                        <button type="submit" class="secondary small" aria-label={`Remove ${row.email}`}>
                          Remove
                        </button>
                      </form>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </div>
    </AdminLayout>
  );
}
