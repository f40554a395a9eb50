/**
 * `POST /api/v1/subscriptions`: anyone may subscribe a webhook, as on the page anyone may
 * subscribe an address. A webhook has no mailbox, so it confirms like an SNS endpoint: the
 * subscription is pending, the URL is POSTed a challenge holding a signed `confirm_url`, and
 * the receiver POSTs to that link to start receiving notices. A URL nobody answers for (someone
 * else's endpoint) never receives more than that one challenge; the pending sign-up expires.
 * Limited per client with the page's sign-ups; the URL is checked by the outbound guard first.
 */
import { Hono } from 'hono';
import type { ZodError } from 'zod';
import { requestSubscription } from '../../domain/subscribers.ts';
import type { ApiDeps } from '../api-deps.ts';
import { readJson, type BodyProblem } from '../body.ts';
import { ApiError } from '../errors.ts';
import { knownState, UNKNOWN_DETAIL, UNKNOWN_HEADERS } from '../known-state.ts';
import { clientAddress, clientKey } from '../rate-limit.ts';
import { subscriptionBody } from './schemas.ts';

/** How the native API words a bad body (shared with its other routes). */
export interface BodyProblems {
  body(problem: BodyProblem): ApiError;
  invalid(error: ZodError): ApiError;
}

export function publicSubscriptions(deps: ApiDeps, problems: BodyProblems): Hono {
  const app = new Hono();
  app.post('/api/v1/subscriptions', async (c) => {
    if (!knownState(deps.store).known) {
      for (const [name, value] of Object.entries(UNKNOWN_HEADERS)) c.header(name, value);
      throw new ApiError('state_unknown', UNKNOWN_DETAIL);
    }
    const who = clientKey(clientAddress(c));
    const wait = deps.limits.subscriptions.blockedFor(who);
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      throw new ApiError(
        'rate_limited',
        'too many subscriptions from this address; try again later',
      );
    }
    const raw = await readJson(c.req.raw);
    if (!raw.ok) throw problems.body(raw.problem);
    const parsed = subscriptionBody.safeParse(raw.value);
    if (!parsed.success) throw problems.invalid(parsed.error);
    const body = parsed.data;
    // Counted before the URL check: its answers say how names resolve, so probing is limited too.
    deps.limits.subscriptions.hit(who);
    await deps.subscriptions.checkWebhook(body.webhook);
    const { outcome, subscriber } = await requestSubscription(
      deps.domain,
      { type: 'public', name: 'visitor' },
      {
        kind: 'webhook',
        address: body.webhook,
        scope: { components: body.components ?? [], groups: body.groups ?? [] },
      },
      { confirmed: false, confirmWithinMs: deps.subscriptions.confirmWithinMs },
    );
    if (outcome === 'unchanged')
      return c.json(
        { id: subscriber.id, state: 'confirmed', challenge: 'not sent: already confirmed' },
        200,
      );
    const challenge = await deps.subscriptions.challenge(subscriber);
    return c.json(
      { id: subscriber.id, state: 'pending', challenge, expires_at: subscriber.expires_at },
      202,
    );
  });
  return app;
}
