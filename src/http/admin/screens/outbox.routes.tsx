/** The notification outbox screen and its "retry now". */
import { Hono } from 'hono';
import { outboxCounts, outboxRows, retryNow } from '../../../notify/admin.ts';
import type { Notice } from '../../site/layout.tsx';
import { html, sendHtml } from '../../site/site.ts';
import type { AdminContext, AdminEnv, AdminRequest } from '../context.ts';
import { changeOr, storageDown } from '../failure.ts';
import { formBody, str } from '../form-body.ts';
import { OutboxPage, type OutboxFilter } from './outbox.view.tsx';

const SHOWN = 200;
const FILTERS: readonly OutboxFilter[] = ['all', 'pending', 'sent', 'failed'];

export function outbox(admin: AdminContext): Hono<AdminEnv> {
  const { site } = admin;
  const app = new Hono<AdminEnv>();

  const page = async (c: AdminRequest, status = 200, notices: Notice[] = []) => {
    const base = await admin.page(c, notices);
    const asked = c.req.query('state') as OutboxFilter | undefined;
    const filter = asked && FILTERS.includes(asked) ? asked : 'all';
    const all = outboxRows(site.store, filter === 'all' ? undefined : filter);
    const when = (iso: string) => base.fmt.short(Date.parse(iso), base.now);
    const rows = all.slice(0, SHOWN).map((row) => ({
      ...row,
      when:
        row.state === 'sent'
          ? `sent ${when(row.sentAt ?? row.nextAttemptAt)}`
          : row.state === 'failed'
            ? `gave up ${when(row.nextAttemptAt)}`
            : `next attempt ${when(row.nextAttemptAt)}`,
    }));
    return sendHtml(
      c,
      html(
        <OutboxPage
          {...base}
          rows={rows}
          filter={filter}
          counts={outboxCounts(site.store)}
          channels={site.notifications?.channels ?? []}
          more={all.length - rows.length}
        />,
      ),
      status,
    );
  };

  app.get('/admin/outbox', (c) => page(c));

  app.post('/admin/outbox/retry', async (c) => {
    const id = str(await formBody(c, { all: false }), 'id', 400);
    return changeOr(
      async () => {
        const retried = await retryNow(site.store, id, site.now());
        site.notifications?.kick();
        return c.redirect(`/admin/outbox?done=${retried ? 'retried' : 'not_retried'}`, 303);
      },
      { unavailable: () => page(c, 503, [storageDown('Not retried.')]) },
    );
  });

  return app;
}
