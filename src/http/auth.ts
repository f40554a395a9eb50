/**
 * Who is calling: the admin user (HTTP Basic with the configured username/password, every scope)
 * or an API token from `api_tokens` (`Authorization: Bearer <token>`, its configured scopes).
 *
 * Secrets are compared as SHA-256 digests in constant time, so neither the length nor the first
 * differing byte of a guess shows in the timing, and tokens are only ever held hashed. Nothing
 * here logs a credential; actors carry the token's configured name, never its value.
 */
import type { Config } from '../config/parse.ts';
import type { Actor } from '../domain/types.ts';
import { TOKEN_ACCOUNT, userAccount } from './credential-throttle.ts';

export type Scope = 'read' | 'write:incidents' | 'admin';

export interface Principal {
  actor: Actor;
  scopes: ReadonlySet<Scope>;
}

export interface Authenticator {
  /** The principal behind an `Authorization` header, or null when it is missing or wrong. */
  authenticate(authorization: string | undefined): Promise<Principal | null>;
}

const encoder = new TextEncoder();

export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map((byte) => parseInt(byte, 16)));
}

/** Equal-length digests compared without an early exit. */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ (b[i] ?? 0);
  return difference === 0;
}

/** `admin` holds every scope; a token that may write may also read. */
export function hasScope(principal: Principal, needed: Scope): boolean {
  if (principal.scopes.has('admin')) return true;
  if (needed === 'read') return principal.scopes.size > 0;
  return principal.scopes.has(needed);
}

const ALL_SCOPES: ReadonlySet<Scope> = new Set(['read', 'write:incidents', 'admin']);

function decodeBasic(encoded: string): { user: string; password: string } | null {
  try {
    const decoded = new TextDecoder().decode(
      Uint8Array.from(atob(encoded), (ch) => ch.charCodeAt(0)),
    );
    const colon = decoded.indexOf(':');
    return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  } catch {
    return null;
  }
}

/** The account an `Authorization` header tries, for throttling failures: its Basic user, or the tokens. */
export function credentialAccount(authorization: string): string {
  const [scheme = '', credentials = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'basic') return userAccount(decodeBasic(credentials)?.user ?? '');
  return TOKEN_ACCOUNT;
}

export function createAuthenticator(
  config: Pick<Config, 'username' | 'password' | 'api_tokens'>,
): Authenticator {
  const admin = Promise.all([sha256(config.username), sha256(config.password)]);
  const tokens = Promise.all(
    config.api_tokens.map(async (token) => ({
      name: token.name,
      scopes: new Set<Scope>(token.scopes),
      digest: token.sha256 ? hexToBytes(token.sha256) : await sha256(token.token ?? ''),
      usable: Boolean(token.sha256 || token.token),
    })),
  );

  return {
    async authenticate(authorization) {
      if (!authorization) return null;
      const [scheme = '', credentials = ''] = authorization.trim().split(/\s+/, 2);
      if (scheme.toLowerCase() === 'basic') {
        const basic = decodeBasic(credentials);
        if (!basic) return null;
        const [user, password] = await admin;
        const [givenUser, givenPassword] = await Promise.all([
          sha256(basic.user),
          sha256(basic.password),
        ]);
        // Both halves are always compared, so a right user name with a wrong password takes as long as anything else.
        const userOk = digestsEqual(user, givenUser);
        const passwordOk = digestsEqual(password, givenPassword);
        return userOk && passwordOk && config.password
          ? { actor: { type: 'user', name: config.username }, scopes: ALL_SCOPES }
          : null;
      }
      if (scheme.toLowerCase() === 'bearer' && credentials) {
        const given = await sha256(credentials);
        let match: Principal | null = null;
        for (const token of await tokens) {
          if (digestsEqual(token.digest, given) && token.usable && !match)
            match = { actor: { type: 'token', name: token.name }, scopes: token.scopes };
        }
        return match;
      }
      return null;
    },
  };
}
