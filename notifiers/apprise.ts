/**
 * A user-run Apprise API server, which reaches some 150 more services (Telegram, Signal, Pushover,
 * Matrix, ...): with `key`, POST /notify/<key> to the configuration stored on that server; with
 * `urls`, POST /notify with the Apprise URLs in the request (stateless). The Apprise URLs hold the
 * services' tokens, so they are never in an error message.
 */
import { DEFAULT_TIMEOUT_MS, jsonPostNotifier } from './http-post.ts';
import { ParamReader } from './params.ts';
import { summarize, type Tone } from './summary.ts';
import type { Notification, NotifierDefinition } from './types.ts';

export interface AppriseParams {
  server: string;
  key: string;
  urls: string[];
  tag: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

const TYPES: Record<Tone, string> = {
  bad: 'failure',
  watch: 'warning',
  good: 'success',
  planned: 'info',
};

function parse(raw: unknown) {
  const params = new ParamReader(raw);
  const result = {
    server: params
      .url('server', { required: true, why: "the Apprise API server's base URL" })
      .replace(/\/+$/, ''),
    key: params.string('key'),
    urls:
      params.has('urls') && typeof (raw as { urls?: unknown }).urls === 'string'
        ? [params.string('urls')]
        : params.stringList('urls'),
    tag: params.string('tag'),
    headers: params.stringMap('headers'),
    timeoutMs: params.duration('timeout', DEFAULT_TIMEOUT_MS, 60_000),
  };
  if (!result.key === (result.urls.length === 0))
    params.problem(
      'key',
      'give either key (a configuration stored on the server) or urls, exactly one',
    );
  if (result.key && !/^[-_A-Za-z0-9]{1,128}$/.test(result.key))
    params.problem('key', 'may hold only letters, digits, - and _');
  return params.finish<AppriseParams>(result);
}

export function apprisePayload(params: AppriseParams, notification: Notification) {
  const summary = summarize(notification);
  return {
    ...(params.urls.length > 0 ? { urls: params.urls.join(',') } : {}),
    title: `${notification.page.title}: ${summary.heading}`,
    body: [
      summary.text,
      ...summary.facts.map((fact) => `**${fact.name}**: ${fact.value}`),
      summary.url,
    ].join('\n\n'),
    type: TYPES[summary.tone],
    format: 'markdown',
    ...(params.tag ? { tag: params.tag } : {}),
  };
}

const apprise: NotifierDefinition<AppriseParams> = {
  type: 'apprise',
  runtimes: ['node', 'worker'],
  parse,
  create(params, environment, name) {
    return jsonPostNotifier('apprise', name, environment, {
      url: params.key ? `${params.server}/notify/${params.key}` : `${params.server}/notify`,
      headers: params.headers,
      timeoutMs: params.timeoutMs,
      payload: (notification) => apprisePayload(params, notification),
    });
  },
};

export default apprise;
