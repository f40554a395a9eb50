/** The admin's Subscribers screen: state (pending, expired, confirmed), scope, webhooks by origin only, removal by id. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSubscribers, requestSubscription } from '../../domain/subscribers.ts';
import type { CookieJar } from '../../../test/support/status-fixture.ts';
import {
  ACTOR,
  adminPost,
  createFixtureApp,
  fixtureConfig,
  signIn,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';

const ORIGIN = 'http://status.test';

describe('admin Subscribers screen', () => {
  let f: FixtureApp;
  beforeEach(async () => {
    f = await createFixtureApp(fixtureConfig({ components: 4, groups: 2 }));
  });
  afterEach(() => f.stop());

  const page = async (jar: CookieJar) =>
    (
      await f.app.request(`${ORIGIN}/admin/subscribers`, { headers: { Cookie: jar.header() } })
    ).text();

  it('shows each subscriber with its state and scope, never a webhook token, and removes one by id', async () => {
    const api = f.domain.settings.components[0]!.id;
    await requestSubscription(
      f.domain,
      ACTOR,
      { kind: 'email', address: 'ops@example.com', scope: { components: [api] } },
      { confirmed: true },
    );
    await requestSubscription(
      f.domain,
      ACTOR,
      { kind: 'email', address: 'new@example.com', scope: { groups: ['API'] } },
      { confirmed: false },
    );
    const hook = await requestSubscription(
      f.domain,
      ACTOR,
      { kind: 'webhook', address: 'https://hooks.example.com/in/SECRET-TOKEN?key=abc' },
      { confirmed: true },
    );
    f.clock.now += 1000;
    await requestSubscription(
      f.domain,
      ACTOR,
      { kind: 'email', address: 'late@example.com' },
      { confirmed: false, confirmWithinMs: 600_000 },
    );
    f.clock.now += 3_600_000;

    const session = await signIn(f.app);
    const text = await page(session.jar);
    expect(text).toContain('4 in total, 2 not confirmed');
    expect(text).toContain(
      `<td>ops@example.com</td><td>email</td><td>confirmed</td><td>${api}</td>`,
    );
    expect(text).toMatch(
      /<td>new@example\.com<\/td><td>email<\/td><td>pending, until [^<]+<\/td><td>group API<\/td>/,
    );
    expect(text).toContain(
      '<td>late@example.com</td><td>email</td><td>expired (not confirmed)</td><td>everything</td>',
    );
    expect(text).toContain('<td>https://hooks.example.com/…</td><td>webhook</td>');
    expect(text).not.toContain('SECRET-TOKEN');
    expect(text).not.toContain('key=abc');

    const csrf = /name="_csrf" value="([^"]+)"/.exec(text)![1]!;
    const removed = await adminPost(
      f.app,
      '/admin/subscribers/remove',
      { jar: session.jar, csrf },
      { id: hook.subscriber.id },
    );
    expect(removed.status).toBe(303);
    expect(listSubscribers(f.domain).map((s) => s.kind)).toEqual(['email', 'email', 'email']);
  });
});
