/** Subscribers and the audit log: personal data and history, so admin scope only. */
import { z } from 'zod';
import { listAudit } from '../../domain/audit.ts';
import {
  listSubscribers,
  requestSubscription,
  setSubscriberScope,
  unsubscribe,
} from '../../domain/subscribers.ts';
import type { Subscriber } from '../../domain/types.ts';
import { shownAddress } from '../subscriber-view.ts';
import { defineRoute, Reply } from './define.ts';
import {
  auditPage,
  auditQuery,
  scopeBody,
  subscriberBody,
  subscriberResource,
  subscriberResult,
} from './schemas.ts';

const present = (s: Subscriber) => ({
  id: s.id,
  kind: s.kind,
  ...(s.kind === 'email' ? { email: s.display } : { url: shownAddress(s) }),
  state: s.state,
  components: s.scope.components,
  groups: s.scope.groups,
  created_at: s.created_at,
  ...(s.expires_at ? { expires_at: s.expires_at } : {}),
  ...(s.confirmed_at ? { confirmed_at: s.confirmed_at } : {}),
});

export const adminRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/subscribers',
    operationId: 'listSubscribers',
    summary: 'Email and webhook subscribers, pending and confirmed, oldest first.',
    scope: 'admin',
    response: z.array(subscriberResource),
    status: 200,
    handle: ({ deps }) => listSubscribers(deps.domain).map(present),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/subscribers',
    operationId: 'addSubscriber',
    summary:
      'Subscribe an email address or a webhook URL, confirmed at once (no confirmation is sent); 201 when added, 200 when it was already subscribed.',
    scope: 'admin',
    body: subscriberBody,
    response: subscriberResult,
    status: 201,
    async handle({ deps, actor, body }) {
      const scope = { components: body.components ?? [], groups: body.groups ?? [] };
      const input =
        'email' in body
          ? { kind: 'email' as const, address: body.email, scope }
          : { kind: 'webhook' as const, address: body.webhook, scope };
      if (input.kind === 'webhook') await deps.subscriptions.checkWebhook(input.address);
      const { outcome, subscriber } = await requestSubscription(deps.domain, actor, input, {
        confirmed: true,
      });
      const created = outcome === 'created';
      return new Reply(created ? 201 : 200, {
        id: subscriber.id,
        ...('email' in body ? { email: body.email } : {}),
        created,
      });
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/subscribers/{id}/scope',
    operationId: 'setSubscriberScope',
    summary: 'Change what a subscriber receives (both lists empty: everything).',
    scope: 'admin',
    body: scopeBody,
    response: subscriberResource,
    status: 200,
    async handle({ deps, actor, params, body }) {
      return present(await setSubscriberScope(deps.domain, actor, params.id!, body));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/subscribers/{id}',
    operationId: 'removeSubscriber',
    summary: 'Unsubscribe a subscriber, by id (or, for email, by address).',
    scope: 'admin',
    status: 204,
    async handle({ deps, actor, params }) {
      await unsubscribe(deps.domain, actor, params.id!);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/audit',
    operationId: 'listAudit',
    summary: 'Who changed what and when, newest first, paginated.',
    scope: 'admin',
    query: auditQuery,
    response: auditPage,
    status: 200,
    handle({ deps, query }) {
      const page = listAudit(deps.store, { before: query.before, limit: query.limit });
      return { entries: page.entries, next: page.next ?? null };
    },
  }),
];
