/** The subscribers: listed with their state and scope, and removed one by one. */
import { Hono } from 'hono';
import {
  describeScope,
  isExpired,
  listSubscribers,
  unsubscribe,
} from '../../../domain/subscribers.ts';
import { instant, isZeroTime } from '../../../domain/time.ts';
import { html, sendHtml } from '../../site/site.ts';
import { shownAddress } from '../../subscriber-view.ts';
import type { AdminContext, AdminEnv } from '../context.ts';
import { changeOr } from '../failure.ts';
import { formBody, str } from '../form-body.ts';
import { SubscribersPage } from './subscribers.view.tsx';

export function subscribers(admin: AdminContext): Hono<AdminEnv> {
  const { site } = admin;
  const app = new Hono<AdminEnv>();

  app.get('/admin/subscribers', async (c) => {
    const base = await admin.page(c);
    const short = (text: string) =>
      isZeroTime(text) ? '' : base.fmt.short(instant(text), base.now);
    const rows = listSubscribers(site.domain()).map((s) => ({
      id: s.id,
      kind: s.kind,
      address: shownAddress(s),
      state:
        s.state === 'confirmed'
          ? 'confirmed'
          : isExpired(s, base.now)
            ? 'expired (not confirmed)'
            : `pending, until ${short(s.expires_at ?? '')}`,
      scope: describeScope(s.scope),
      since: short(s.created_at),
    }));
    const hours = Math.round(site.subscriptions.confirmWithinMs / 3_600_000);
    return sendHtml(
      c,
      html(
        <SubscribersPage
          {...base}
          rows={rows}
          canMail={site.subscriptions.canMail}
          confirmWithin={
            hours >= 1
              ? `${hours} hours`
              : `${Math.round(site.subscriptions.confirmWithinMs / 60_000)} minutes`
          }
        />,
      ),
    );
  });

  app.post('/admin/subscribers/remove', async (c) => {
    const form = await formBody(c, { all: false });
    const removed = () => c.redirect('/admin/subscribers?done=removed', 303);
    // `email` is what earlier versions of this screen posted.
    const id = str(form, 'id', 300) || str(form, 'email', 300);
    return changeOr(
      async () => {
        await unsubscribe(site.domain(), admin.actor(c), id);
        return removed();
      },
      // Not subscribed (any more): the list shows it is gone, which is what was asked.
      { refused: removed },
    );
  });

  return app;
}
