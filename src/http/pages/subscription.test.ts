/**
 * Subscribing on the page: the form (errors beside their fields, one answer whoever is already
 * subscribed), the confirmation link (GET asks, POST confirms; tampered or expired refused with a
 * page), RFC 8058 unsubscribe (GET never unsubscribes, the one-click POST does) and the manage
 * page (changes the scope).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSubscribers, requestSubscription } from '../../domain/subscribers.ts';
import {
  ACTOR,
  createFixtureApp,
  fixtureConfig,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';
import { recordingMail } from '../../../test/support/subscription-mail.ts';

const ORIGIN = 'http://status.example.test';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe('subscribing on the page', () => {
  let f: FixtureApp;
  let mail: ReturnType<typeof recordingMail>;
  beforeEach(async () => {
    mail = recordingMail();
    f = await createFixtureApp(fixtureConfig({ components: 4, groups: 2 }), {
      subscriptions: { mail: mail.queue },
    });
  });
  afterEach(() => f.stop());

  const request = (path: string, init: RequestInit = {}) =>
    Promise.resolve(f.app.request(path.startsWith('http') ? path : `${ORIGIN}${path}`, init));
  const signUp = (body: string) =>
    request('/subscribe', { method: 'POST', headers: { ...FORM, Origin: ORIGIN }, body });
  const linkOf = (kind: 'confirm' | 'unsubscribe' | 'manage') =>
    mail.links().find((l) => l.includes(`/subscription/${kind}?`))!;
  const component = () => f.domain.settings.components[0]!.id;

  it('shows the form with an optional choice of components, and signs up pending with one confirmation mail', async () => {
    const page = await (await request('/')).text();
    expect(page).toContain('<form method="post" action="/subscribe#subscribe"');
    expect(page).toContain('<summary>Only some components</summary>');
    expect(page).toContain(`name="components" value="${component()}"`);
    expect(page).toContain('name="groups" value="Website"');

    const answer = await signUp(
      `email=Ann%40Example.com&components=${encodeURIComponent(component())}`,
    );
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('A message is on its way to Ann@example.com');
    expect(listSubscribers(f.domain)).toMatchObject([
      { state: 'pending', scope: { components: [component()], groups: [] } },
    ]);
    expect(mail.sent).toHaveLength(1);
    expect(mail.sent[0]!.subject).toBe('Confirm your subscription to Acme Cloud status');
    expect(mail.sent[0]!.to.address).toBe('Ann@example.com');
    expect(mail.sent[0]!.to.unsubscribeUrl).toMatch(
      /^http:\/\/status\.example\.test\/subscription\/unsubscribe\?/,
    );
    expect(linkOf('confirm')).toMatch(
      /^http:\/\/status\.example\.test\/subscription\/confirm\?id=ann%40example\.com&expires=\d+&token=/,
    );
  });

  it('answers an address that is already subscribed like a new one, and mails it its manage link instead', async () => {
    await requestSubscription(
      f.domain,
      ACTOR,
      { kind: 'email', address: 'ops@example.com' },
      { confirmed: true },
    );
    const answer = await signUp(`email=ops%40example.com&groups=Website`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('A message is on its way to ops@example.com');
    expect(listSubscribers(f.domain)[0]!.scope).toEqual({ components: [], groups: [] });
    expect(mail.sent.map((m) => m.subject)).toEqual([
      'You are already subscribed to Acme Cloud status',
    ]);
    expect(linkOf('manage')).toBeDefined();
  });

  it('puts each error beside its field and keeps what was typed and chosen', async () => {
    const bad = await signUp('email=not-an-address&groups=Ghosts');
    expect(bad.status).toBe(400);
    const body = await bad.text();
    expect(body).toContain('value="not-an-address"');
    expect(body).toMatch(/aria-invalid="true" aria-describedby="subscribe-error"/);
    expect(body).toContain(
      '<p class="error-text" id="subscribe-error">Please enter a valid email address',
    );
    expect(body).toContain(
      '<p class="error-text" id="subscribe-scope-error">&quot;Ghosts&quot; is not a group of this page',
    );
    expect(listSubscribers(f.domain)).toEqual([]);
    expect(mail.sent).toEqual([]);
  });

  it('confirms only by POST: the GET asks, the POST confirms, a second click is fine', async () => {
    await signUp('email=ann%40example.com');
    const link = linkOf('confirm');
    const ask = await request(link);
    expect(ask.status).toBe(200);
    const askText = await ask.text();
    expect(askText).toContain('<h1>Confirm your subscription</h1>');
    expect(askText).toContain('every incident and maintenance');
    expect(listSubscribers(f.domain)[0]!.state).toBe('pending');
    const action = /<form method="post" action="([^"]+)"/.exec(askText)![1]!.replace(/&amp;/g, '&');
    const done = await request(action, { method: 'POST', headers: { Accept: 'text/html' } });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('<h1>Subscribed</h1>');
    expect(listSubscribers(f.domain)[0]!.state).toBe('confirmed');
    expect((await request(link)).status).toBe(200);
  });

  it('refuses a tampered confirmation link with 400 and an expired one with 410, each with a page saying so', async () => {
    await signUp('email=ann%40example.com');
    const link = new URL(linkOf('confirm'));
    const tampered = new URL(link);
    tampered.searchParams.set('token', `${link.searchParams.get('token')!.slice(0, -2)}xx`);
    const moved = new URL(link);
    moved.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 3_600_000));
    for (const url of [tampered, moved])
      for (const method of ['GET', 'POST']) {
        const answer = await request(url.href, { method });
        expect(answer.status).toBe(400);
        expect(await answer.text()).toContain('This confirmation link is not valid');
      }
    f.clock.now += 48 * 3_600_000;
    const late = await request(link.href, { method: 'POST' });
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('This link has expired');
    expect(listSubscribers(f.domain)[0]!.state).toBe('pending');
  });

  it('never unsubscribes on a GET; the one-click POST does, with no other input', async () => {
    await requestSubscription(
      f.domain,
      ACTOR,
      { kind: 'email', address: 'ops@example.com' },
      { confirmed: true },
    );
    await signUp('email=ops%40example.com');
    const link = linkOf('unsubscribe');
    for (let i = 0; i < 3; i++) {
      const page = await request(link);
      expect(page.status).toBe(200);
      const text = await page.text();
      expect(text).toContain('Stop sending status notices to <strong>ops@example.com</strong>?');
      expect(text).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click"/>');
    }
    expect(listSubscribers(f.domain)).toHaveLength(1);

    // A mail client's RFC 8058 POST: from no page of this site, no cookie, only the body.
    const oneClick = await request(link, {
      method: 'POST',
      headers: FORM,
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain('<h1>Unsubscribed</h1>');
    expect(listSubscribers(f.domain)).toEqual([]);
    // The link dies with the subscription, even if the address signs up again.
    await requestSubscription(
      f.domain,
      ACTOR,
      { kind: 'email', address: 'ops@example.com' },
      { confirmed: true },
    );
    const again = await request(link, {
      method: 'POST',
      headers: FORM,
      body: 'List-Unsubscribe=One-Click',
    });
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('This link is not valid');
    expect(listSubscribers(f.domain)).toHaveLength(1);
  });

  it('changes the scope on the manage page, and refuses a tampered manage link', async () => {
    await requestSubscription(
      f.domain,
      ACTOR,
      { kind: 'email', address: 'ops@example.com' },
      { confirmed: true },
    );
    await signUp('email=ops%40example.com');
    const link = linkOf('manage');
    const page = await (await request(link)).text();
    expect(page).toContain('Notices for <strong>ops@example.com</strong>');
    expect(page).not.toMatch(/checked/);

    const saved = await request(link, {
      method: 'POST',
      headers: FORM,
      body: `components=${encodeURIComponent(component())}&groups=API`,
    });
    expect(saved.status).toBe(303);
    expect(listSubscribers(f.domain)[0]!.scope).toEqual({
      components: [component()],
      groups: ['API'],
    });
    const after = await (await request(saved.headers.get('location')!)).text();
    expect(after).toContain('Saved.');
    expect(after).toContain(`value="${component()}" id="manage-g0c0" checked=""`);

    const refused = await request(link, { method: 'POST', headers: FORM, body: 'components=Nope' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('&quot;Nope&quot; is not a component of this page');
    const tampered = link.replace(/token=[^&]+/, 'token=forged');
    expect((await request(tampered)).status).toBe(404);
    expect((await request(tampered, { method: 'POST', headers: FORM, body: '' })).status).toBe(404);
    expect(listSubscribers(f.domain)[0]!.scope.groups).toEqual(['API']);
  });
});

describe('subscribing on a page that cannot mail', () => {
  it('offers no form and refuses a sign-up with 409, saying why', async () => {
    const f = await createFixtureApp(fixtureConfig());
    try {
      const page = await (await f.app.request(`${ORIGIN}/`)).text();
      expect(page).not.toContain('action="/subscribe');
      expect(page).toContain('This site does not send email');
      const answer = await f.app.request(`${ORIGIN}/subscribe`, {
        method: 'POST',
        headers: { ...FORM, Origin: ORIGIN },
        body: 'email=ops%40example.com',
      });
      expect(answer.status).toBe(409);
      expect(await answer.text()).toContain('so a subscription could not be confirmed');
      expect(listSubscribers(f.domain)).toEqual([]);
    } finally {
      await f.stop();
    }
  });
});
