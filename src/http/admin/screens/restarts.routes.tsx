/** The Restarts screen, its confirmation step, the request itself, and the live status stream. */
import { Hono } from 'hono';
import { RESTART_KINDS, type RestartKind } from '../../../restart/protocol.ts';
import { sseStatus } from '../../restart/index.ts';
import { html, sendHtml } from '../../site/site.ts';
import type { Notice } from '../../site/layout.tsx';
import type { AdminContext, AdminEnv, AdminRequest } from '../context.ts';
import { changeOr, storageDown } from '../failure.ts';
import { formBody, str } from '../form-body.ts';
import { ConfirmRestartPage, LIVE_SCRIPT, RestartsPage } from './restarts.view.tsx';

export function restarts(admin: AdminContext): Hono<AdminEnv> {
  const { site } = admin;
  const app = new Hono<AdminEnv>();
  const service = site.deps.restarts;

  const page = async (c: AdminRequest, status = 200, notices: Notice[] = []) => {
    const base = await admin.page(c, notices);
    if (!service)
      return sendHtml(
        c,
        html(<RestartsPage {...base} targets={[]} history={[]} forceUnlockSeconds={300} />),
        status,
      );
    const history = service.history(20).map((h) => ({
      ...h,
      when: base.fmt.short(Date.parse(h.requestedAt), base.now),
    }));
    return sendHtml(
      c,
      html(
        <RestartsPage
          {...base}
          targets={service.targets()}
          history={history}
          forceUnlockSeconds={Math.round(service.forceUnlockMs / 1000)}
        />,
      ),
      status,
    );
  };

  const target = (get: (name: string) => string) => {
    const kind = get('kind');
    if (!service || !(RESTART_KINDS as readonly string[]).includes(kind)) return undefined;
    return service.find(kind as RestartKind, get('namespace'), get('name'), get('cluster'))[0];
  };

  app.get('/admin/restarts', (c) => {
    const done = c.req.query('restart');
    return page(
      c,
      200,
      done
        ? [
            {
              tone: 'ok',
              title: 'Restart requested.',
              text: `Its id is ${done}; the agent carries it out.`,
            },
          ]
        : [],
    );
  });

  app.get('/admin/restarts/live.js', (c) =>
    c.body(LIVE_SCRIPT, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
    }),
  );

  app.get('/admin/restarts/stream', (c) => {
    if (!service) return c.body(null, 404);
    return sseStatus(c, { restarts: service, intervalMs: 1000 });
  });

  app.get('/admin/restarts/confirm', async (c) => {
    const found = target((name) => c.req.query(name) ?? '');
    if (!found)
      return page(c, 404, [
        { tone: 'error', title: 'Not restarted.', text: 'No agent allows restarting that target.' },
      ]);
    const base = await admin.page(c);
    return sendHtml(c, html(<ConfirmRestartPage {...base} target={found} />));
  });

  app.post('/admin/restarts', async (c) => {
    const form = await formBody(c, { all: false });
    const found = target((name) => str(form, name, 300));
    if (!found || !service)
      return page(c, 404, [
        { tone: 'error', title: 'Not restarted.', text: 'No agent allows restarting that target.' },
      ]);
    return changeOr(
      async () => {
        const result = await service.request(
          {
            cluster: found.cluster,
            kind: found.kind,
            namespace: found.namespace,
            name: found.name,
          },
          admin.actor(c),
        );
        if (!result.ok)
          return page(c, 423, [
            {
              tone: 'warn',
              title: 'Not restarted.',
              text: `${found.kind} ${found.namespace}/${found.name} is restarting already.`,
            },
          ]);
        return c.redirect(`/admin/restarts?restart=${encodeURIComponent(result.id)}`, 303);
      },
      { unavailable: () => page(c, 503, [storageDown('Not restarted.')]) },
    );
  });

  return app;
}
