/**
 * `Strict-Transport-Security` on every answer served over HTTPS (this server's own `tls`, or a
 * request that arrived as https), so a browser that saw the site once never falls back to plain
 * HTTP, where a network in between could rewrite the page. Never sent over plain HTTP, where
 * browsers ignore it and a site moving off HTTPS would be stuck.
 */
import type { MiddlewareHandler } from 'hono';

export const HSTS = 'max-age=31536000';

export function transportSecurity(servesTls: boolean): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (servesTls || new URL(c.req.url).protocol === 'https:')
      c.res.headers.set('Strict-Transport-Security', HSTS);
  };
}
