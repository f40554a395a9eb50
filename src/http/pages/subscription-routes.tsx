/**
 * Subscribing from the page and the pages of the signed links.
 * - `POST /subscribe`: the page's form (same-origin, limited per client). The answer is the same
 *   whether the address was new, pending or already confirmed, so the form tells nobody who is
 *   subscribed; the mail it queues (in the sign-up's own write) says which.
 * - `/subscription/confirm`: GET asks, POST confirms (a mail scanner opening the link must not
 *   confirm a sign-up the mailbox's owner never made). Machines (a webhook's owner) POST it.
 * - `/subscription/unsubscribe`: RFC 8058. GET asks; POST (the page's button, or a mail client's
 *   one-click `List-Unsubscribe=One-Click`) unsubscribes with no other input.
 * - `/subscription/manage`: the scope, changed by a POST back to the link.
 * The signed token authorises the link's POSTs, so they need no same-origin check: a mail
 * provider's one-click POST comes from elsewhere by design.
 */
import { Hono, type Context } from 'hono';
import type { DomainSettings } from '../../domain/read-model.ts';
import { DomainError, type FieldProblem } from '../../domain/errors.ts';
import {
  ConfirmationError,
  confirmSubscription,
  describeScope,
  getSubscriber,
  requestSubscription,
  setSubscriberScope,
  unsubscribe,
} from '../../domain/subscribers.ts';
import type { Actor, Subscriber } from '../../domain/types.ts';
import { QuorumError } from '../../replication/types.ts';
import { knownState } from '../known-state.ts';
import { clientAddress, clientKey } from '../rate-limit.ts';
import { sameOrigin } from '../same-origin.ts';
import { Layout } from '../site/layout.tsx';
import { html, sendHtml, type PageDeps } from '../site/site.ts';
import { chrome, pageRequest } from './page-request.ts';
import {
  ConfirmPage,
  ManagePage,
  UnsubscribeAskPage,
  type ScopeChoice,
  type ScopeOptions,
} from './subscription-views.tsx';
import { MessagePage, SubscribePanel } from './views.tsx';

const VISITOR: Actor = { type: 'public', name: 'visitor' };
const SUBSCRIBER: Actor = { type: 'public', name: 'subscriber' };

export function scopeOptions(settings: DomainSettings): ScopeOptions {
  return {
    groups: settings.groups.map((g) => ({
      name: g.name,
      components: settings.components
        .filter((c) => c.group === g.name)
        .map((c) => ({ id: c.id, name: c.name })),
    })),
    others: settings.components.filter((c) => !c.group).map((c) => ({ id: c.id, name: c.name })),
  };
}

type Form = Record<string, string | File | (string | File)[]>;
const texts = (form: Form, name: string): string[] => {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .filter((v): v is string => typeof v === 'string')
    .slice(0, 200);
};
const scopeOf = (form: Form): ScopeChoice => ({
  components: texts(form, 'components'),
  groups: texts(form, 'groups'),
});

/** The first problem with the scope, in words for the page. */
function scopeProblem(problems: FieldProblem[]): string | undefined {
  const first = problems.find((p) => /^(components|groups)/.test(p.path));
  return first ? `${first.message}; choose from the list.` : undefined;
}

const withinText = (ms: number) => {
  const hours = Math.round(ms / 3_600_000);
  return hours >= 1 ? `${hours} hours` : `${Math.round(ms / 60_000)} minutes`;
};

const scopeText = (s: Subscriber) => {
  const scope = describeScope(s.scope);
  return scope === 'everything' ? 'every incident and maintenance' : scope;
};

export function subscriptionPages(deps: PageDeps, refuse: (c: Context) => Promise<Response>): Hono {
  const site = deps.site;
  const { links } = site.subscriptions;
  const app = new Hono();

  const message = async (
    c: Context,
    status: number,
    props: {
      heading: string;
      text: string;
      link?: { text: string; href: string; label: string };
    },
  ) => {
    const r = await pageRequest(c, site);
    return sendHtml(c, html(<MessagePage {...chrome(r, '/')} {...props} />), status, site.headers);
  };
  // Before the view is loaded, no link can be checked: "not valid" would be a guess.
  const unknown = (c: Context) =>
    message(c, 503, {
      heading: 'Please try again',
      text: 'This page cannot check the link yet: its storage has not answered. Try again in a few seconds.',
    });
  const notValid = (c: Context) =>
    message(c, 404, {
      heading: 'This link is not valid',
      text: 'It may have been cut short or changed, or the subscription it was for has been removed. Nothing was changed. If you still receive notices, use the link in the latest one.',
    });
  const storageDown = (c: Context) =>
    message(c, 503, {
      heading: 'Please try again',
      text: 'Nothing could be saved right now because storage is unavailable. Please try again in a few minutes.',
    });

  app.post('/subscribe', sameOrigin(refuse), async (c) => {
    const r = await pageRequest(c, site);
    const form = (await c.req.parseBody({ all: true })) as Form;
    const email = (texts(form, 'email')[0] ?? '').slice(0, 300);
    const selected = scopeOf(form);
    const again = (status: number, errors: { error?: string; scopeError?: string }) =>
      sendHtml(
        c,
        html(
          <Layout {...chrome(r, '/')} current="other" title="Subscribe">
            <SubscribePanel
              emailDelivery={site.subscriptions.canMail}
              baseUrl={site.info.baseUrl}
              scope={scopeOptions(site.settings)}
              email={email}
              selected={selected}
              {...errors}
            />
          </Layout>,
        ),
        status,
        site.headers,
      );
    if (!site.subscriptions.canMail)
      return again(409, {
        error:
          'This site does not send email, so a subscription could not be confirmed. Follow the feeds or the calendar instead.',
      });
    const who = clientKey(clientAddress(c));
    const limit = site.limits.subscriptions;
    if (limit.blockedFor(who) > 0)
      return again(429, {
        error: 'Too many subscriptions from your network; please try again later.',
      });
    try {
      const { subscriber } = await requestSubscription(
        site.domain(),
        VISITOR,
        { kind: 'email', address: email, scope: selected },
        {
          confirmed: false,
          confirmWithinMs: site.subscriptions.confirmWithinMs,
          extra: (s, outcome) => site.subscriptions.signUpMail(s, outcome),
        },
      );
      limit.hit(who);
      return sendHtml(
        c,
        html(
          <MessagePage
            {...chrome(r, '/')}
            heading="Check your inbox"
            text={`A message is on its way to ${subscriber.address}. Follow its link within ${withinText(site.subscriptions.confirmWithinMs)} to confirm the subscription; until then, nothing else is sent.`}
          />,
        ),
        200,
        site.headers,
      );
    } catch (error) {
      if (error instanceof DomainError) {
        const problems = error.details;
        const emailProblem = problems.some((p) => p.path === 'email');
        const scopeError = scopeProblem(problems);
        return again(400, {
          ...(emailProblem
            ? { error: 'Please enter a valid email address, such as name@example.com.' }
            : {}),
          ...(scopeError ? { scopeError } : {}),
        });
      }
      if (error instanceof QuorumError)
        return again(503, {
          error:
            'The subscription could not be saved right now because storage is unavailable. Please try again in a few minutes.',
        });
      throw error;
    }
  });

  const confirmQuery = (c: Context) => ({
    id: c.req.query('id') ?? '',
    expires: c.req.query('expires'),
    token: c.req.query('token'),
  });
  /** The subscriber a confirmation link is for, or the answer that refuses it. */
  const confirmable = async (c: Context): Promise<Subscriber | Response> => {
    if (!knownState(site.store).known) return unknown(c);
    const q = confirmQuery(c);
    const subscriber = getSubscriber(site.domain(), q.id);
    const check = links.checkConfirm(subscriber, q, site.now());
    if (check === 'expired')
      return message(c, 410, {
        heading: 'This link has expired',
        text: `Confirmation links work for ${withinText(site.subscriptions.confirmWithinMs)}. If you confirmed in time, you are subscribed; otherwise, subscribe again for a new link.`,
        link: { text: 'Subscribe on', href: '/#subscribe', label: 'the status page' },
      });
    if (check === 'invalid')
      return message(c, 400, {
        heading: 'This confirmation link is not valid',
        text: 'It may have been cut short or changed, or a newer sign-up for the same address replaced it (only the latest link works). Nothing was changed.',
      });
    return subscriber!;
  };
  const subscribed = (c: Context, s: Subscriber) => {
    if (!(c.req.header('accept') ?? '').includes('text/html') && c.req.method === 'POST')
      return c.json({ id: s.id, state: s.state });
    return message(c, 200, {
      heading: 'Subscribed',
      text: `${s.kind === 'email' ? s.address : 'The webhook'} will receive notices about ${scopeText(s)}.`,
      link: {
        text: 'Every notice ends with links to change this or unsubscribe; or now:',
        href: links.path('manage', s),
        label: 'choose what you receive',
      },
    });
  };

  app.get('/subscription/confirm', async (c) => {
    const subscriber = await confirmable(c);
    if (subscriber instanceof Response) return subscriber;
    if (subscriber.state === 'confirmed') return subscribed(c, subscriber);
    const r = await pageRequest(c, site);
    const action = `${new URL(c.req.url).pathname}${new URL(c.req.url).search}`;
    return sendHtml(
      c,
      html(
        <ConfirmPage
          {...chrome(r, '/')}
          address={subscriber.address}
          scope={scopeText(subscriber)}
          action={action}
        />,
      ),
      200,
      site.headers,
    );
  });

  app.post('/subscription/confirm', async (c) => {
    const subscriber = await confirmable(c);
    if (subscriber instanceof Response) return subscriber;
    try {
      return subscribed(
        c,
        await confirmSubscription(site.domain(), subscriber.id, subscriber.nonce),
      );
    } catch (error) {
      if (error instanceof ConfirmationError) return notValid(c);
      if (error instanceof QuorumError) return storageDown(c);
      throw error;
    }
  });

  /** The subscriber of an unsubscribe or manage link, or the answer that refuses it. */
  const linked = async (
    c: Context,
    purpose: 'unsubscribe' | 'manage',
  ): Promise<Subscriber | Response> => {
    if (!knownState(site.store).known) return unknown(c);
    const subscriber = getSubscriber(site.domain(), c.req.query('id') ?? '');
    // One answer for "no such subscriber" and "wrong token": the page reveals nobody's address.
    if (!subscriber || !links.check(purpose, subscriber, c.req.query('token'))) return notValid(c);
    return subscriber;
  };
  const shown = (s: Subscriber) => (s.kind === 'email' ? s.address : 'this webhook');

  app.get('/subscription/unsubscribe', async (c) => {
    const subscriber = await linked(c, 'unsubscribe');
    if (subscriber instanceof Response) return subscriber;
    const r = await pageRequest(c, site);
    return sendHtml(
      c,
      html(
        <UnsubscribeAskPage
          {...chrome(r, '/')}
          address={shown(subscriber)}
          action={links.path('unsubscribe', subscriber)}
          manageHref={links.path('manage', subscriber)}
        />,
      ),
      200,
      site.headers,
    );
  });

  app.post('/subscription/unsubscribe', async (c) => {
    const subscriber = await linked(c, 'unsubscribe');
    if (subscriber instanceof Response) return subscriber;
    try {
      await unsubscribe(site.domain(), SUBSCRIBER, subscriber.id);
    } catch (error) {
      if (error instanceof QuorumError) return storageDown(c);
      throw error;
    }
    return message(c, 200, {
      heading: 'Unsubscribed',
      text: `${shown(subscriber)} will receive no more notices from this site.`,
    });
  });

  const managePage = async (
    c: Context,
    subscriber: Subscriber,
    status: number,
    extra: { saved: boolean; selected?: ScopeChoice; error?: string },
  ) => {
    const r = await pageRequest(c, site);
    return sendHtml(
      c,
      html(
        <ManagePage
          {...chrome(r, '/')}
          address={shown(subscriber)}
          action={links.path('manage', subscriber)}
          unsubscribeHref={links.path('unsubscribe', subscriber)}
          options={scopeOptions(site.settings)}
          selected={extra.selected ?? subscriber.scope}
          saved={extra.saved}
          {...(extra.error ? { error: extra.error } : {})}
        />,
      ),
      status,
      site.headers,
    );
  };

  app.get('/subscription/manage', async (c) => {
    const subscriber = await linked(c, 'manage');
    if (subscriber instanceof Response) return subscriber;
    return managePage(c, subscriber, 200, { saved: c.req.query('saved') === '1' });
  });

  app.post('/subscription/manage', async (c) => {
    const subscriber = await linked(c, 'manage');
    if (subscriber instanceof Response) return subscriber;
    const selected = scopeOf((await c.req.parseBody({ all: true })) as Form);
    try {
      await setSubscriberScope(site.domain(), SUBSCRIBER, subscriber.id, selected);
    } catch (error) {
      if (error instanceof DomainError)
        return managePage(c, subscriber, 400, {
          saved: false,
          selected,
          error: scopeProblem(error.details) ?? error.message,
        });
      if (error instanceof QuorumError) return storageDown(c);
      throw error;
    }
    return c.redirect(`${links.path('manage', subscriber)}&saved=1`, 303);
  });

  return app;
}
