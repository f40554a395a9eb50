/**
 * Password and token guessing on every surface that takes credentials (the sign-in form, Basic
 * and bearer on `/api/v1` and `/v1`), on the app's clock: a guesser is slowed to a trickle, the
 * owner is never locked out, and the limits end with their window.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN,
  CookieJar,
  createFixtureApp,
  fixtureConfig,
  type FixtureApp,
} from '../../test/support/status-fixture.ts';

const ORIGIN = 'http://status.test';
const TOKEN = 'reader-token-0123456789abcdef';
const basic = (password: string, username = ADMIN.username) =>
  `Basic ${btoa(`${username}:${password}`)}`;
/** What @hono/node-server hands the app: the socket the request came on. */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

describe('credential throttling', () => {
  let f: FixtureApp;
  beforeEach(async () => {
    f = await createFixtureApp(
      fixtureConfig({
        extraYaml: `api_tokens:\n  - name: reader\n    token: ${TOKEN}\n    scopes: [read]\n`,
      }),
    );
  });
  afterEach(() => f.stop());

  const api = (path: string, authorization: string, address: string) =>
    Promise.resolve(
      f.app.request(
        `${ORIGIN}${path}`,
        { headers: { Authorization: authorization } },
        from(address),
      ),
    );

  async function signIn(
    address: string,
    password: string,
    username = ADMIN.username,
  ): Promise<Response> {
    const jar = new CookieJar();
    const page = await f.app.request(`${ORIGIN}/admin/login`, {}, from(address));
    jar.update(page);
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    return f.app.request(
      `${ORIGIN}/admin/login`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Origin: ORIGIN,
          Cookie: jar.header(),
        },
        body: new URLSearchParams({ _csrf: token, username, password, next: '/admin/' }).toString(),
      },
      from(address),
    );
  }

  it('answers 429 with Retry-After to a Basic guesser on /api/v1/audit after 5 failures, the right password included, until the window ends', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 500; i++)
      statuses.push((await api('/api/v1/audit', basic(`guess-${i}`), '203.0.113.7')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);

    const blocked = await api('/api/v1/audit', basic(ADMIN.password), '203.0.113.7');
    expect(blocked.status).toBe(429);
    const body = (await blocked.json()) as { error: { code: string } };
    expect(body.error.code).toBe('rate_limited');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);

    f.clock.now += retryAfter * 1000;
    expect((await api('/api/v1/audit', basic(ADMIN.password), '203.0.113.7')).status).toBe(200);
  });

  it('lets the owner sign in from a new address while guesses are sprayed from many others, each of them getting one guess', async () => {
    for (let i = 0; i < 40; i++)
      expect((await signIn(`198.51.100.${i}`, `guess-${i}`)).status).toBe(401);
    // The account is under attack: an address that never signed in is blocked by its first failure...
    expect((await signIn('198.51.100.30', 'another-guess')).status).toBe(429);
    // ...but the account is not locked: the right password from an address not seen before works.
    const owner = await signIn('192.0.2.10', ADMIN.password);
    expect(owner.status).toBe(303);
    expect(owner.headers.getSetCookie().some((c) => c.startsWith('staunch_session='))).toBe(true);
    // A known address keeps its allowance for typos during the attack.
    for (let i = 0; i < 4; i++) expect((await signIn('192.0.2.10', 'typo')).status).toBe(401);
    expect((await signIn('192.0.2.10', ADMIN.password)).status).toBe(303);
  });

  it('counts failures across surfaces: Basic on /v1, bearer tokens on /api/v1 and the sign-in form share one allowance', async () => {
    const address = '203.0.113.50';
    expect(
      (
        await f.app.request(
          `${ORIGIN}/v1/subscribers`,
          { headers: { Authorization: basic('x') } },
          from(address),
        )
      ).status,
    ).toBe(401);
    expect(
      (
        await f.app.request(
          `${ORIGIN}/v1/subscribers`,
          { headers: { Authorization: basic('y') } },
          from(address),
        )
      ).status,
    ).toBe(401);
    expect((await api('/api/v1/audit', 'Bearer not-the-token-at-all', address)).status).toBe(401);
    expect((await api('/api/v1/audit', 'Bearer still-not-the-token', address)).status).toBe(401);
    expect((await signIn(address, 'guess')).status).toBe(401);
    const v1 = await f.app.request(
      `${ORIGIN}/v1/subscribers`,
      { headers: { Authorization: basic(ADMIN.password) } },
      from(address),
    );
    expect(v1.status).toBe(429);
    expect(Number(v1.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api('/api/v1/audit', `Bearer ${TOKEN}`, address)).status).toBe(429);
    expect((await signIn(address, ADMIN.password)).status).toBe(429);
    // Somebody else, with the right token, is not affected.
    expect((await api('/api/v1/incidents', `Bearer ${TOKEN}`, '192.0.2.99')).status).toBe(200);
  });

  it('treats the addresses of one IPv6 /64 as one client', async () => {
    for (let i = 0; i < 5; i++)
      expect((await api('/api/v1/audit', basic(`g${i}`), `2001:db8:1:2::${i + 1}`)).status).toBe(
        401,
      );
    expect((await api('/api/v1/audit', basic('g'), '2001:db8:1:2:ffff::9')).status).toBe(429);
    expect((await api('/api/v1/audit', basic(ADMIN.password), '2001:db8:1:3::1')).status).toBe(200);
  });

  it('does not count requests without credentials, or right credentials lacking a scope, as guesses', async () => {
    for (let i = 0; i < 10; i++)
      expect((await f.app.request(`${ORIGIN}/api/v1/audit`, {}, from('203.0.113.80'))).status).toBe(
        401,
      );
    for (let i = 0; i < 10; i++)
      expect((await api('/api/v1/audit', `Bearer ${TOKEN}`, '203.0.113.80')).status).toBe(403);
    expect((await api('/api/v1/audit', basic(ADMIN.password), '203.0.113.80')).status).toBe(200);
  });
});
