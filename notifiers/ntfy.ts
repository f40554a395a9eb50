/**
 * ntfy (ntfy.sh or a self-hosted server): one JSON publish per event to the server's root with
 * the topic in the body, the incident page as the click target, and a priority that rises while
 * an incident is open. Auth is an access token or a user name and password.
 */
import { DEFAULT_TIMEOUT_MS, jsonPostNotifier } from './http-post.ts';
import { ParamReader } from './params.ts';
import { summarize, type Tone } from './summary.ts';
import type { Notification, NotifierDefinition } from './types.ts';

export interface NtfyParams {
  server: string;
  topic: string;
  token: string;
  username: string;
  password: string;
  priority: number;
  timeoutMs: number;
}

const TAGS: Record<Tone, string> = {
  bad: 'rotating_light',
  watch: 'eyes',
  good: 'white_check_mark',
  planned: 'wrench',
};

function parse(raw: unknown) {
  const params = new ParamReader(raw);
  const result = {
    server: (params.url('server', { required: false }) || 'https://ntfy.sh').replace(/\/+$/, ''),
    topic: params.required('topic', 'the topic to publish to'),
    token: params.string('token'),
    username: params.string('username'),
    password: params.string('password'),
    priority: params.integer('priority', 0, { min: 0, max: 5 }),
    timeoutMs: params.duration('timeout', DEFAULT_TIMEOUT_MS, 60_000),
  };
  if (result.topic && !/^[-_A-Za-z0-9]{1,64}$/.test(result.topic))
    params.problem('topic', 'may hold only letters, digits, - and _ (at most 64)');
  return params.finish<NtfyParams>(result);
}

export function ntfyPayload(params: NtfyParams, notification: Notification) {
  const summary = summarize(notification);
  const priority = params.priority || (summary.tone === 'bad' ? 4 : 3);
  return {
    topic: params.topic,
    title: `${notification.page.title}: ${summary.heading}`,
    message: [summary.text, ...summary.facts.map((fact) => `**${fact.name}**: ${fact.value}`)].join(
      '\n\n',
    ),
    markdown: true,
    tags: [TAGS[summary.tone]],
    priority,
    click: summary.url,
  };
}

const ntfy: NotifierDefinition<NtfyParams> = {
  type: 'ntfy',
  runtimes: ['node', 'worker'],
  parse,
  create(params, environment, name) {
    const headers: Record<string, string> = {};
    if (params.token) headers.authorization = `Bearer ${params.token}`;
    else if (params.username)
      headers.authorization = `Basic ${btoa(`${params.username}:${params.password}`)}`;
    return jsonPostNotifier('ntfy', name, environment, {
      url: `${params.server}/`,
      headers,
      timeoutMs: params.timeoutMs,
      payload: (notification) => ntfyPayload(params, notification),
    });
  },
};

export default ntfy;
