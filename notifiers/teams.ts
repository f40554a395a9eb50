/**
 * Microsoft Teams through a Workflows ("When a Teams webhook request is received") URL, which
 * takes an Adaptive Card in a message envelope; the retired Office 365 connector cards are not
 * sent, since Microsoft no longer accepts them.
 */
import { DEFAULT_TIMEOUT_MS, jsonPostNotifier } from './http-post.ts';
import { ParamReader } from './params.ts';
import { summarize, type Tone } from './summary.ts';
import type { Notification, NotifierDefinition } from './types.ts';

export interface TeamsParams {
  endpoint: string;
  timeoutMs: number;
}

const CARD_COLOR: Record<Tone, string> = {
  bad: 'attention',
  watch: 'accent',
  good: 'good',
  planned: 'default',
};

function parse(raw: unknown) {
  const params = new ParamReader(raw);
  return params.finish<TeamsParams>({
    endpoint: params.url('endpoint', { required: true, why: "the workflow's webhook URL" }),
    timeoutMs: params.duration('timeout', DEFAULT_TIMEOUT_MS, 60_000),
  });
}

export function teamsPayload(notification: Notification) {
  const summary = summarize(notification);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: notification.page.title, size: 'Small', isSubtle: true },
            {
              type: 'TextBlock',
              text: summary.heading,
              size: 'Medium',
              weight: 'Bolder',
              color: CARD_COLOR[summary.tone],
              wrap: true,
            },
            { type: 'TextBlock', text: summary.text, wrap: true },
            {
              type: 'FactSet',
              facts: summary.facts.map((fact) => ({ title: fact.name, value: fact.value })),
            },
          ],
          actions: [
            { type: 'Action.OpenUrl', title: 'Follow it on the status page', url: summary.url },
          ],
        },
      },
    ],
  };
}

const teams: NotifierDefinition<TeamsParams> = {
  type: 'teams',
  runtimes: ['node', 'worker'],
  parse,
  create(params, environment, name) {
    return jsonPostNotifier('teams', name, environment, {
      url: params.endpoint,
      timeoutMs: params.timeoutMs,
      payload: teamsPayload,
    });
  },
};

export default teams;
