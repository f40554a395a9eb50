/**
 * The statusetat-compatible API under `/v1/`: same paths, methods,
 * field names, time formats and success codes, so an existing client only changes its URL.
 * Its bugs are fixed rather than copied: unknown ids are 404 (never 500, and a DELETE of an
 * unknown id too), a malformed date is 400, an incident always keeps a message, maintenance can
 * be turned back into an incident, duplicate subscriptions succeed, and CORS preflights work.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { z } from 'zod';
import {
  addMessage,
  createIncident,
  deleteIncident,
  deleteMessage,
  requestNotification,
  updateIncident,
  updateMessage,
  type IncidentPatch,
  type MessageInput,
} from '../../domain/incidents.ts';
import { renderMarkdown } from '../../domain/markdown.ts';
import { findIncident, incidentsBetween, persistentIncidents } from '../../domain/status.ts';
import {
  emailAddress,
  listSubscribers,
  requestSubscription,
  subscribe,
  unsubscribe,
} from '../../domain/subscribers.ts';
import {
  COMPONENT_STATES,
  INCIDENT_STATES,
  type Actor,
  type ComponentState,
  type IncidentState,
} from '../../domain/types.ts';
import type { DomainContext } from '../../domain/context.ts';
import { DomainError } from '../../domain/errors.ts';
import type { ApiDeps } from '../api-deps.ts';
import { hasScope, type Principal, type Scope } from '../auth.ts';
import { parseJson, readText } from '../body.ts';
import { unsubscribePage } from '../pages/index.ts';
import { unsubscribeTokenValid } from '../unsubscribe-link.ts';
import { clientAddress, clientKey } from '../rate-limit.ts';
import { authenticateRequest } from '../request-auth.ts';
import { DEFAULT_SECURITY_HEADERS } from '../site/security-headers.ts';
import type { PageDeps } from '../site/site.ts';
import { fromThisOrigin } from '../same-origin.ts';
import { UNKNOWN_DETAIL, UNKNOWN_TITLE, whileUnknown } from '../known-state.ts';
import { v1Incident, v1Message } from './format.ts';
import { bodyProblemToV1, toV1Error, V1Error, v1ErrorResponse, v1Json } from './respond.ts';
import {
  describeDecodingError,
  v1IncidentCreate,
  v1IncidentUpdate,
  v1Message as v1MessageSchema,
  type V1MessageBody,
} from './schemas.ts';
import { incidentWindow } from './window.ts';
import { isTimeZone } from '../../config/time-zone.ts';

type V1Env = { Variables: { principal: Principal } };

const VISITOR: Actor = { type: 'public', name: 'visitor' };

// statusetat's order of the flags, with Idle described as idle and Cancelled listed.
const INCIDENT_FLAG_ORDER = [1, 0, 2, 3, 4];
const COMPONENT_FLAG_ORDER = [0, 4, 1, 3, 2];

const toMessageInput = (m: V1MessageBody): MessageInput => ({
  guid: m.guid ?? undefined,
  title: m.title ?? '',
  content: m.content ?? '',
  created_at: m.created_at ?? undefined,
});

const toMetadata = (
  metadata: { key?: string | null; value?: string | null }[] | null | undefined,
) => metadata?.map((m) => ({ key: m.key ?? '', value: m.value ?? '' }));

/** Out-of-range integers go through as they are: the domain rejects them with a 412 naming the field. */
const state = (value: number | null | undefined) =>
  (value ?? undefined) as IncidentState | undefined;
const componentState = (value: number | null | undefined) =>
  (value ?? undefined) as ComponentState | undefined;

const empty = (status = 200) => new Response(null, { status });

/** `pageDeps`: the app's Site, for the unsubscribe page a browser following a `/v1` link gets. */
export function statusetatApi(deps: ApiDeps, pageDeps: PageDeps): Hono<V1Env> {
  const app = new Hono<V1Env>();

  // statusetat sends `*` with credentials, which browsers refuse; scripts send Authorization explicitly instead.
  app.use(
    '/v1/*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'],
      allowHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    }),
  );
  // An empty list or a 404 would tell a client "nothing is wrong" or "no such incident": neither is known yet.
  app.use(
    '/v1/*',
    whileUnknown(deps.store, () =>
      v1ErrorResponse(new V1Error(503, `${UNKNOWN_TITLE}: ${UNKNOWN_DETAIL}`)),
    ),
  );

  const requireScope =
    (scope: Scope): MiddlewareHandler<V1Env> =>
    async (c, next) => {
      const { principal, ...refusal } = await authenticateRequest(
        c,
        deps.auth,
        deps.limits.credentials,
      );
      if ('retryAfterSeconds' in refusal) {
        return new Response('Too many failed attempts; try again later\n', {
          status: 429,
          headers: {
            'Retry-After': String(refusal.retryAfterSeconds),
            'Content-Type': 'text/plain; charset=utf-8',
          },
        });
      }
      if (!principal || !hasScope(principal, scope)) {
        return new Response('Unauthorized\n', {
          status: 401,
          headers: {
            'WWW-Authenticate': 'Basic realm="Restricted"',
            'Content-Type': 'text/plain; charset=utf-8',
          },
        });
      }
      c.set('principal', principal);
      await next();
    };
  const writer = requireScope('write:incidents');

  /** The request location: `?timezone=` when valid, else the page's zone (statusetat's cookie is the pages' concern). */
  const domainFor = (c: Context): DomainContext => {
    const zone = c.req.query('timezone');
    if (!zone || !isTimeZone(zone) || zone === deps.domain.settings.timeZone) return deps.domain;
    return { ...deps.domain, settings: { ...deps.domain.settings, timeZone: zone } };
  };
  const view = () => deps.read.view();
  const incidentOr404 = (guid: string) => {
    const incident = findIncident(view(), guid);
    if (!incident) throw new V1Error(404, `incident "${guid}" not found`);
    return incident;
  };
  async function decode<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
    const text = await readText(c.req.raw);
    if (!text.ok) throw bodyProblemToV1(text.problem);
    const json = parseJson(text.value);
    if (!json.ok) throw bodyProblemToV1(json.problem);
    const parsed = schema.safeParse(json.value);
    if (!parsed.success) throw new V1Error(428, describeDecodingError(parsed.error));
    return parsed.data;
  }

  app.get('/v1/components', () => v1Json(deps.domain.settings.components.map((c) => c.id)));
  app.get('/v1/flags/incident_states', () =>
    v1Json(
      INCIDENT_FLAG_ORDER.map((value) => INCIDENT_STATES.find((r) => r.value === value)!).map(
        (r) => ({ value: r.value, description: r.description }),
      ),
    ),
  );
  app.get('/v1/flags/component_states', () =>
    v1Json(
      COMPONENT_FLAG_ORDER.map((value) => COMPONENT_STATES.find((r) => r.value === value)!).map(
        (r) => ({ value: r.value, description: r.description }),
      ),
    ),
  );

  // The answer is HTML chosen by the caller on this origin: only this site's own pages or the admin may ask,
  // and it carries the pages' headers, so it can neither be framed nor load or run anything.
  app.post('/v1/markdown/preview', async (c) => {
    if (!fromThisOrigin(c)) {
      const { principal, ...refusal } = await authenticateRequest(
        c,
        deps.auth,
        deps.limits.credentials,
      );
      if ('retryAfterSeconds' in refusal)
        throw new V1Error(429, 'too many failed attempts; try again later');
      if (!principal || !hasScope(principal, 'admin'))
        throw new V1Error(403, "previews are for this site's own pages, or the admin user (Basic)");
    }
    const text = await readText(c.req.raw);
    if (!text.ok) throw bodyProblemToV1(text.problem);
    return new Response(renderMarkdown(text.value), {
      headers: {
        ...DEFAULT_SECURITY_HEADERS,
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
      },
    });
  });

  app.get('/v1/incidents', (c) => {
    const timeZone = domainFor(c).settings.timeZone;
    const { from, to } = incidentWindow(
      { from: c.req.query('from'), to: c.req.query('to') },
      deps.now(),
      timeZone,
    );
    const allTypes = Boolean(c.req.query('all_types'));
    return v1Json(incidentsBetween(view(), from, to, deps.now(), { allTypes }).map(v1Incident));
  });
  app.get('/v1/persistent_incidents', () =>
    v1Json(persistentIncidents(view(), { includeResolved: true }).map(v1Incident)),
  );
  app.get('/v1/incidents/:guid', (c) => v1Json(v1Incident(incidentOr404(c.req.param('guid')))));
  app.get('/v1/incidents/:guid/messages', (c) =>
    v1Json(incidentOr404(c.req.param('guid')).messages.map(v1Message)),
  );
  app.get('/v1/incidents/:guid/messages/:message', (c) => {
    const message = incidentOr404(c.req.param('guid')).messages.find(
      (m) => m.guid === c.req.param('message'),
    );
    if (!message) throw new V1Error(404, 'message not found');
    return v1Json(v1Message(message));
  });

  app.post('/v1/incidents', writer, async (c) => {
    const body = await decode(c, v1IncidentCreate);
    const incident = await createIncident(domainFor(c), c.get('principal').actor, {
      state: state(body.state),
      component_state: componentState(body.component_state),
      components: body.components ?? [],
      messages: (body.messages ?? []).map(toMessageInput),
      metadata: toMetadata(body.metadata),
      is_scheduled: body.is_scheduled ?? undefined,
      scheduled_end: body.scheduled_end ?? undefined,
      created_at: body.created_at ?? undefined,
      persistent: body.persistent ?? undefined,
    });
    return v1Json(v1Incident(incident), 201);
  });

  app.put('/v1/incidents/:guid', writer, async (c) => {
    const body = await decode(c, v1IncidentUpdate);
    const patch: IncidentPatch = {
      state: state(body.state),
      component_state: componentState(body.component_state),
      components: body.components ?? undefined,
      metadata: toMetadata(body.metadata),
      is_scheduled: body.is_scheduled ?? undefined,
      persistent: body.persistent ?? undefined,
      created_at: body.created_at ?? undefined,
      scheduled_end: body.scheduled_end,
    };
    if (body.messages) {
      // statusetat: with ?partial_update_message and exactly one message with a guid, only that message's text changes.
      const [only] = body.messages;
      const partial = new URL(c.req.url).searchParams.has('partial_update_message');
      if (partial && body.messages.length === 1 && only?.guid)
        patch.edit_message = {
          guid: only.guid,
          title: only.title ?? '',
          content: only.content ?? '',
        };
      else patch.messages = body.messages.map(toMessageInput);
    }
    return v1Json(
      v1Incident(
        // statusetat's `no_notify`: the change is stored and nobody is told.
        await updateIncident(domainFor(c), c.get('principal').actor, c.req.param('guid'), patch, {
          silent: body.no_notify === true,
        }),
      ),
    );
  });

  app.delete('/v1/incidents/:guid', writer, async (c) => {
    await deleteIncident(deps.domain, c.get('principal').actor, c.req.param('guid'));
    return empty();
  });

  app.put('/v1/incidents/:guid/notify', writer, async (c) => {
    await requestNotification(deps.domain, c.get('principal').actor, c.req.param('guid'));
    return empty();
  });

  app.post('/v1/incidents/:guid/messages', writer, async (c) => {
    const guid = c.req.param('guid');
    incidentOr404(guid);
    const body = await decode(c, v1MessageSchema);
    const incident = await addMessage(domainFor(c), c.get('principal').actor, guid, {
      title: body.title ?? '',
      content: body.content ?? '',
      created_at: body.created_at ?? undefined,
    });
    return v1Json(v1Incident(incident), 201);
  });

  app.put('/v1/incidents/:guid/messages/:message', writer, async (c) => {
    const guid = c.req.param('guid');
    incidentOr404(guid);
    const body = await decode(c, v1MessageSchema);
    const incident = await updateMessage(
      deps.domain,
      c.get('principal').actor,
      guid,
      c.req.param('message'),
      { title: body.title ?? '', content: body.content ?? '' },
    );
    return v1Json(v1Incident(incident));
  });

  app.delete('/v1/incidents/:guid/messages/:message', writer, async (c) => {
    const incident = await deleteMessage(
      deps.domain,
      c.get('principal').actor,
      c.req.param('guid'),
      c.req.param('message'),
    );
    return v1Json(v1Incident(incident));
  });

  // statusetat's list is of the addresses that get mail: confirmed email subscribers (a pending
  // sign-up receives nothing until it is confirmed; the native API lists every state).
  app.get('/v1/subscribers', requireScope('admin'), () =>
    v1Json(
      listSubscribers(deps.domain)
        .filter((s) => s.kind === 'email' && s.state === 'confirmed')
        .map((s) => s.display),
    ),
  );

  // An admin (Basic or an `admin` token) subscribes an address at once, as statusetat did: 201.
  // Anyone else signs up like the page's form: pending, a confirmation mail, 202 until confirmed.
  app.on(['GET', 'PATCH', 'POST', 'PUT'], '/v1/subscribe', async (c) => {
    const email = c.req.query('email');
    if (!email) throw new V1Error(428, 'you must set an email');
    if (!emailAddress(email))
      throw new V1Error(400, `${JSON.stringify(email)} is not an email address`);
    const { principal } = await authenticateRequest(c, deps.auth, deps.limits.credentials);
    if (principal && hasScope(principal, 'admin')) {
      await subscribe(deps.domain, principal.actor, email);
      return empty(201);
    }
    if (!deps.subscriptions.canMail)
      throw new V1Error(
        409,
        'this site sends no email, so a subscription could not be confirmed; an admin can subscribe the address',
      );
    // An anonymous GET that writes: limited per client like the page's form, with which it shares the count.
    const client = clientKey(clientAddress(c));
    const wait = deps.limits.subscriptions.blockedFor(client);
    if (wait > 0) {
      const refused = v1ErrorResponse(
        new V1Error(429, 'too many subscriptions from this address; try again later'),
      );
      refused.headers.set('Retry-After', String(Math.ceil(wait / 1000)));
      return refused;
    }
    await requestSubscription(
      deps.domain,
      VISITOR,
      { kind: 'email', address: email },
      {
        confirmed: false,
        confirmWithinMs: deps.subscriptions.confirmWithinMs,
        extra: (s, outcome) => deps.subscriptions.signUpMail(s, outcome),
      },
    );
    deps.limits.subscriptions.hit(client);
    return empty(202);
  });

  // statusetat answers unsubscribe errors as text, unlike subscribe. It also let anyone remove
  // any address: here only an admin (as for /v1/subscribers) or the address's signed link may.
  app.on(['GET', 'PATCH', 'POST', 'PUT'], '/v1/unsubscribe', async (c) => {
    const email = c.req.query('email');
    if (!email) throw new V1Error(428, 'you must set an email', true);
    const address = emailAddress(email);
    if (!address) throw new V1Error(400, `${JSON.stringify(email)} is not an email address`, true);
    const token = c.req.query('token');
    const { principal } = await authenticateRequest(c, deps.auth, deps.limits.credentials);
    const admin = principal && hasScope(principal, 'admin') ? principal : null;
    const signed = !admin && (await unsubscribeTokenValid(deps.config.cookie_key, address, token));
    // Someone who opened a link without (or with a wrong) token is shown how an address is removed.
    if (!admin && !signed)
      return unsubscribePage(c, pageDeps, {
        outcome: 'help',
        email: address,
        badLink: Boolean(token),
      });
    // Whether the address was subscribed is not revealed.
    await unsubscribe(deps.domain, admin ? admin.actor : VISITOR, address).catch(
      (error: unknown) => {
        if (!(error instanceof DomainError && error.code === 'not_found')) throw error;
      },
    );
    if ((c.req.header('accept') ?? '').includes('text/html'))
      return unsubscribePage(c, pageDeps, { outcome: 'removed', email: address, badLink: false });
    return new Response('you have successfully unsubscribed', {
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  });

  app.onError((error, c) => {
    const known = toV1Error(error);
    if (known) return v1ErrorResponse(known);
    deps.logger.error(
      { err: { message: error.message, stack: error.stack }, path: c.req.path },
      'unhandled error in /v1',
    );
    return v1ErrorResponse(new V1Error(500, 'internal error; the details are in the server log'));
  });
  return app;
}
