/**
 * The caller of an API request, through the shared credential throttle: a client that failed
 * too often is answered "wait" before its credentials are even checked, so a correct guess
 * cannot be told apart from a wrong one while it is blocked.
 */
import type { Context } from 'hono';
import { credentialAccount, type Authenticator, type Principal } from './auth.ts';
import type { CredentialThrottle } from './credential-throttle.ts';
import { clientAddress } from './rate-limit.ts';

export type RequestAuth =
  { principal: Principal } | { principal: null; retryAfterSeconds?: number };

export async function authenticateRequest(
  c: Context,
  auth: Authenticator,
  throttle: CredentialThrottle,
): Promise<RequestAuth> {
  const authorization = c.req.header('authorization');
  // No credentials is not a guess: anonymous callers are told to authenticate, not throttled.
  if (!authorization) return { principal: null };
  const address = clientAddress(c);
  const wait = throttle.blockedFor(address);
  if (wait > 0) return { principal: null, retryAfterSeconds: Math.ceil(wait / 1000) };
  const principal = await auth.authenticate(authorization);
  if (!principal) {
    throttle.failed(address, credentialAccount(authorization));
    return { principal: null };
  }
  throttle.succeeded(address);
  return { principal };
}
