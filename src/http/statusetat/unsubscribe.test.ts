/**
 * `/v1/unsubscribe?email=` removed anyone's address without a token (statusetat's bug). Now only
 * an admin or the address's signed link removes it; anyone else gets a page that says how.
 */
import { afterAll, beforeEach, beforeAll, describe, expect, it } from 'vitest';
import { listSubscribers, subscribe } from '../../domain/subscribers.ts';
import {
  ACTOR,
  ADMIN,
  createFixtureApp,
  fixtureConfig,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';
import { unsubscribeToken, unsubscribeUrl } from '../unsubscribe-link.ts';

const ADDRESS = 'ops@example.com';
const HTML = { accept: 'text/html' };
const BASIC = { authorization: `Basic ${btoa(`${ADMIN.username}:${ADMIN.password}`)}` };

describe('/v1/unsubscribe', () => {
  let f: FixtureApp;
  const request = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    f.app.request(`http://status.example.test${path}`, { method, headers });
  const subscribed = () => listSubscribers(f.domain).map((s) => s.display);

  beforeAll(async () => {
    const config = fixtureConfig();
    f = await createFixtureApp({
      ...config,
      base_info: { ...config.base_info, contact: 'mailto:ops-team@example.com' },
    });
  });
  beforeEach(async () => {
    await subscribe(f.domain, ACTOR, ADDRESS);
  });
  afterAll(() => f.stop());

  it('does not remove an address for an anonymous call: a page says how it can be removed', async () => {
    for (const [method, headers] of [
      ['GET', HTML],
      ['POST', {}],
      ['PUT', {}],
    ] as const) {
      const response = await request(`/v1/unsubscribe?email=${ADDRESS}`, headers, method);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const body = await response.text();
      expect(body).toContain('<h1>Unsubscribe</h1>');
      expect(body).toContain(`<strong>${ADDRESS}</strong> was not removed`);
      expect(body).toContain('This site does not send email yet');
      expect(body).toContain('<a href="mailto:ops-team@example.com">contact them</a>');
      expect(subscribed()).toEqual([ADDRESS]);
    }
  });

  it('does not remove an address with a token that is not its own', async () => {
    const other = await unsubscribeToken(f.config.cookie_key, 'someone-else@example.com');
    for (const token of [
      other,
      'forged',
      `${(await unsubscribeToken(f.config.cookie_key, ADDRESS)).slice(0, -2)}xx`,
    ]) {
      const body = await (
        await request(`/v1/unsubscribe?email=${ADDRESS}&token=${encodeURIComponent(token)}`, HTML)
      ).text();
      expect(body).toContain('This unsubscribe link is not the one for ops@example.com');
      expect(subscribed()).toEqual([ADDRESS]);
    }
  });

  it('still removes it with the signed link earlier versions showed after subscribing', async () => {
    const link = await unsubscribeUrl(f.config.base_info.base_url, f.config.cookie_key, ADDRESS);
    expect(link).toMatch(
      /^http:\/\/status\.example\.test\/v1\/unsubscribe\?email=ops%40example\.com&token=[\w-]{43}$/,
    );
    const done = await request(new URL(link).pathname + new URL(link).search, HTML);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(
      `<strong>${ADDRESS}</strong> is no longer on the subscriber list`,
    );
    expect(subscribed()).toEqual([]);
  });

  it('removes it for an admin, with statusetat’s text answer', async () => {
    const response = await request(`/v1/unsubscribe?email=${ADDRESS}`, BASIC, 'POST');
    expect([response.status, await response.text()]).toEqual([
      200,
      'you have successfully unsubscribed',
    ]);
    expect(subscribed()).toEqual([]);
  });

  it('still answers a missing or malformed address with statusetat’s text errors', async () => {
    const missing = await request('/v1/unsubscribe');
    expect([missing.status, await missing.text()]).toEqual([
      428,
      '428 Precondition Required: you must set an email',
    ]);
    const invalid = await request('/v1/unsubscribe?email=nope');
    expect(invalid.status).toBe(400);
  });
});
