/** The email subscribers: listed with when they subscribed, and removed one by one. */
import { Hono } from 'hono';
import { listSubscribers, unsubscribe } from '../../../domain/subscribers.ts';
import { instant, isZeroTime } from '../../../domain/time.ts';
import { html, sendHtml } from '../../site/site.ts';
import type { AdminContext, AdminEnv } from '../context.ts';
import { changeOr } from '../failure.ts';
import { formBody, str } from '../form-body.ts';
import { SubscribersPage } from './subscribers.view.tsx';

export function subscribers(admin: AdminContext): Hono<AdminEnv> {
  const { site } = admin;
  const app = new Hono<AdminEnv>();

  app.get('/admin/subscribers', async (c) => {
    const base = await admin.page(c);
    const rows = listSubscribers(site.domain()).map((s) => ({
      email: s.display,
      since: isZeroTime(s.created_at) ? '' : base.fmt.short(instant(s.created_at), base.now),
    }));
    return sendHtml(
      c,
      html(<SubscribersPage {...base} rows={rows} emailDelivery={site.emailDelivery} />),
    );
  });

  app.post('/admin/subscribers/remove', async (c) => {
    const form = await formBody(c, { all: false });
    const removed = () => c.redirect('/admin/subscribers?done=removed', 303);
    return changeOr(
      async () => {
        await unsubscribe(site.domain(), admin.actor(c), str(form, 'email', 300));
        return removed();
      },
      // Not subscribed (any more): the list shows it is gone, which is what was asked.
      { refused: removed },
    );
  });

  return app;
}
