/**
 * Discord webhooks: one embed per event with the heading, the newest message, the facts and
 * statusetat's state colour. Discord answers 429 with Retry-After when a channel is busy; that is
 * retryable, and the outbox's backoff waits.
 */
import { DEFAULT_TIMEOUT_MS, jsonPostNotifier } from './http-post.ts';
import { ParamReader } from './params.ts';
import { summarize } from './summary.ts';
import type { Notification, NotifierDefinition } from './types.ts';

export interface DiscordParams {
  endpoint: string;
  username: string;
  avatarUrl: string;
  timeoutMs: number;
}

function parse(raw: unknown) {
  const params = new ParamReader(raw);
  return params.finish<DiscordParams>({
    endpoint: params.url('endpoint', { required: true, why: "the channel's webhook URL" }),
    username: params.string('username'),
    avatarUrl: params.url('avatar_url', { required: false }),
    timeoutMs: params.duration('timeout', DEFAULT_TIMEOUT_MS, 60_000),
  });
}

export function discordPayload(
  params: DiscordParams,
  username: string,
  notification: Notification,
) {
  const summary = summarize(notification);
  return {
    username,
    ...(params.avatarUrl ? { avatar_url: params.avatarUrl } : {}),
    // Mentions in incident text must never ping a whole server.
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: summary.heading.slice(0, 256),
        url: summary.url,
        description: summary.text.slice(0, 4096),
        color: Number.parseInt(summary.color.slice(1), 16),
        fields: summary.facts.map((fact) => ({
          name: fact.name,
          value: fact.value.slice(0, 1024) || '-',
          inline: true,
        })),
        timestamp: notification.occurredAt,
      },
    ],
  };
}

const discord: NotifierDefinition<DiscordParams> = {
  type: 'discord',
  runtimes: ['node', 'worker'],
  parse,
  create(params, environment, name) {
    const username = params.username || environment.page.title;
    return jsonPostNotifier('discord', name, environment, {
      url: params.endpoint,
      timeoutMs: params.timeoutMs,
      payload: (notification) => discordPayload(params, username, notification),
    });
  },
};

export default discord;
