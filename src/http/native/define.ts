/**
 * A native API route is data: method, path, scope, schemas, handler. ./index.ts registers each
 * one (auth, body limits, validation, error mapping in one place) and ../openapi.ts documents
 * the very same objects.
 */
import type { z } from 'zod';
import type { Actor } from '../../domain/types.ts';
import type { ApiDeps } from '../api-deps.ts';
import type { Scope } from '../auth.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteInput<B, Q> {
  deps: ApiDeps;
  actor: Actor;
  params: Record<string, string>;
  body: B;
  query: Q;
}

/** A handler's answer with a status other than the route's usual one. */
export class Reply {
  constructor(
    readonly status: 200 | 201,
    readonly body: unknown,
  ) {}
}

export interface NativeRoute {
  method: Method;
  /** OpenAPI style: `/api/v1/incidents/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  scope: Scope;
  body?: z.ZodType;
  /** The body may be left out entirely (e.g. resolve without a closing note). */
  bodyOptional?: boolean;
  query?: z.ZodType;
  /** Response schema for the success status; absent for 204. */
  response?: z.ZodType;
  status: 200 | 201 | 204;
  handle(input: RouteInput<unknown, unknown>): unknown;
}

export function defineRoute<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown>(
  route: Omit<NativeRoute, 'handle' | 'body' | 'query'> & {
    body?: B;
    query?: Q;
    handle(input: RouteInput<z.output<B>, z.output<Q>>): unknown;
  },
): NativeRoute {
  return route as NativeRoute;
}
