/**
 * Admin sessions without server storage, so any instance can check any session: the cookie
 * holds `user:sid:expiry`, signed with cookie_key (HMAC-SHA256, hono's signed cookies), HttpOnly,
 * SameSite=Lax, Secure over https. The CSRF token of a session is HMAC(cookie_key, sid): forms
 * carry it, and a post without the session's token is refused. Signing out clears the cookie and
 * records the sid as revoked in the store, so every instance refuses it from then on.
 */
import type { Context } from 'hono';
import { deleteCookie, generateSignedCookie, getSignedCookie } from 'hono/cookie';
import { base64url, constantTimeEqual, hmac } from '../signing.ts';

export const SESSION_COOKIE = 'staunch_session';
export const LOGIN_COOKIE = 'staunch_login';
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface Session {
  user: string;
  sid: string;
  expiresAt: number;
  csrf: string;
}

/** Checks a username and password against the config's, in constant time over their HMACs (so lengths do not leak either). */
export async function credentialsMatch(
  secret: string,
  expected: { username: string; password: string },
  given: { username: string; password: string },
): Promise<boolean> {
  const [eu, ep, gu, gp] = await Promise.all([
    hmac(secret, `u:${expected.username}`),
    hmac(secret, `p:${expected.password}`),
    hmac(secret, `u:${given.username}`),
    hmac(secret, `p:${given.password}`),
  ]);
  const userOk = constantTimeEqual(eu, gu);
  const passwordOk = constantTimeEqual(ep, gp);
  return userOk && passwordOk && expected.password.length > 0;
}

const randomToken = () => base64url(crypto.getRandomValues(new Uint8Array(18)).buffer);

/** Where sign-outs are kept: shared by every instance on the same storage targets. */
export interface Revocations {
  isRevoked(sid: string): boolean;
  revoke(sid: string, expiresAt: number): Promise<void>;
}

export class Sessions {
  constructor(
    private readonly secret: string,
    private readonly now: () => number,
    private readonly revocations: Revocations,
  ) {}

  cookieOptions(secure: boolean) {
    return { path: '/admin', httpOnly: true, sameSite: 'Lax' as const, secure };
  }

  /** A new session for `user`: the Set-Cookie value and the session. */
  async create(user: string, secure: boolean): Promise<{ cookie: string; session: Session }> {
    const sid = randomToken();
    const expiresAt = this.now() + SESSION_TTL_MS;
    const value = `${encodeURIComponent(user)}:${sid}:${expiresAt}`;
    const cookie = await generateSignedCookie(SESSION_COOKIE, value, this.secret, {
      ...this.cookieOptions(secure),
      maxAge: SESSION_TTL_MS / 1000,
    });
    return { cookie, session: { user, sid, expiresAt, csrf: await this.csrfToken(sid) } };
  }

  /** The session of this request, if its cookie is genuine, unexpired, not revoked and for `user`. */
  async read(c: Context, user: string): Promise<Session | null> {
    const value = await getSignedCookie(c, this.secret, SESSION_COOKIE);
    if (typeof value !== 'string') return null;
    const [encodedUser, sid, expiry] = value.split(':');
    const expiresAt = Number(expiry);
    if (!encodedUser || !sid || !Number.isFinite(expiresAt) || expiresAt <= this.now()) return null;
    let sessionUser: string;
    try {
      sessionUser = decodeURIComponent(encodedUser);
    } catch {
      return null;
    }
    if (sessionUser !== user || this.revocations.isRevoked(sid)) return null;
    return { user: sessionUser, sid, expiresAt, csrf: await this.csrfToken(sid) };
  }

  /** Clears the cookie, and ends the session on every instance (the cookie may have been copied). */
  async revoke(c: Context, session: Session, secure: boolean): Promise<void> {
    deleteCookie(c, SESSION_COOKIE, this.cookieOptions(secure));
    await this.revocations.revoke(session.sid, session.expiresAt);
  }

  csrfToken(sid: string): Promise<string> {
    return hmac(this.secret, `csrf:${sid}`);
  }

  /** A token for the sign-in form, bound to a random nonce kept in a short-lived cookie (login CSRF). */
  async loginChallenge(secure: boolean): Promise<{ cookie: string; token: string }> {
    const nonce = randomToken();
    const cookie = await generateSignedCookie(LOGIN_COOKIE, nonce, this.secret, {
      path: '/admin',
      httpOnly: true,
      sameSite: 'Strict',
      secure,
      maxAge: 30 * 60,
    });
    return { cookie, token: await hmac(this.secret, `login:${nonce}`) };
  }

  async loginTokenValid(c: Context, token: string): Promise<boolean> {
    const nonce = await getSignedCookie(c, this.secret, LOGIN_COOKIE);
    if (typeof nonce !== 'string' || !token) return false;
    return constantTimeEqual(await hmac(this.secret, `login:${nonce}`), token);
  }
}
