/**
 * Signing in and out. The sign-in form carries a token bound to a short-lived cookie (login
 * CSRF), failed attempts are throttled per client and account, and only a path inside the
 * admin UI is followed after signing in.
 */
import { Hono, type Context } from 'hono';
import { userAccount } from '../../credential-throttle.ts';
import { clientAddress } from '../../rate-limit.ts';
import { html, sendHtml } from '../../site/site.ts';
import { safeReturnPath } from '../../site/url.ts';
import type { AdminContext, AdminEnv } from '../context.ts';
import { formBody, str } from '../form-body.ts';
import { credentialsMatch, LOGIN_COOKIE } from '../session.ts';
import { SignInPage } from './sign-in.view.tsx';

/** Where to go after signing in: the path asked for when it is inside the admin UI. */
const adminPath = (next: string | undefined) => {
  const path = safeReturnPath(next, '/admin/');
  return path.startsWith('/admin') ? path : '/admin/';
};

/** The sign-in form, before the session guard. */
export function signIn(admin: AdminContext): Hono<AdminEnv> {
  const { site, sessions } = admin;
  const { config } = site;
  const app = new Hono<AdminEnv>();

  const signInPage = async (
    c: Context,
    status: number,
    options: { username?: string; next?: string; error?: string } = {},
  ) => {
    const challenge = await sessions.loginChallenge(admin.secure(c));
    c.header('Set-Cookie', challenge.cookie, { append: true });
    const next = adminPath(options.next ?? c.req.query('next'));
    return sendHtml(
      c,
      html(
        <SignInPage
          site={site.info}
          token={challenge.token}
          username={options.username ?? ''}
          next={next}
          {...(options.error ? { error: options.error } : {})}
        />,
      ),
      status,
    );
  };

  app.get('/admin/login', async (c) => {
    const session = await sessions.read(c, config.username);
    if (session) return c.redirect(safeReturnPath(c.req.query('next'), '/admin/'), 303);
    return signInPage(c, 200);
  });

  app.post('/admin/login', async (c) => {
    const form = await formBody(c, { all: false });
    const username = str(form, 'username', 200);
    const password = str(form, 'password', 1000);
    const next = str(form, 'next', 500);
    const address = clientAddress(c);
    const wait = site.limits.credentials.blockedFor(address);
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return signInPage(c, 429, {
        username,
        next,
        error: `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60_000)} minute${wait > 60_000 ? 's' : ''}.`,
      });
    }
    if (!(await sessions.loginTokenValid(c, str(form, '_csrf', 200)))) {
      return signInPage(c, 403, {
        username,
        next,
        error: 'The sign-in form expired or did not come from this site. Please try again.',
      });
    }
    if (
      !(await credentialsMatch(
        config.cookie_key,
        { username: config.username, password: config.password },
        { username, password },
      ))
    ) {
      site.limits.credentials.failed(address, userAccount(username));
      return signInPage(c, 401, { username, next, error: 'Wrong username or password.' });
    }
    site.limits.credentials.succeeded(address);
    const { cookie } = await sessions.create(config.username, admin.secure(c));
    const headers = new Headers({ Location: adminPath(next), 'Cache-Control': 'no-store' });
    headers.append('Set-Cookie', cookie);
    headers.append(
      'Set-Cookie',
      `${LOGIN_COOKIE}=; Max-Age=0; Path=/admin; HttpOnly; SameSite=Strict`,
    );
    return new Response(null, { status: 303, headers });
  });

  return app;
}

/** Signing out, behind the session guard (the form carries the session's token). */
export function signOut(admin: AdminContext): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.post('/admin/logout', async (c) => {
    // If the storage cannot take the revocation, the cookie is still cleared in this browser.
    await admin.sessions
      .revoke(c, c.get('session'), admin.secure(c))
      .catch((error: unknown) =>
        admin.site.deps.logger.warn(
          { err: (error as Error).message },
          'sign-out not recorded in storage',
        ),
      );
    return c.redirect('/admin/login', 303);
  });
  return app;
}
