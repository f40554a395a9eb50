/**
 * statusetat's wire format, byte for byte where clients could notice: JSON successes with
 * `application/json; charset=utf-8` and no trailing newline; JSON errors as
 * `{"description","detail","status"}` plus a newline and `nosniff`; text errors as plain text.
 */
import { InvalidRecordError, QuorumError } from '../../replication/types.ts';
import { DomainError } from '../../domain/errors.ts';
import type { BodyProblem } from '../body.ts';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Thrown by /v1 handlers; rendered by the /v1 error handler in statusetat's shape. */
export class V1Error extends Error {
  override readonly name = 'V1Error';
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly asText = false,
  ) {
    super(detail);
  }
}

export function v1Json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
}

export function v1ErrorResponse(error: V1Error): Response {
  if (error.asText) {
    return new Response(`${error.status} ${STATUS_TEXT[error.status] ?? ''}: ${error.detail}`, {
      status: error.status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
  const body = JSON.stringify({
    description: STATUS_TEXT[error.status] ?? 'Error',
    detail: error.detail,
    status: error.status,
  });
  return new Response(`${body}\n`, {
    status: error.status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/** Domain and storage failures in statusetat's codes: 404 unknown, 412 invalid, 503 when storage cannot take the write. */
export function toV1Error(error: unknown): V1Error | undefined {
  if (error instanceof V1Error) return error;
  if (error instanceof DomainError)
    return new V1Error(error.code === 'not_found' ? 404 : 412, error.message);
  if (error instanceof QuorumError) return new V1Error(503, error.message);
  // Nothing was stored: a value the storage contract refuses is the client's to fix.
  if (error instanceof InvalidRecordError) return new V1Error(400, error.message);
  return undefined;
}

/** statusetat answers every unreadable or undecodable body with 428. */
export function bodyProblemToV1(problem: BodyProblem): V1Error {
  if (problem.kind === 'too_large')
    return new V1Error(413, `the body is larger than ${problem.limit} bytes`);
  return new V1Error(
    428,
    problem.kind === 'unsupported_media_type'
      ? `unsupported content type ${problem.contentType}`
      : problem.message,
  );
}
