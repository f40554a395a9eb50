/**
 * A Grafana annotation per incident, from its start to its resolution, as statusetat makes it:
 * the annotation tagged `incident-guid-<guid>` is looked up, deleted, and posted again, so an
 * incident has one annotation that grows an end when it resolves, never two. Unlike statusetat,
 * every annotation found with the tag is deleted (a retry after a lost answer could have left
 * two), and an empty `tag` is not sent as an empty tag.
 */
import { DEFAULT_TIMEOUT_MS, httpCall, receipt } from './http-post.ts';
import { ParamReader } from './params.ts';
import { isIntermediateUpdate, isResolved, mainAndLast } from './template-data.ts';
import { warnInsecure } from './slack.ts';
import { NotifierError, type Notification, type NotifierDefinition } from './types.ts';

export interface GrafanaParams {
  endpoint: string;
  apiKey: string;
  username: string;
  password: string;
  dashboardId: number;
  panelId: number;
  tag: string;
  timeZone: string;
  orgId: number;
  insecureSkipVerify: boolean;
  timeoutMs: number;
}

function parse(raw: unknown) {
  const params = new ParamReader(raw);
  const result = {
    endpoint: params
      .url('endpoint', { required: true, why: "Grafana's base URL" })
      .replace(/\/+$/, ''),
    apiKey: params.string('api_key'),
    username: params.string('username'),
    password: params.string('password'),
    dashboardId: params.integer('dashboard_id', 0, { min: 0 }),
    panelId: params.integer('panel_id', 0, { min: 0 }),
    tag: params.string('tag'),
    timeZone: params.string('time_zone'),
    orgId: params.integer('org_id', 0, { min: 0 }),
    insecureSkipVerify: params.boolean('insecure_skip_verify'),
    timeoutMs: params.duration('timeout', DEFAULT_TIMEOUT_MS, 60_000),
  };
  if (result.timeZone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: result.timeZone });
    } catch {
      params.problem('time_zone', 'is not an IANA time zone (e.g. Europe/Paris)');
    }
  }
  return params.finish<GrafanaParams>(result);
}

function authHeaders(params: GrafanaParams): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (params.apiKey) headers.authorization = `Bearer ${params.apiKey}`;
  else if (params.username || params.password)
    headers.authorization = `Basic ${btoa(`${params.username}:${params.password}`)}`;
  if (params.orgId) headers['x-grafana-org-id'] = String(params.orgId);
  return headers;
}

export function annotationBody(params: GrafanaParams, notification: Notification) {
  const { incident } = notification;
  const { main } = mainAndLast(notification);
  return {
    ...(params.dashboardId ? { dashboardId: params.dashboardId } : {}),
    ...(params.panelId ? { panelId: params.panelId } : {}),
    time: Math.floor(Date.parse(incident.createdAt) / 1000) * 1000,
    ...(isResolved(notification)
      ? { timeEnd: Math.floor(Date.parse(incident.updatedAt) / 1000) * 1000 }
      : {}),
    tags: [`incident-guid-${incident.guid}`, ...(params.tag ? [params.tag] : [])],
    text: `${main.title} -- ${main.content}`,
  };
}

const grafanaAnnotation: NotifierDefinition<GrafanaParams> = {
  type: 'grafana_annotation',
  runtimes: ['node', 'worker'],
  parse,
  create(params, environment, name) {
    if (params.insecureSkipVerify) warnInsecure(environment.logger, name);
    const headers = authHeaders(params);
    const call = (
      method: 'GET' | 'POST' | 'DELETE',
      path: string,
      signal: AbortSignal,
      body?: string,
    ) =>
      httpCall(
        environment.fetch,
        name,
        { method, url: params.endpoint + path, headers, body, timeoutMs: params.timeoutMs },
        signal,
      );
    return {
      type: 'grafana_annotation',
      name,
      perRecipient: false,
      wants: (notification) =>
        notification.incident.stateText !== 'Idle' && !isIntermediateUpdate(notification),
      async send(notification, context) {
        const tag = encodeURIComponent(`incident-guid-${notification.incident.guid}`);
        const found = await call('GET', `/api/annotations?tags=${tag}`, context.signal);
        let existing: { id?: unknown }[];
        try {
          existing = JSON.parse(found.body) as { id?: unknown }[];
          if (!Array.isArray(existing)) throw new Error('not a list');
        } catch {
          throw new NotifierError(
            name,
            true,
            'GET /api/annotations: the answer is not a JSON list of annotations',
          );
        }
        for (const annotation of existing)
          if (typeof annotation.id === 'number')
            await call('DELETE', `/api/annotations/${annotation.id}`, context.signal);
        const answer = await call(
          'POST',
          '/api/annotations',
          context.signal,
          JSON.stringify(annotationBody(params, notification)),
        );
        return receipt(answer);
      },
    };
  },
};

export default grafanaAnnotation;
