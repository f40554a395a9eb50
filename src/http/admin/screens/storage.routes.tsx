/** The storage targets as the replication layer sees them, with the write quorum. */
import { Hono } from 'hono';
import { html, sendHtml } from '../../site/site.ts';
import type { AdminContext, AdminEnv } from '../context.ts';
import { StoragePage, type TargetRow } from './storage.view.tsx';

export function storage(admin: AdminContext): Hono<AdminEnv> {
  const { site } = admin;
  const app = new Hono<AdminEnv>();

  app.get('/admin/storage', async (c) => {
    const base = await admin.page(c);
    const targets = site.store.targets();
    const up = targets.filter((t) => t.state === 'up').length;
    const rows: TargetRow[] = targets.map((t) => ({
      location: t.location,
      driver: t.driver,
      state: t.state,
      latency: t.latencyMs === null ? '–' : `${Math.round(t.latencyMs * 10) / 10} ms`,
      lag: t.lag,
      queuedHints: t.queuedHints,
      lastSync: t.lastSync ? base.fmt.short(Date.parse(t.lastSync), base.now) : 'never',
      badRecords: t.badRecords ?? 0,
      lastError: t.lastError,
    }));
    const summary = `${up} of ${targets.length} target${targets.length === 1 ? '' : 's'} up. Pages are served from memory and stay up with the last known state even when every target is down.`;
    return sendHtml(
      c,
      html(
        <StoragePage
          {...base}
          rows={rows}
          quorum={String(site.config.replication.write_quorum)}
          summary={summary}
        />,
      ),
    );
  });

  return app;
}
