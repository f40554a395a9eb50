/**
 * What the subscribe surfaces (the page's form, `/v1/subscribe`, the native API) share, built
 * once per app: the signed links, the confirmation time, the webhook URL check, and the mails a
 * sign-up queues in its own write (through the outbox, by the first channel that can mail).
 */
import { httpCall } from '../../notifiers/http-post.ts';
import type { DirectMail, Recipient } from '../../notifiers/types.ts';
import {
  checkOutboundUrl,
  OutboundRefused,
  type ResolveHost,
} from '../../notifiers/outbound-guard.ts';
import type { Config } from '../config/parse.ts';
import { invalid } from '../domain/errors.ts';
import { describeScope, type SubscribeOutcome } from '../domain/subscribers.ts';
import type { Subscriber } from '../domain/types.ts';
import type { Mutation } from '../replication/types.ts';
import { subscriptionLinks, type SubscriptionLinks } from './subscription-links.ts';

/** The outbox's mailMutations over the configured channels: [] when no channel can mail. */
export type MailQueue = (input: {
  id: string;
  to: Recipient;
  mail: DirectMail;
  now: string;
}) => Mutation[];

export interface SubscriptionOptions {
  mail?: MailQueue;
  /** Node's DNS for the webhook check; without it (Workers) only literal addresses are checked. */
  resolveHost?: ResolveHost;
  /** For the webhook challenge; the platform's fetch when absent. */
  fetch?: typeof fetch;
  now: () => number;
}

export interface SubscriptionService {
  links: SubscriptionLinks;
  confirmWithinMs: number;
  /** Whether sign-ups by email can be confirmed: a channel can mail. */
  canMail: boolean;
  /** Throws a DomainError on `url` when the URL may not be called (see notifiers/outbound-guard.ts). */
  checkWebhook(url: string): Promise<void>;
  /** The mail an email sign-up queues: the confirmation, or (already confirmed) the manage link. */
  signUpMail(subscriber: Subscriber, outcome: SubscribeOutcome): Mutation[];
  /**
   * POST a pending webhook its confirmation challenge (once, 5 s at most, no redirects): the
   * receiver proves it wants the notices by POSTing back to `confirm_url`. `delivered`, or why not.
   */
  challenge(subscriber: Subscriber): Promise<string>;
}

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function mailOf(paragraphs: (string | { href: string; label: string })[], subject: string) {
  const text = paragraphs
    .map((p) => (typeof p === 'string' ? p : `${p.label}: ${p.href}`))
    .join('\n\n');
  const html = paragraphs
    .map((p) =>
      typeof p === 'string'
        ? `<p>${escape(p)}</p>`
        : `<p><a href="${escape(p.href)}">${escape(p.label)}</a></p>`,
    )
    .join('\n');
  return { subject, text: `${text}\n`, html: `<!DOCTYPE html><html><body>${html}</body></html>` };
}

export function createSubscriptions(
  config: Config,
  options: SubscriptionOptions,
): SubscriptionService {
  const links = subscriptionLinks(config);
  const title = config.base_info.title;
  const mail: MailQueue = options.mail ?? (() => []);
  const probe = mail({
    id: 'probe',
    to: { address: 'probe@example.invalid' },
    mail: { subject: '', text: '', html: '' },
    now: new Date(0).toISOString(),
  });
  const within = config.subscriptions.confirm_within;
  const hours = Math.round(within / 3_600_000);
  const withinText =
    hours >= 1
      ? `${hours} hour${hours === 1 ? '' : 's'}`
      : `${Math.round(within / 60_000)} minutes`;
  return {
    links,
    confirmWithinMs: within,
    canMail: probe.length > 0,
    async checkWebhook(url) {
      try {
        await checkOutboundUrl(url, {
          allowPrivate: config.subscriptions.webhooks.allow_private,
          ...(options.resolveHost ? { resolve: options.resolveHost } : {}),
        });
      } catch (error) {
        if (!(error instanceof OutboundRefused)) throw error;
        throw invalid([{ path: 'url', message: `this URL is not called: ${error.message}` }]);
      }
    },
    signUpMail(subscriber, outcome) {
      const now = new Date(options.now()).toISOString();
      const to: Recipient = {
        address: subscriber.address,
        unsubscribeUrl: links.unsubscribe(subscriber),
        manageUrl: links.manage(subscriber),
      };
      const scope = describeScope(subscriber.scope);
      const body =
        outcome === 'pending'
          ? mailOf(
              [
                `Someone, probably you, asked for ${title} status notices to be sent to ${subscriber.address} (${scope === 'everything' ? 'every incident and maintenance' : `about ${scope}`}).`,
                { href: links.confirm(subscriber), label: 'Confirm the subscription' },
                `The link works for ${withinText}. If you did not ask for this, ignore this message: nothing more will be sent.`,
              ],
              `Confirm your subscription to ${title} status`,
            )
          : mailOf(
              [
                `${subscriber.address} is already subscribed to ${title} status notices (${scope}). Nothing was changed.`,
                { href: links.manage(subscriber), label: 'Choose what you receive' },
                { href: links.unsubscribe(subscriber), label: 'Unsubscribe' },
              ],
              `You are already subscribed to ${title} status`,
            );
      // Per sign-up: the nonce is new for each pending one; a reminder to a confirmed address is its own message.
      const id =
        outcome === 'pending' ? `subscribe.${subscriber.nonce}` : `already.${crypto.randomUUID()}`;
      return mail({ id, to, mail: body, now });
    },
    async challenge(subscriber) {
      const payload = {
        type: 'subscription.confirm',
        page: { title, url: config.base_info.base_url },
        subscriber_id: subscriber.id,
        confirm_url: links.confirm(subscriber),
        expires_at: subscriber.expires_at,
        components: subscriber.scope.components,
        groups: subscriber.scope.groups,
      };
      try {
        await httpCall(
          options.fetch ?? ((input, init) => fetch(input, init)),
          'subscription',
          {
            url: subscriber.address,
            body: JSON.stringify(payload),
            headers: { 'content-type': 'application/json' },
            noRedirects: true,
          },
          AbortSignal.timeout(5_000),
        );
        return 'delivered';
      } catch (error) {
        // NotifierError messages name the host only, never the URL's path or query.
        return `not delivered: ${error instanceof Error ? error.message.replace(/^\[notifier:subscription\] /, '') : String(error)}`;
      }
    },
  };
}
