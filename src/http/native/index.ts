/**
 * The native API under `/api/v1/`: everything the admin UI can do, for scripts and tools.
 * Every route goes through the same steps: authenticate (API token or the admin user), check
 * the scope, read and validate the query and the body (256 KiB, JSON only), run the domain
 * change, map failures to `{ "error": { "code", "message", "details" } }`. Bad input is a 4xx
 * naming the field, never a 500, and never a partial write (each domain change is one write).
 */
import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import { formatPath } from '../../config/parse.ts';
import { DomainError } from '../../domain/errors.ts';
import { InvalidRecordError, QuorumError } from '../../replication/types.ts';
import type { ApiDeps } from '../api-deps.ts';
import { hasScope } from '../auth.ts';
import { readJson, type BodyProblem } from '../body.ts';
import { ApiError, respondWithError } from '../errors.ts';
import { authenticateRequest } from '../request-auth.ts';
import { knownState, UNKNOWN_DETAIL, UNKNOWN_HEADERS } from '../known-state.ts';
import { adminRoutes } from './admin.ts';
import { componentRoutes } from './components.ts';
import { Reply, type NativeRoute } from './define.ts';
import { incidentRoutes } from './incidents.ts';
import { publicSubscriptions } from './public-subscriptions.ts';

export const NATIVE_ROUTES: readonly NativeRoute[] = [
  ...incidentRoutes,
  ...componentRoutes,
  ...adminRoutes,
];

export function validationDetails(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath([...issue.path, key]),
          message: 'unknown field',
        }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}

function invalid(where: 'body' | 'query', error: z.ZodError): ApiError {
  const details = validationDetails(error);
  return new ApiError(
    'validation_failed',
    `invalid ${where}: ${details[0]!.path}: ${details[0]!.message}`,
    details,
  );
}

function bodyError(problem: BodyProblem): ApiError {
  switch (problem.kind) {
    case 'too_large':
      return new ApiError('payload_too_large', `the body is larger than ${problem.limit} bytes`);
    case 'unsupported_media_type':
      return new ApiError(
        'unsupported_media_type',
        `send JSON with Content-Type: application/json (got ${JSON.stringify(problem.contentType)})`,
      );
    default:
      return new ApiError('bad_request', problem.message);
  }
}

const hasNoBody = (c: Context) =>
  !c.req.header('content-type') &&
  (c.req.header('content-length') ?? '0') === '0' &&
  !c.req.header('transfer-encoding');

async function readBody(c: Context, route: NativeRoute): Promise<unknown> {
  if (!route.body) return undefined;
  const raw =
    route.bodyOptional && hasNoBody(c)
      ? { ok: true as const, value: {} }
      : await readJson(c.req.raw);
  if (!raw.ok) throw bodyError(raw.problem);
  const parsed = route.body.safeParse(raw.value);
  if (!parsed.success) throw invalid('body', parsed.error);
  return parsed.data;
}

/** The domain names fields as statusetat does; the native API calls some of them differently. */
const NATIVE_FIELD: Record<string, string> = {
  created_at: 'starts_at',
  scheduled_end: 'ends_at',
  component_state: 'component_status',
  messages: 'updates',
};
const nativePath = (path: string) =>
  path.replace(/^[a-z_]+/, (field) => NATIVE_FIELD[field] ?? field);

function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError) {
    if (error.code === 'not_found') return new ApiError('not_found', error.message);
    const details = error.details.map((d) => ({ path: nativePath(d.path), message: d.message }));
    const first = details[0];
    return new ApiError(
      'validation_failed',
      first ? `${first.path}: ${first.message}` : error.message,
      details,
    );
  }
  if (error instanceof QuorumError)
    return new ApiError('storage_unavailable', `${error.message}; nothing was changed`);
  if (error instanceof InvalidRecordError)
    return new ApiError('validation_failed', `${error.message}; nothing was changed`);
  return undefined;
}

export function nativeApi(deps: ApiDeps): Hono {
  const app = new Hono();
  // The one route without credentials: anyone may ask for a webhook subscription (it must confirm).
  app.route(
    '/',
    publicSubscriptions(deps, { body: bodyError, invalid: (error) => invalid('body', error) }),
  );
  for (const route of NATIVE_ROUTES) {
    const honoPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    app.on(route.method.toUpperCase(), honoPath, async (c) => {
      const { principal, ...refusal } = await authenticateRequest(
        c,
        deps.auth,
        deps.limits.credentials,
      );
      if ('retryAfterSeconds' in refusal) {
        c.header('Retry-After', String(refusal.retryAfterSeconds));
        throw new ApiError(
          'rate_limited',
          `too many failed attempts from this address; try again in ${refusal.retryAfterSeconds} s`,
        );
      }
      if (!principal)
        throw new ApiError(
          'unauthorized',
          'send an API token (Authorization: Bearer <token>) or the admin user (Basic)',
        );
      if (!hasScope(principal, route.scope))
        throw new ApiError(
          'forbidden',
          `this needs the "${route.scope}" scope, which ${principal.actor.name} does not have`,
        );
      if (!knownState(deps.store).known) {
        for (const [name, value] of Object.entries(UNKNOWN_HEADERS)) c.header(name, value);
        throw new ApiError('state_unknown', UNKNOWN_DETAIL);
      }
      let query: unknown;
      if (route.query) {
        const parsed = route.query.safeParse(c.req.query());
        if (!parsed.success) throw invalid('query', parsed.error);
        query = parsed.data;
      }
      const body = await readBody(c, route);
      const result = await route.handle({
        deps,
        actor: principal.actor,
        params: c.req.param() as Record<string, string>,
        body,
        query,
      });
      if (route.status === 204) return c.body(null, 204);
      if (result instanceof Reply) return c.json(result.body, result.status);
      return c.json(result, route.status);
    });
  }
  app.onError((error, c) => {
    const known = toApiError(error);
    if (known) {
      if (known.code === 'unauthorized')
        c.header('WWW-Authenticate', 'Bearer realm="Staunch", Basic realm="Restricted"');
      return respondWithError(c, known);
    }
    deps.logger.error(
      { err: { message: error.message, stack: error.stack }, path: c.req.path },
      'unhandled error in the native API',
    );
    return respondWithError(
      c,
      new ApiError('internal', 'internal error; the details are in the server log'),
    );
  });
  return app;
}
