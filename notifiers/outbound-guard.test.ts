import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { EVENTS, testEnvironment } from '../test/support/notification-fixtures.ts';
import { startRecordingReceiver } from '../test/support/recording-receiver.ts';
import { resolveHost } from './dns-resolve.node.ts';
import {
  blockedRange,
  checkOutboundUrl,
  OutboundRefused,
  type ResolveHost,
} from './outbound-guard.ts';
import { NotifierError } from './types.ts';
import { webhookDefinition } from './webhook.ts';

const refuses = async (url: string, resolve?: ResolveHost) => {
  const error = await checkOutboundUrl(url, { allowPrivate: false, resolve }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, url).toBeInstanceOf(OutboundRefused);
  return (error as Error).message;
};

describe('outbound guard for visitor-supplied URLs', () => {
  it.each([
    ['http://127.0.0.1:8080/hook', /loopback/],
    ['http://127.8.9.1/hook', /loopback/],
    ['http://10.1.2.3/hook', /private \(RFC 1918\)/],
    ['http://172.16.0.9/hook', /private/],
    ['http://192.168.1.1/hook', /private/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://100.64.0.1/hook', /carrier-grade NAT/],
    ['http://[::1]/hook', /loopback/],
    ['http://[fd00::1]/hook', /unique-local/],
    ['http://[fc00::1]/hook', /unique-local/],
    ['http://[fe80::1]/hook', /link-local/],
    ['http://[::ffff:127.0.0.1]/hook', /loopback/],
    ['http://0.0.0.0/hook', /not public/],
    ['http://localhost:3000/hook', /loopback/],
  ])('refuses %s', async (url, reason) => {
    expect(await refuses(url, resolveHost)).toMatch(reason);
  });

  it.each([
    'ftp://example.com/x',
    'file:///etc/passwd',
    'gopher://example.com',
    'javascript:alert(1)',
  ])('refuses the non-http scheme of %s', async (url) => {
    expect(await refuses(url)).toMatch(/only http and https/);
  });

  it('refuses a host name that resolves to a private address, with the real resolver and an injected one', async () => {
    // This machine's own name resolves to a loopback or private address in /etc/hosts.
    const own = hostname();
    const addresses = await resolveHost(own);
    expect(addresses.some((address) => blockedRange(address) !== undefined)).toBe(true);
    expect(await refuses(`http://${own}:8080/hook`, resolveHost)).toMatch(
      /resolves to an address that is (loopback|private)/,
    );
    const resolve: ResolveHost = async (host) =>
      host === 'hooks.evil.test' ? ['93.184.215.14', '10.0.0.7'] : [];
    expect(await refuses('https://hooks.evil.test/x', resolve)).toMatch(
      /resolves to an address that is private/,
    );
    expect(await refuses('https://nowhere.test/x', resolve)).toMatch(/does not resolve/);
  });

  it('accepts public addresses, and private ones when the operator allows them', async () => {
    const resolve: ResolveHost = async () => ['93.184.215.14'];
    await expect(
      checkOutboundUrl('https://hooks.example.com/x', { allowPrivate: false, resolve }),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      checkOutboundUrl('http://8.8.8.8/x', { allowPrivate: false }),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      checkOutboundUrl('http://127.0.0.1:9/x', { allowPrivate: true }),
    ).resolves.toBeInstanceOf(URL);
    await expect(checkOutboundUrl('ftp://127.0.0.1/x', { allowPrivate: true })).rejects.toThrow(
      /only http and https/,
    );
  });

  it('a webhook subscriber on a private address gets nothing, and the failure is final', async () => {
    const receiver = await startRecordingReceiver();
    try {
      const definition = webhookDefinition(resolveHost);
      const parsed = definition.parse({ secret: 'signing-secret-0123456789' });
      if (!parsed.ok) throw new Error('refused');
      const notifier = definition.create(parsed.params, testEnvironment(), 'subscribers');
      const error = await notifier
        .send(EVENTS['incident.created']!, {
          idempotencyKey: 'k',
          signal: new AbortController().signal,
          recipient: { address: `${receiver.url}/steal`, untrusted: true },
        })
        .catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(NotifierError);
      expect((error as NotifierError).retryable).toBe(false);
      expect((error as NotifierError).message).toMatch(
        /subscriber URL refused: the address is loopback/,
      );
      expect(receiver.requests).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('does not follow a subscriber URL that redirects (it could lead inside the network)', async () => {
    const receiver = await startRecordingReceiver();
    try {
      receiver.answer(() => ({ status: 302, body: '' }));
      const definition = webhookDefinition(resolveHost);
      const parsed = definition.parse({ allow_private_addresses: true });
      if (!parsed.ok) throw new Error('refused');
      const notifier = definition.create(parsed.params, testEnvironment(), 'subscribers');
      const error = await notifier
        .send(EVENTS['incident.created']!, {
          idempotencyKey: 'k',
          signal: new AbortController().signal,
          recipient: { address: `${receiver.url}/moved`, untrusted: true },
        })
        .catch((reason: unknown) => reason);
      expect((error as NotifierError).message).toMatch(/answered a redirect \(HTTP 302\)/);
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});
