/**
 * Webhooks in Statuspage's shape (`meta`, `page`, `incident` with `incident_updates`, newest
 * first), so receivers written for Statuspage read them unchanged. Every request is signed:
 * `X-Staunch-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the block's
 * `secret`, so a receiver can check where it came from and refuse old replays; and it carries
 * `Idempotency-Key`, the same for every retry of one message to one receiver.
 *
 * A block with an `endpoint` posts there (an operator's URL, trusted). A block without one
 * delivers to webhook subscribers, one request per subscriber URL; those URLs came from visitors,
 * so they pass the outbound guard first.
 */
import { DEFAULT_TIMEOUT_MS, httpCall, receipt } from './http-post.ts';
import { checkOutboundUrl, OutboundRefused, type ResolveHost } from './outbound-guard.ts';
import { ParamReader } from './params.ts';
import { mainAndLast } from './template-data.ts';
import {
  NotifierError,
  type Notification,
  type NotifierDefinition,
  type Recipient,
} from './types.ts';

export interface WebhookParams {
  endpoint: string;
  secret: string;
  headers: Record<string, string>;
  allowPrivateAddresses: boolean;
  documentationUrl: string;
  timeoutMs: number;
}

const INDICATOR = ['none', 'none', 'minor', 'major', 'critical'] as const;
const DESCRIPTION: Record<string, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major System Outage',
};

function parse(raw: unknown) {
  const params = new ParamReader(raw);
  const result = {
    endpoint: params.url('endpoint', { required: false }),
    secret: params.string('secret'),
    headers: params.stringMap('headers'),
    allowPrivateAddresses: params.boolean('allow_private_addresses'),
    documentationUrl: params.url('documentation_url', { required: false }),
    timeoutMs: params.duration('timeout', DEFAULT_TIMEOUT_MS, 60_000),
  };
  if (result.secret !== '' && result.secret.length < 16)
    params.problem('secret', 'must be at least 16 characters');
  return params.finish<WebhookParams>(result);
}

/** The body, as Statuspage sends it for an incident or a maintenance. */
export function webhookPayload(
  notification: Notification,
  recipient: Recipient | undefined,
  documentation: string,
) {
  const { incident, page } = notification;
  const resolved = incident.stateText === 'Resolved' || incident.stateText === 'Cancelled';
  const indicator = resolved ? 'none' : (INDICATOR[incident.componentState] ?? 'none');
  const pageId = new URL(page.baseUrl).host;
  const updates = [...incident.messages].reverse().map((message) => ({
    id: message.guid,
    incident_id: incident.guid,
    status: incident.status,
    body: message.content,
    created_at: message.createdAt,
    updated_at: message.createdAt,
    display_at: message.createdAt,
  }));
  return {
    meta: {
      unsubscribe: recipient?.unsubscribeUrl ?? '',
      documentation: documentation || page.baseUrl,
    },
    page: { id: pageId, status_indicator: indicator, status_description: DESCRIPTION[indicator] },
    incident: {
      id: incident.guid,
      name: mainAndLast(notification).main.title,
      status: incident.status,
      impact: incident.isScheduled ? 'maintenance' : (INDICATOR[incident.componentState] ?? 'none'),
      created_at: incident.createdAt,
      updated_at: incident.updatedAt,
      resolved_at: resolved ? incident.updatedAt : null,
      scheduled_for: incident.isScheduled ? incident.createdAt : null,
      scheduled_until: incident.isScheduled ? (incident.scheduledEnd ?? null) : null,
      shortlink: incident.url,
      page_id: pageId,
      components: incident.components.map((component) => ({
        name: component.name,
        group: component.group,
      })),
      incident_updates: updates,
      metadata: incident.metadata,
    },
  };
}

/** `t=<unix>,v1=<hex>`: the HMAC-SHA256 of `<t>.<body>` under the secret. */
export async function signature(
  secret: string,
  unixSeconds: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign(
    'HMAC',
    key,
    new TextEncoder().encode(`${unixSeconds}.${body}`),
  );
  const hex = [...new Uint8Array(mac)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `t=${unixSeconds},v1=${hex}`;
}

/** The definition; the Node entry lends a DNS resolver for subscriber URLs (none on Workers). */
export function webhookDefinition(resolve?: ResolveHost): NotifierDefinition<WebhookParams> {
  return {
    type: 'webhook',
    runtimes: ['node', 'worker'],
    parse,
    create(params, environment, name) {
      const perRecipient = params.endpoint === '';
      return {
        type: 'webhook',
        name,
        perRecipient,
        wants: () => true,
        async send(notification, context) {
          let url = params.endpoint;
          if (perRecipient) {
            const recipient = context.recipient;
            if (!recipient) throw new NotifierError(name, false, 'no subscriber URL to send to');
            if (recipient.untrusted !== false) {
              try {
                await checkOutboundUrl(recipient.address, {
                  allowPrivate: params.allowPrivateAddresses,
                  resolve,
                });
              } catch (error) {
                if (error instanceof OutboundRefused)
                  throw new NotifierError(name, false, `subscriber URL refused: ${error.message}`);
                throw error;
              }
            }
            url = recipient.address;
          }
          const body = JSON.stringify(
            webhookPayload(notification, context.recipient, params.documentationUrl),
          );
          const headers: Record<string, string> = {
            ...params.headers,
            'content-type': 'application/json',
            'user-agent': 'Staunch-Webhook/1',
            'idempotency-key': context.idempotencyKey,
          };
          if (params.secret)
            headers['x-staunch-signature'] = await signature(
              params.secret,
              Math.floor(environment.now() / 1000),
              body,
            );
          const answer = await httpCall(
            environment.fetch,
            name,
            { url, body, headers, timeoutMs: params.timeoutMs, noRedirects: perRecipient },
            context.signal,
          );
          return receipt(answer);
        },
      };
    },
  };
}

export default webhookDefinition();
