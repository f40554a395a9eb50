/** Subscribers: double opt-in on an injected clock, scopes, normalisation, duplicates, statusetat's records. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../notifiers/types.ts';
import {
  ADMIN,
  startReplicas,
  TEST_NOW,
  testContext,
  type Replicas,
  type TestClock,
} from '../../test/support/domain-fixtures.ts';
import type { DomainContext } from './context.ts';
import {
  confirmSubscription,
  listSubscribers,
  pruneExpiredSubscribers,
  requestSubscription,
  setSubscriberScope,
  subscriberRecipients,
  unsubscribe,
  type SubscriberLinks,
} from './subscribers.ts';
import type { Actor, Subscriber } from './types.ts';

const VISITOR: Actor = { type: 'public', name: 'visitor' };
const HOUR = 3_600_000;
const links: SubscriberLinks = {
  unsubscribe: (s) => `https://status.example.test/u/${s.id}/${s.nonce}`,
  manage: (s) => `https://status.example.test/m/${s.id}/${s.nonce}`,
};

let replicas: Replicas | undefined;
afterEach(async () => {
  await replicas?.stop();
  replicas = undefined;
});

async function setup(instances = 1): Promise<{ ctxs: DomainContext[]; clock: TestClock }> {
  const clock: TestClock = { now: TEST_NOW };
  replicas = await startReplicas(instances, 2, () => clock.now);
  return { ctxs: replicas.stores.map((s) => testContext(s, undefined, () => clock.now)), clock };
}

/** A notice about the given component ids (`group - name` or a bare name), incident or maintenance. */
function notice(components: string[], isScheduled = false): Pick<Notification, 'incident'> {
  return {
    incident: {
      components: components.map((id) => {
        const [group, name] = id.includes(' - ') ? id.split(' - ') : ['', id];
        return { group: group!, name: name! };
      }),
      isScheduled,
    } as Notification['incident'],
  };
}

const signUp = (ctx: DomainContext, address: string, scope = {}, kind = 'email' as const) =>
  requestSubscription(ctx, VISITOR, { kind, address, scope }, { confirmed: false });

const addresses = async (ctx: DomainContext, components: string[], maintenance = false) =>
  subscriberRecipients(ctx.store, notice(components, maintenance), 'email', links).map(
    (r) => r.address,
  );

describe('double opt-in', () => {
  it('keeps a visitor pending, sending nothing, until the confirmation, which must come in time', async () => {
    const { ctxs, clock } = await setup();
    const ctx = ctxs[0]!;
    const { outcome, subscriber } = await signUp(ctx, 'Ann@Example.COM');
    expect(outcome).toBe('pending');
    expect(subscriber).toMatchObject({
      id: 'ann@example.com',
      address: 'Ann@example.com',
      state: 'pending',
      expires_at: new Date(TEST_NOW + 48 * HOUR).toISOString(),
    });
    expect(await addresses(ctx, ['Public - API'])).toEqual([]);

    clock.now += 47 * HOUR;
    await confirmSubscription(ctx, subscriber.id, subscriber.nonce);
    expect(listSubscribers(ctx)[0]).toMatchObject({ state: 'confirmed' });
    expect(listSubscribers(ctx)[0]!.expires_at).toBeUndefined();
    expect(await addresses(ctx, ['Public - API'])).toEqual(['Ann@example.com']);
    // A second click on the same link is not an error.
    await expect(confirmSubscription(ctx, subscriber.id, subscriber.nonce)).resolves.toMatchObject({
      state: 'confirmed',
    });
  });

  it('refuses a confirmation after the configured time, and prunes the expired sign-up', async () => {
    const { ctxs, clock } = await setup();
    const ctx = ctxs[0]!;
    const { subscriber } = await requestSubscription(
      ctx,
      VISITOR,
      { kind: 'email', address: 'late@example.com' },
      { confirmed: false, confirmWithinMs: 2 * HOUR },
    );
    clock.now += 2 * HOUR;
    await expect(confirmSubscription(ctx, subscriber.id, subscriber.nonce)).rejects.toMatchObject({
      reason: 'expired',
    });
    expect(await addresses(ctx, ['Public - API'])).toEqual([]);
    // Someone else's sign-up removes it; so does the periodic prune.
    await signUp(ctx, 'next@example.com');
    expect(listSubscribers(ctx).map((s) => s.id)).toEqual(['next@example.com']);
    clock.now += 49 * HOUR;
    expect(await pruneExpiredSubscribers(ctx)).toBe(1);
    expect(listSubscribers(ctx)).toEqual([]);
  });

  it('refuses a link of an earlier sign-up once the address signed up again, and after unsubscribing', async () => {
    const { ctxs } = await setup();
    const ctx = ctxs[0]!;
    const first = (await signUp(ctx, 'twice@example.com')).subscriber;
    const second = (await signUp(ctx, 'twice@example.com')).subscriber;
    expect(second.nonce).not.toBe(first.nonce);
    await expect(confirmSubscription(ctx, first.id, first.nonce)).rejects.toMatchObject({
      reason: 'unknown',
    });
    await unsubscribe(ctx, VISITOR, 'twice@example.com');
    await expect(confirmSubscription(ctx, second.id, second.nonce)).rejects.toMatchObject({
      reason: 'unknown',
    });
  });

  it("never lets a visitor change a confirmed subscriber's scope: the sign-up is answered, nothing is written", async () => {
    const { ctxs } = await setup();
    const ctx = ctxs[0]!;
    await requestSubscription(
      ctx,
      ADMIN,
      { kind: 'email', address: 'ops@example.com', scope: { components: ['Public - API'] } },
      { confirmed: true },
    );
    const outcomes: string[] = [];
    const again = await requestSubscription(
      ctx,
      VISITOR,
      { kind: 'email', address: 'OPS@example.com', scope: { groups: ['Internal'] } },
      { confirmed: false, extra: (_s, outcome) => (outcomes.push(outcome), []) },
    );
    expect([again.outcome, ...outcomes]).toEqual(['unchanged', 'unchanged']);
    expect(listSubscribers(ctx)[0]!.scope).toEqual({ components: ['Public - API'], groups: [] });
  });
});

describe('scope', () => {
  it('sends a notice to subscribers of its components or their group, incidents and maintenance alike', async () => {
    const { ctxs } = await setup();
    const ctx = ctxs[0]!;
    const add = (address: string, scope: object) =>
      requestSubscription(ctx, ADMIN, { kind: 'email', address, scope }, { confirmed: true });
    await add('all@example.com', {});
    await add('api@example.com', { components: ['Public - API'] });
    await add('public@example.com', { groups: ['Public'] });
    await add('db@example.com', { components: ['Internal - Database'] });
    await add('alone@example.com', { components: ['Standalone'] });

    for (const maintenance of [false, true]) {
      expect(await addresses(ctx, ['Public - API'], maintenance)).toEqual([
        'all@example.com',
        'api@example.com',
        'public@example.com',
      ]);
      expect(await addresses(ctx, ['Public - Website'], maintenance)).toEqual([
        'all@example.com',
        'public@example.com',
      ]);
      expect(await addresses(ctx, ['Internal - Database', 'Standalone'], maintenance)).toEqual([
        'all@example.com',
        'alone@example.com',
        'db@example.com',
      ]);
    }
  });

  it('gives each recipient its own links, and marks webhook recipients untrusted', async () => {
    const { ctxs } = await setup();
    const ctx = ctxs[0]!;
    const { subscriber } = await requestSubscription(
      ctx,
      ADMIN,
      { kind: 'webhook', address: 'https://hooks.example.com/status?t=1' },
      { confirmed: true },
    );
    const [recipient] = subscriberRecipients(ctx.store, notice(['Standalone']), 'webhook', links);
    expect(recipient).toEqual({
      address: 'https://hooks.example.com/status?t=1',
      unsubscribeUrl: `https://status.example.test/u/${subscriber.id}/${subscriber.nonce}`,
      manageUrl: `https://status.example.test/m/${subscriber.id}/${subscriber.nonce}`,
      untrusted: true,
    });
    expect(await addresses(ctx, ['Standalone'])).toEqual([]);
  });

  it('changes a scope, refusing unknown components and groups by position', async () => {
    const { ctxs } = await setup();
    const ctx = ctxs[0]!;
    const { subscriber } = await requestSubscription(
      ctx,
      ADMIN,
      { kind: 'email', address: 'me@example.com' },
      { confirmed: true },
    );
    await setSubscriberScope(ctx, VISITOR, subscriber.id, {
      components: ['Standalone', 'Standalone'],
    });
    expect(await addresses(ctx, ['Public - API'])).toEqual([]);
    expect(await addresses(ctx, ['Standalone'])).toEqual(['me@example.com']);
    await expect(
      setSubscriberScope(ctx, VISITOR, subscriber.id, {
        components: ['Public - API', 'Nope'],
        groups: ['Ghosts'],
      }),
    ).rejects.toMatchObject({
      code: 'invalid',
      details: [
        { path: 'components[1]', message: '"Nope" is not a component of this page' },
        { path: 'groups[0]', message: '"Ghosts" is not a group of this page' },
      ],
    });
    await expect(
      requestSubscription(
        ctx,
        VISITOR,
        { kind: 'email', address: 'x@example.com', scope: { groups: ['Ghosts'] } },
        { confirmed: false },
      ),
    ).rejects.toMatchObject({ details: [{ path: 'groups[0]' }] });
    expect(listSubscribers(ctx)).toHaveLength(1);
  });
});

describe('addresses', () => {
  it('normalises webhook URLs so one endpoint is one subscriber, and refuses what cannot be one', async () => {
    const { ctxs } = await setup();
    const ctx = ctxs[0]!;
    const add = (address: string) =>
      requestSubscription(ctx, ADMIN, { kind: 'webhook', address }, { confirmed: true });
    const first = await add(' HTTPS://Hooks.Example.COM:443/in?x=1#frag ');
    expect(first.subscriber.address).toBe('https://hooks.example.com/in?x=1');
    expect(first.subscriber.id).toMatch(/^webhook~[0-9a-f]+$/);
    expect((await add('https://hooks.example.com/in?x=1')).outcome).toBe('unchanged');
    expect((await add('https://hooks.example.com/in?x=2')).outcome).toBe('created');
    for (const [url, message] of [
      ['ftp://hooks.example.com/', 'the URL uses ftp: only http and https are allowed'],
      ['javascript:alert(1)', 'the URL uses javascript: only http and https are allowed'],
      ['https://user:pw@hooks.example.com/', 'the URL holds a user name or password'],
      ['not a url', 'the URL is not a URL'],
      [`https://example.com/${'a'.repeat(2000)}`, 'the URL is longer than 2000 characters'],
    ] as const)
      await expect(add(url)).rejects.toMatchObject({
        details: [{ path: 'url', message: expect.stringContaining(message) as string }],
      });
    expect(listSubscribers(ctx)).toHaveLength(2);
  });

  it('keeps one record when two instances sign the same address up at once', async () => {
    const { ctxs } = await setup(2);
    await Promise.all([signUp(ctxs[0]!, 'race@example.com'), signUp(ctxs[1]!, 'RACE@example.com')]);
    await replicas!.exchange();
    for (const ctx of ctxs)
      expect(listSubscribers(ctx).map((s) => s.id)).toEqual(['race@example.com']);
  });
});

describe("statusetat's records", () => {
  it('reads a record without state, kind or scope as a confirmed email subscriber to everything', async () => {
    const { ctxs } = await setup();
    const ctx = ctxs[0]!;
    await ctx.store.write([
      {
        kind: 'subscriber',
        id: 'bob@x.io',
        body: { email: 'Bob <bob@x.io>', created_at: '2024-01-02T03:04:05Z' },
      },
    ]);
    const [bob] = listSubscribers(ctx);
    expect(bob).toEqual<Subscriber>({
      id: 'bob@x.io',
      kind: 'email',
      address: 'bob@x.io',
      display: 'Bob <bob@x.io>',
      state: 'confirmed',
      scope: { components: [], groups: [] },
      created_at: '2024-01-02T03:04:05Z',
      nonce: '',
    });
    expect(await addresses(ctx, ['Internal - Database'], true)).toEqual(['bob@x.io']);
    await unsubscribe(ctx, VISITOR, 'BOB@x.io');
    expect(listSubscribers(ctx)).toEqual([]);
  });
});
