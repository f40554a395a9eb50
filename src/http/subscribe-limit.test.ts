/** Anonymous subscriptions are limited per client, on the page's form and `/v1/subscribe` together. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSubscribers } from '../domain/subscribers.ts';
import {
  createFixtureApp,
  fixtureConfig,
  type FixtureApp,
} from '../../test/support/status-fixture.ts';
import { recordingMail } from '../../test/support/subscription-mail.ts';

const ORIGIN = 'http://status.test';
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

describe('subscription limits', () => {
  let f: FixtureApp;
  beforeEach(async () => {
    f = await createFixtureApp(fixtureConfig(), { subscriptions: { mail: recordingMail().queue } });
  });
  afterEach(() => f.stop());

  const viaApi = (email: string, address: string) =>
    Promise.resolve(
      f.app.request(`${ORIGIN}/v1/subscribe?email=${encodeURIComponent(email)}`, {}, from(address)),
    );
  const viaForm = (email: string, address: string) =>
    Promise.resolve(
      f.app.request(
        `${ORIGIN}/subscribe`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN },
          body: `email=${encodeURIComponent(email)}`,
        },
        from(address),
      ),
    );

  it('answers anonymous /v1/subscribe with 429 and Retry-After after 10 subscriptions an hour from one address, storing nothing more', async () => {
    for (let i = 0; i < 10; i++)
      expect((await viaApi(`user${i}@example.com`, '203.0.113.9')).status).toBe(202);
    const refused = await viaApi('one-too-many@example.com', '203.0.113.9');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { status: number }).status).toBe(429);
    expect(listSubscribers(f.domain).map((s) => s.display)).not.toContain(
      'one-too-many@example.com',
    );
    expect((await viaApi('neighbour@example.com', '203.0.113.10')).status).toBe(202);

    f.clock.now += 60 * 60_000;
    expect((await viaApi('one-too-many@example.com', '203.0.113.9')).status).toBe(202);
    expect(listSubscribers(f.domain)).toHaveLength(12);
  });

  it('shares the count with the page form, so switching surfaces does not start over', async () => {
    for (let i = 0; i < 5; i++)
      expect((await viaForm(`form${i}@example.com`, '198.51.100.4')).status).toBe(200);
    for (let i = 0; i < 5; i++)
      expect((await viaApi(`api${i}@example.com`, '198.51.100.4')).status).toBe(202);
    expect((await viaApi('more@example.com', '198.51.100.4')).status).toBe(429);
    expect((await viaForm('more@example.com', '198.51.100.4')).status).toBe(429);
  });
});
