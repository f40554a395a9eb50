/** Subscribers and the audit log: personal data and history, so admin scope only. */
import { z } from 'zod';
import { listAudit } from '../../domain/audit.ts';
import { listSubscribers, subscribe, unsubscribe } from '../../domain/subscribers.ts';
import { defineRoute, Reply } from './define.ts';
import {
  auditPage,
  auditQuery,
  subscriberBody,
  subscriberResource,
  subscriberResult,
} from './schemas.ts';

export const adminRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/subscribers',
    operationId: 'listSubscribers',
    summary: 'Email subscribers, oldest first.',
    scope: 'admin',
    response: z.array(subscriberResource),
    status: 200,
    handle: ({ deps }) => listSubscribers(deps.domain),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/subscribers',
    operationId: 'addSubscriber',
    summary: 'Subscribe an address; 201 when added, 200 when it was already subscribed.',
    scope: 'admin',
    body: subscriberBody,
    response: subscriberResult,
    status: 201,
    async handle({ deps, actor, body }) {
      const created = await subscribe(deps.domain, actor, body.email);
      return new Reply(created ? 201 : 200, { email: body.email, created });
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/subscribers/{email}',
    operationId: 'removeSubscriber',
    summary: 'Unsubscribe an address.',
    scope: 'admin',
    status: 204,
    async handle({ deps, actor, params }) {
      await unsubscribe(deps.domain, actor, params.email!);
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
