/**
 * FT aggregate-healthcheck's routes: `/__gtg` (outside the prefix, as in the original) and, under
 * `cluster_health.aggregate_healthcheck.path_prefix` (P), the aggregate `P`, `P/__pods-health`,
 * `P/__pod-individual-health` and the write routes `P/add-ack` (POST, form `ack-msg`),
 * `P/rem-ack`, `P/add-ack-form`, `P/enable-category`, `P/disable-category`.
 *
 * Answers come from the agent's latest snapshot, so `cache=false` changes nothing: there is no
 * stale cache to bypass, and an acknowledgement shows at once. JSON only for exactly
 * `Accept: application/json`, as the original. The write routes need admin credentials (the
 * original leaves them open and relies on the ingress) and refuse cross-site browser requests.
 * A stale cluster fails `__gtg` (503) and shows a failing "cluster data" check.
 */
import { Hono, type Context } from 'hono';
import { aggregateOf, selectCategories, type FtServiceCheck } from '../../cluster/ft-state.ts';
import type { ClusterHealthView } from '../../cluster/health.ts';
import { hasScope } from '../auth.ts';
import { authenticateRequest } from '../request-auth.ts';
import { staleText, type RouteContext } from './index.ts';
import {
  jsonText,
  PANIC_GUIDE,
  resultJson,
  serviceCheckJson,
  staleCheckJson,
  type FtCheckJson,
} from './ft-format.ts';
import { ackFormPage, ftPage } from './ft-html.ts';

const NO_CACHE = {
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  Pragma: 'no-cache',
  Expires: '0',
};

const wantsJson = (c: Context) => c.req.header('accept') === 'application/json';

function json(c: Context, value: unknown, status: 200 | 500 = 200) {
  return c.body(jsonText(value), status, { 'Content-Type': 'application/json' });
}

export function aggregateRoutes(ctx: RouteContext): Hono {
  const app = new Hono();
  const settings = ctx.health.config.aggregate_healthcheck;
  const P = settings.path_prefix;
  const env = settings.environment;
  const prefix = (c: Context) => `${ctx.base(c)}${P}`;
  const podsLink = (c: Context, service: string) =>
    `${settings.cluster_url}${prefix(c)}/__pods-health?service-name=${encodeURIComponent(service)}`;

  /** The cluster, or the answer FT gives when it cannot check at all (500, empty). */
  const clusterOf = (c: Context): ClusterHealthView | Response => {
    const found = ctx.lookup(c);
    return 'problem' in found ? c.text(`${found.problem}\n`, 500) : found.view;
  };

  app.all('/__gtg', (c) => {
    const view = clusterOf(c);
    if (view instanceof Response) return c.body(null, 503);
    const selection = selectCategories(view.categories, c.req.query('categories'));
    if (!selection) return c.body(null, 400);
    if (view.stale) return c.body(null, 503, { 'X-Cluster-State': 'stale' });
    const checks = view.ft.filter(selection.includes);
    return c.body(null, aggregateOf(checks, selection.selected).ok ? 200 : 503);
  });

  const aggregate = async (c: Context) => {
    const view = clusterOf(c);
    if (view instanceof Response) return view;
    const asJson = wantsJson(c);
    const requested = c.req.query('categories');
    const selection = selectCategories(view.categories, requested);
    if (!selection)
      return asJson ? c.body(null, 400) : c.text('Provided categories are not valid.', 400);
    const checks = view.ft.filter(selection.includes);
    const result = aggregateOf(checks, selection.selected);
    const body: FtCheckJson[] = checks.map((check) =>
      serviceCheckJson(check, podsLink(c, check.service)),
    );
    let ok = result.ok;
    let severity = result.severity;
    if (view.stale) {
      body.unshift(staleCheckJson(staleText(view), new Date(ctx.now()).toISOString()));
      ok = false;
      severity = 1;
    }
    if (asJson)
      return json(
        c,
        resultJson(
          {
            systemCode: env,
            name: `${env} cluster health`,
            description: 'Health of the whole cluster of the moment served without cache.',
            ok,
          },
          body,
          severity,
        ),
      );
    const names = selection.selected.map((category) => category.name).join(',');
    const query = `categories=${encodeURIComponent(names)}`;
    return c.html(
      await ftPage({
        title: `UPP ${env} cluster's services from categories ${names}`,
        ok,
        ...(severity ? { severity } : {}),
        checks: body,
        link: (check) => (check.id === 'cluster-data' ? '#' : podsLink(c, check.name)),
        action: (check) => {
          if (check.id === 'cluster-data') return undefined;
          const name = encodeURIComponent(check.name);
          return check.ack
            ? { href: `${prefix(c)}/rem-ack?service-name=${name}`, label: 'Remove ack' }
            : { href: `${prefix(c)}/add-ack-form?service-name=${name}`, label: 'Ack service' };
        },
        refresh: { cached: `${prefix(c)}?${query}`, uncached: `${prefix(c)}?cache=false&${query}` },
        ...(view.stale ? { notice: staleText(view) } : {}),
      }),
    );
  };
  app.all(P || '/', aggregate);
  if (P) app.all(`${P}/`, aggregate);

  app.all(`${P}/__pods-health`, async (c) => {
    const asJson = wantsJson(c);
    const service = c.req.query('service-name');
    if (!service)
      return asJson ? c.body(null, 400) : c.text("Couldn't get service name from url.", 400);
    const view = clusterOf(c);
    if (view instanceof Response) return view;
    const check = view.ft.find((candidate) => candidate.service === service);
    if (!check) return c.text(`Cannot perform checks for service with name ${service}`, 500);
    const checks = podChecks(
      check,
      (pod) =>
        `${settings.cluster_url}${prefix(c)}/__pod-individual-health?pod-name=${encodeURIComponent(pod)}`,
    );
    const failing = checks.filter((pod) => !pod.ok && !pod.ack);
    const ok = checks.length > 0 && failing.length === 0 && !view.stale;
    const severity = view.stale ? 1 : failing.some((pod) => pod.severity === 1) ? 1 : 2;
    if (view.stale)
      checks.unshift(staleCheckJson(staleText(view), new Date(ctx.now()).toISOString()));
    if (asJson)
      return json(
        c,
        resultJson(
          {
            systemCode: '',
            name: `${env} cluster health`,
            description: `Health of pods that are under service ${service} served without cache.`,
            ok,
          },
          checks,
          severity,
        ),
      );
    return c.html(
      await ftPage({
        title: `UPP ${env} cluster's pods of service ${service}`,
        ok,
        severity,
        checks,
        link: (pod) =>
          `${prefix(c)}/__pod-individual-health?pod-name=${encodeURIComponent(pod.name)}`,
        ...(view.stale ? { notice: staleText(view) } : {}),
      }),
    );
  });

  app.all(`${P}/__pod-individual-health`, (c) => {
    const name = c.req.query('pod-name');
    if (!name) return c.text('Cannot parse pod name from url.', 400);
    const view = clusterOf(c);
    if (view instanceof Response) return view;
    for (const check of view.ft)
      for (const pod of check.failing) {
        if (pod.pod !== name) continue;
        const checks: FtCheckJson[] = pod.checks.map((podCheck) => ({
          id: podCheck.id ?? '',
          name: podCheck.name,
          ok: podCheck.ok,
          severity: podCheck.severity,
          businessImpact: podCheck.businessImpact,
          technicalSummary: podCheck.technicalSummary,
          panicGuide: podCheck.panicGuide,
          checkOutput: podCheck.checkOutput ?? pod.error ?? '',
          lastUpdated: podCheck.lastUpdated,
        }));
        const severity = Math.min(3, ...checks.map((one) => one.severity));
        return json(
          c,
          resultJson(
            {
              systemCode: check.service,
              name: name,
              description: pod.error
                ? `The pod could not be asked: ${pod.error}`
                : `Failing checks of pod ${name}`,
              ok: false,
            },
            checks,
            severity,
          ),
        );
      }
    // The agent sends the checks of failing pods only: a healthy pod's answer is not held here.
    return c.text(`Cannot get individual healthcheck for pod ${name}`, 500);
  });

  /** Admin credentials, and no cross-site browser request (a GET with cached Basic credentials). */
  const admin = async (c: Context): Promise<{ by: string } | Response> => {
    if (c.req.header('sec-fetch-site') === 'cross-site')
      return c.text('refused: a cross-site request may not change cluster health', 403);
    const result = await authenticateRequest(c, ctx.auth, ctx.limits.credentials);
    if (result.principal && hasScope(result.principal, 'admin'))
      return { by: result.principal.actor.name };
    if ('retryAfterSeconds' in result && result.retryAfterSeconds)
      return c.text('too many failed credentials; wait and retry', 429, {
        'Retry-After': String(result.retryAfterSeconds),
      });
    if (result.principal) return c.text('admin credentials are required', 403);
    return c.text('admin credentials are required', 401, {
      'WWW-Authenticate': 'Basic realm="staunch"',
    });
  };
  const redirectToFresh = (c: Context) => c.redirect(`${prefix(c)}?cache=false`, 301);

  app.all(`${P}/add-ack`, async (c) => {
    if (c.req.method !== 'POST') return c.body(null, 405, { Allow: 'POST' });
    const who = await admin(c);
    if (who instanceof Response) return who;
    const service = c.req.query('service-name');
    if (!service) return c.text("Couldn't get service name from url.", 400);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const message = typeof form['ack-msg'] === 'string' ? form['ack-msg'].trim() : '';
    if (!message)
      return c.text('the form field ack-msg (the acknowledgement message) is required', 400);
    if (message.length > 4096) return c.text('ack-msg is longer than 4096 characters', 400);
    const view = clusterOf(c);
    if (view instanceof Response) return view;
    if (!(await ctx.health.acknowledge(view.cluster, service, message, who.by)))
      return c.body(null, 500);
    return redirectToFresh(c);
  });

  app.all(`${P}/rem-ack`, async (c) => {
    for (const [name, value] of Object.entries(NO_CACHE)) c.header(name, value);
    const who = await admin(c);
    if (who instanceof Response) return who;
    const service = c.req.query('service-name');
    if (!service) return c.text("Couldn't get service name from url.", 400);
    const view = clusterOf(c);
    if (view instanceof Response) return view;
    if (!(await ctx.health.removeAcknowledgement(view.cluster, service, who.by)))
      return c.body(null, 500);
    return redirectToFresh(c);
  });

  app.all(`${P}/add-ack-form`, async (c) => {
    const who = await admin(c);
    if (who instanceof Response) return who;
    const service = c.req.query('service-name');
    if (!service) return c.text("Couldn't get service name from url.", 400);
    return c.html(
      await ackFormPage(
        `${prefix(c)}/add-ack?service-name=${encodeURIComponent(service)}`,
        service,
      ),
    );
  });

  for (const [path, enabled] of [
    ['enable-category', true],
    ['disable-category', false],
  ] as const)
    app.all(`${P}/${path}`, async (c) => {
      const who = await admin(c);
      if (who instanceof Response) return who;
      const name = c.req.query('category-name');
      const view = clusterOf(c);
      if (view instanceof Response) return view;
      if (!name || !view.categories.some((category) => category.name === name))
        return c.text('Provided category name is not valid.', 400);
      if (name === 'default' && !enabled)
        return c.text('the default category lists every service and cannot be disabled', 400);
      if (!(await ctx.health.setCategory(view.cluster, name, enabled, who.by)))
        return c.text(`Failed to ${enabled ? 'enable' : 'disable'} category.`, 500);
      return c.body(null, 200);
    });

  return app;
}

/** One check per failing pod (with its own severity), and one for the healthy ones, which the agent only counts. */
function podChecks(check: FtServiceCheck, link: (pod: string) => string): FtCheckJson[] {
  const checks: FtCheckJson[] = check.failing.map((pod) => {
    const failing = pod.checks.filter((one) => !one.ok);
    const severity = failing.length ? Math.min(2, ...failing.map((one) => one.severity)) : 2;
    return {
      id: '',
      name: pod.pod,
      ok: false,
      severity,
      businessImpact:
        'On its own this failure does not have a business impact but it represents a degradation of the cluster health.',
      technicalSummary: `The pod is not healthy. Please check the panic guide. Pod healthcheck: ${link(pod.pod)}`,
      panicGuide: PANIC_GUIDE,
      checkOutput:
        pod.error ??
        failing.map((one) => `${one.name}: ${one.checkOutput ?? 'failing'}`).join('; '),
      lastUpdated: check.lastUpdated,
      ...(check.ack ? { ack: check.ack, _acknowledged: check.ack } : {}),
    };
  });
  if (check.pods.healthy > 0)
    checks.push({
      id: '',
      name: `${check.service}: ${check.pods.healthy} healthy pods`,
      ok: true,
      severity: 2,
      businessImpact: 'None: these pods answer their healthcheck.',
      technicalSummary: 'The agent reports healthy pods by count, not one by one.',
      panicGuide: PANIC_GUIDE,
      checkOutput: `${check.pods.healthy}/${check.pods.total} pods available`,
      lastUpdated: check.lastUpdated,
    });
  return checks;
}
