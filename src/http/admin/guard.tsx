/**
 * The two checks in front of the admin UI. Every form post must come from this site (hono/csrf:
 * Origin or Sec-Fetch-Site); and everything but the sign-in screen needs a session, whose CSRF
 * token every post must carry. A refused post gets a plain 403 page, never the app's JSON error.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { sameOrigin } from '../same-origin.ts';
import { html, sendHtml } from '../site/site.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { formBody, str } from './form-body.ts';
import { constantTimeEqual } from '../signing.ts';

export function forbidden(c: Context): Response {
  return sendHtml(
    c,
    html(
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>Forbidden</title>
        </head>
        <body>
          <h1>Forbidden</h1>
          <p>
            This form did not come from this site, or it has expired. Go back, reload the page and
            try again.
          </p>
          <p>
            <a href="/admin/">Admin</a>
          </p>
        </body>
      </html>,
    ),
    403,
  );
}

/** Refuses a form post from another site. */
export const fromThisSite = (): MiddlewareHandler => sameOrigin(forbidden);

/** Sends a visitor without a session to sign in (coming back here after), and refuses a post without the session's token. */
export function requireSession(admin: AdminContext): MiddlewareHandler<AdminEnv> {
  const { sessions, site } = admin;
  return async (c, next) => {
    const session = await sessions.read(c, site.config.username);
    if (!session) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const url = new URL(c.req.url);
        return c.redirect(
          `/admin/login?next=${encodeURIComponent(url.pathname + url.search)}`,
          303,
        );
      }
      return forbidden(c);
    }
    if (
      c.req.method === 'POST' &&
      !constantTimeEqual(str(await formBody(c), '_csrf', 200), session.csrf)
    )
      return forbidden(c);
    c.set('session', session);
    await next();
  };
}
