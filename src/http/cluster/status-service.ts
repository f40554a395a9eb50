/**
 * status-service's API: `GET /status/currentState`, `GET /status` and `GET /status/:id`, with its
 * shapes and NestJS's error bodies. Differences its clients can only gain from: every watched
 * service is listed (the original omits those without a daily record and answers 500 while a
 * record's service is not loaded yet), a malformed id is a 400 rather than a 500 or every
 * service's changes, and a stale cluster's current state is `"unknown"` rather than the last one.
 */
import { Hono, type Context } from 'hono';
import type { ClusterHealthView } from '../../cluster/health.ts';
import { dailyStates, dayIntervals } from '../../cluster/status-history.ts';
import type { RouteContext } from './index.ts';

type CurrentState = 'ok' | 'warning' | 'error' | 'unknown';

function nestError(c: Context, status: 400 | 404, message: string) {
  return c.json(
    { statusCode: status, message, error: status === 400 ? 'Bad Request' : 'Not Found' },
    status,
  );
}

function currentOf(view: ClusterHealthView, state: CurrentState): CurrentState {
  return view.stale ? 'unknown' : state;
}

export function statusServiceRoutes(ctx: RouteContext): Hono {
  const app = new Hono();
  const store = ctx.health.store;
  const timeZone = ctx.health.timeZone;

  app.get('/status/currentState', (c) => {
    const found = ctx.lookup(c);
    if ('problem' in found) return nestError(c, 404, found.problem);
    return c.json({ state: currentOf(found.view, found.view.overall) });
  });

  app.get('/status', (c) => {
    const found = ctx.lookup(c);
    if ('problem' in found) return nestError(c, 404, found.problem);
    const { view } = found;
    const days = dailyStates(store, view.cluster);
    const starts = new Set<number>();
    for (const service of view.statusServices)
      for (const start of days.get(service.id)?.keys() ?? []) starts.add(start);
    const columns = [...starts].sort((a, b) => b - a);
    const groups = new Map(view.groups.map((group) => [group.name, group]));
    const blocks = new Map<
      string,
      { name: string; description?: string; items: Record<string, unknown>[] }
    >();
    for (const service of view.statusServices) {
      const group = service.group ? groups.get(service.group) : undefined;
      const key = group ? group.name : '-';
      let block = blocks.get(key);
      if (!block) {
        block = {
          name: group ? group.displayName : 'Default',
          ...(group?.displayDescription ? { description: group.displayDescription } : {}),
          items: [],
        };
        blocks.set(key, block);
      }
      const daily = days.get(service.id);
      block.items.push({
        name: service.displayName,
        ...(service.displayDescription ? { description: service.displayDescription } : {}),
        columns: [
          { state: currentOf(view, service.state), id: `current.${service.id}` },
          ...columns.map((start) => ({
            state: daily?.get(start) ?? null,
            id: `${start}.${service.id}`,
          })),
        ],
      });
    }
    return c.json({ columnsName: ['current', ...columns], blocks: [...blocks.values()] });
  });

  app.get('/status/:id{.+}', (c) => {
    const found = ctx.lookup(c);
    if ('problem' in found) return nestError(c, 404, found.problem);
    const id = c.req.param('id');
    const dot = id.indexOf('.');
    if (dot < 0)
      return nestError(c, 400, 'the id is "<day>.<service id>", as in /status\'s columns');
    const day = id.slice(0, dot);
    const uid = id.slice(dot + 1);
    if (day === 'current') return c.json([]);
    if (!/^\d{1,15}$/.test(day))
      return nestError(c, 400, `"${day}" is not a day: use "current" or epoch milliseconds`);
    const service = found.view.statusServices.find((s) => s.id === uid);
    const pending =
      service && service.state === 'error' && service.since
        ? { at: Date.parse(service.since), state: 'error' as const }
        : undefined;
    return c.json(
      dayIntervals(store, found.view.cluster, uid, Number(day), {
        now: ctx.now(),
        timeZone,
        ...(pending ? { pending } : {}),
      }),
    );
  });
  return app;
}
