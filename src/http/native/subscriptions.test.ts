/**
 * Webhook subscribers through the native API: an admin adds one confirmed at once; anyone may
 * ask for one, which stays pending until the receiver POSTs back the signed link it was sent.
 * URLs that resolve to private, loopback or link-local addresses are refused unless allowed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSubscribers } from '../../domain/subscribers.ts';
import { testConfig } from '../../../test/support/domain-fixtures.ts';
import {
  startRecordingReceiver,
  type RecordingReceiver,
} from '../../../test/support/recording-receiver.ts';
import { AUTH, startTestApp, type TestApp } from '../../../test/support/test-app.ts';

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

describe('webhook subscribers', () => {
  let t: TestApp;
  let receiver: RecordingReceiver;
  afterEach(async () => {
    await t?.stop();
    await receiver?.close();
  });

  describe('on a page that allows private addresses (a lab)', () => {
    beforeEach(async () => {
      receiver = await startRecordingReceiver();
      const config = testConfig();
      t = await startTestApp({
        config: {
          ...config,
          subscriptions: { ...config.subscriptions, webhooks: { allow_private: true } },
        },
      });
    });

    it('sends a public sign-up one signed challenge and confirms it when the receiver POSTs back', async () => {
      const answer = await t.request('/api/v1/subscriptions', {
        ...json({ webhook: `${receiver.url}/hooks/in?key=secret`, groups: ['Public'] }),
      });
      expect(answer.status).toBe(202);
      const body = (await answer.json()) as { id: string; state: string; challenge: string };
      expect(body).toMatchObject({ state: 'pending', challenge: 'delivered' });
      expect(receiver.requests).toHaveLength(1);
      const [challenge] = receiver.requests;
      expect(challenge!.path).toBe('/hooks/in?key=secret');
      const sent = challenge!.body as {
        type: string;
        confirm_url: string;
        subscriber_id: string;
        groups: string[];
      };
      expect(sent).toMatchObject({
        type: 'subscription.confirm',
        subscriber_id: body.id,
        groups: ['Public'],
      });
      expect(listSubscribers({ store: t.replicas.stores[0]! })[0]!.state).toBe('pending');

      const url = new URL(sent.confirm_url);
      const tampered = await t.request(
        `${url.pathname}${url.search.replace(/token=[^&]+/, 'token=x')}`,
        {
          method: 'POST',
          headers: { Accept: 'application/json' },
        },
      );
      expect(tampered.status).toBe(400);
      const confirmed = await t.request(`${url.pathname}${url.search}`, {
        method: 'POST',
        headers: { Accept: 'application/json' },
      });
      expect(confirmed.status).toBe(200);
      expect(await confirmed.json()).toEqual({ id: body.id, state: 'confirmed' });
      const listed = (await (
        await t.request('/api/v1/subscribers', { auth: AUTH.root })
      ).json()) as unknown[];
      expect(listed).toEqual([
        expect.objectContaining({
          id: body.id,
          kind: 'webhook',
          url: `${receiver.url}/…`,
          state: 'confirmed',
          groups: ['Public'],
        }),
      ]);
      expect(JSON.stringify(listed)).not.toContain('secret');
    });

    it('says when the challenge could not be delivered, and keeps the sign-up pending', async () => {
      receiver.answer(() => ({ status: 500, body: 'down' }));
      const answer = await t.request(
        '/api/v1/subscriptions',
        json({ webhook: `${receiver.url}/x` }),
      );
      expect(answer.status).toBe(202);
      expect(((await answer.json()) as { challenge: string }).challenge).toMatch(
        /^not delivered: POST http:\/\/127\.0\.0\.1:\d+: HTTP 500/,
      );
      expect(listSubscribers({ store: t.replicas.stores[0]! })[0]!.state).toBe('pending');
    });
  });

  describe('on a public page', () => {
    beforeEach(async () => {
      receiver = await startRecordingReceiver();
      t = await startTestApp();
    });

    it('refuses URLs that point inside the network, or are not http(s), naming the field', async () => {
      for (const webhook of [
        `${receiver.url}/in`,
        'http://10.1.2.3/in',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]:8080/',
        'http://localhost/in',
        'ftp://hooks.example.com/',
      ]) {
        for (const [path, auth] of [
          ['/api/v1/subscriptions', undefined],
          ['/api/v1/subscribers', AUTH.root],
        ] as const) {
          const answer = await t.request(path, { ...json({ webhook }), ...(auth ? { auth } : {}) });
          expect(answer.status, `${path} ${webhook}`).toBe(400);
          const error = ((await answer.json()) as { error: { details: { path: string }[] } }).error;
          expect(error.details[0]!.path).toBe('url');
        }
      }
      expect(receiver.requests).toEqual([]);
      expect(listSubscribers({ store: t.replicas.stores[0]! })).toEqual([]);
    });

    it('lets an admin add a public webhook confirmed at once, change its scope, and remove it by id', async () => {
      const added = await t.request('/api/v1/subscribers', {
        ...json({ webhook: 'https://93.184.215.14/hook', components: ['Public - API'] }),
        auth: AUTH.root,
      });
      expect(added.status).toBe(201);
      const { id } = (await added.json()) as { id: string };
      expect(listSubscribers({ store: t.replicas.stores[0]! })).toMatchObject([
        { id, kind: 'webhook', state: 'confirmed', scope: { components: ['Public - API'] } },
      ]);
      const scoped = await t.request(`/api/v1/subscribers/${encodeURIComponent(id)}/scope`, {
        method: 'PUT',
        json: { groups: ['Internal'] },
        auth: AUTH.root,
      });
      expect(scoped.status).toBe(200);
      expect(await scoped.json()).toMatchObject({ id, components: [], groups: ['Internal'] });
      const unknown = await t.request(`/api/v1/subscribers/${encodeURIComponent(id)}/scope`, {
        method: 'PUT',
        json: { groups: ['Ghosts'] },
        auth: AUTH.root,
      });
      expect(unknown.status).toBe(400);
      expect(
        ((await unknown.json()) as { error: { details: { path: string }[] } }).error.details,
      ).toEqual([expect.objectContaining({ path: 'groups[0]' })]);
      expect(
        (
          await t.request(`/api/v1/subscribers/${encodeURIComponent(id)}`, {
            method: 'DELETE',
            auth: AUTH.root,
          })
        ).status,
      ).toBe(204);
      expect(listSubscribers({ store: t.replicas.stores[0]! })).toEqual([]);
    });

    it('limits public sign-ups per client, with the page form', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++)
        statuses.push(
          (await t.request('/api/v1/subscriptions', json({ webhook: `http://10.0.0.${i}/` })))
            .status,
        );
      // Refused URLs count too: the answers tell how names resolve, so probing is limited as well.
      expect(statuses).toEqual([...Array<number>(10).fill(400), 429]);
    });
  });
});
