/**
 * One error shape for the new APIs: `{ "error": { "code", "message", "details" } }`.
 * Anything thrown that is not an ApiError becomes a 500 whose body says nothing internal;
 * the details go to the log only.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'locked'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'storage_unavailable'
  | 'state_unknown'
  | 'internal';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  locked: 423,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  storage_unavailable: 503,
  state_unknown: 503,
  internal: 500,
};

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get status(): ContentfulStatusCode {
    return STATUS[this.code];
  }
}

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export function respondWithError(c: Context, error: ApiError) {
  return c.json(errorBody(error.code, error.message, error.details), error.status);
}
