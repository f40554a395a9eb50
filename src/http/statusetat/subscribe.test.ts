/**
 * statusetat's `/v1/subscribe` for its two kinds of callers: an admin's client subscribes an
 * address at once (201, as statusetat did); anyone else signs up like the page's form (202,
 * pending, one confirmation mail), and `/v1/subscribers` lists only who receives mail.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSubscribers } from '../../domain/subscribers.ts';
import {
  ADMIN,
  createFixtureApp,
  fixtureConfig,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';
import { recordingMail } from '../../../test/support/subscription-mail.ts';

const ORIGIN = 'http://status.example.test';
const BASIC = { Authorization: `Basic ${btoa(`${ADMIN.username}:${ADMIN.password}`)}` };

describe('/v1/subscribe', () => {
  let f: FixtureApp;
  let mail: ReturnType<typeof recordingMail>;
  beforeEach(async () => {
    mail = recordingMail();
    f = await createFixtureApp(fixtureConfig(), { subscriptions: { mail: mail.queue } });
  });
  afterEach(() => f.stop());

  const call = (path: string, headers: Record<string, string> = {}) =>
    Promise.resolve(f.app.request(`${ORIGIN}${path}`, { method: 'PUT', headers }));

  it('confirms at once for an admin and asks anyone else to confirm by mail', async () => {
    expect((await call('/v1/subscribe?email=ops@example.com', BASIC)).status).toBe(201);
    const anonymous = await call('/v1/subscribe?email=visitor@example.com');
    expect([anonymous.status, await anonymous.text()]).toEqual([202, '']);
    expect(listSubscribers(f.domain).map((s) => `${s.address}:${s.state}`)).toEqual([
      'ops@example.com:confirmed',
      'visitor@example.com:pending',
    ]);
    expect(mail.sent.map((m) => [m.to.address, m.subject])).toEqual([
      ['visitor@example.com', 'Confirm your subscription to Acme Cloud status'],
    ]);
    const listed = await f.app.request(`${ORIGIN}/v1/subscribers`, { headers: BASIC });
    expect(await listed.json()).toEqual(['ops@example.com']);
  });
});
