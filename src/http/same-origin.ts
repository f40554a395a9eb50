/**
 * hono/csrf (a form post must come from this site: Origin or Sec-Fetch-Site) answering with the
 * caller's own 403 page instead of throwing, since the app's error handler would make a thrown
 * HTTPException a 500.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';

/** The browser says the request comes from a page of this origin (Sec-Fetch-Site, else Origin). */
export function fromThisOrigin(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site) return site === 'same-origin';
  return c.req.header('origin') === new URL(c.req.url).origin;
}

export function sameOrigin(
  refuse: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler {
  const check = csrf();
  return async (c, next) => {
    try {
      await check(c, async () => undefined);
    } catch (error) {
      if (error instanceof HTTPException) return refuse(c);
      throw error;
    }
    await next();
  };
}
