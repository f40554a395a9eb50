/**
 * Which client a throttle counts: behind a trusted proxy the forwarded address, otherwise the
 * socket's, so a guesser can neither hide behind a spoofed header nor, through a shared proxy,
 * slow down everybody else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseProxyRange } from '../config/proxy-range.ts';
import { ConfigError, parseConfig } from '../config/parse.ts';
import {
  ADMIN,
  createFixtureApp,
  fixtureConfig,
  type FixtureApp,
} from '../../test/support/status-fixture.ts';
import { resolveClient } from './client-address.ts';

const ranges = ['10.0.0.0/8', '127.0.0.1', 'fd00::/8'].map(parseProxyRange);

describe('resolveClient', () => {
  it('takes the right-most address that is not a trusted proxy', () => {
    expect(resolveClient('10.1.2.3', '198.51.100.7', ranges)).toBe('198.51.100.7');
    // The client wrote the left part itself: only the hop our proxy added counts.
    expect(resolveClient('10.1.2.3', '1.2.3.4, 198.51.100.7', ranges)).toBe('198.51.100.7');
    // Two trusted proxies in a row.
    expect(resolveClient('127.0.0.1', '198.51.100.7, 10.9.9.9', ranges)).toBe('198.51.100.7');
    expect(resolveClient('::ffff:10.1.2.3', '2001:db8::1', ranges)).toBe('2001:db8::1');
    expect(resolveClient('fd00::5', '[2001:db8::2]:443', ranges)).toBe('2001:db8::2');
  });

  it('ignores the header from anyone who is not a trusted proxy', () => {
    expect(resolveClient('203.0.113.9', '10.1.1.1', ranges)).toBe('203.0.113.9');
    expect(resolveClient('10.1.2.3', '198.51.100.7', [])).toBe('10.1.2.3');
  });

  it('stops at a malformed hop instead of believing what is left of it', () => {
    expect(resolveClient('10.1.2.3', '198.51.100.7, not-an-address', ranges)).toBe('10.1.2.3');
  });
});

describe('trusted_proxies in the config', () => {
  it('refuses what is not an address or a range, naming the entry', () => {
    const yaml = 'targets: ["memory://proxies"]\ntrusted_proxies: ["10.0.0.0/33", "proxy.local"]\n';
    let error: unknown;
    try {
      parseConfig(yaml);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).message;
    expect(text).toContain('trusted_proxies[0]');
    expect(text).toContain('trusted_proxies[1]');
    expect(text).toContain('"proxy.local" is not an IP address');
  });
});

describe('throttling behind a reverse proxy', () => {
  let f: FixtureApp | undefined;
  afterEach(() => f?.stop());
  const viaProxy = (forwardedFor: string) => ({
    incoming: { socket: { remoteAddress: '10.0.0.2' } },
    forwardedFor,
  });

  async function audit(app: FixtureApp, password: string, forwardedFor: string) {
    const { incoming } = viaProxy(forwardedFor);
    const response = await app.app.request(
      'http://status.test/api/v1/audit',
      {
        headers: {
          Authorization: `Basic ${btoa(`${ADMIN.username}:${password}`)}`,
          'X-Forwarded-For': forwardedFor,
        },
      },
      { incoming },
    );
    return response.status;
  }

  it('counts the client behind a trusted proxy, so one guesser does not slow down the owner', async () => {
    f = await createFixtureApp(fixtureConfig({ extraYaml: 'trusted_proxies: [10.0.0.0/8]\n' }));
    for (let i = 0; i < 30; i++) await audit(f, `wrong-${i}`, '198.51.100.66');
    expect(await audit(f, ADMIN.password, '198.51.100.66')).toBe(429);
    expect(await audit(f, ADMIN.password, '203.0.113.10')).toBe(200);
  });

  it('without trusted proxies, a forged X-Forwarded-For does not give a guesser a fresh allowance', async () => {
    f = await createFixtureApp(fixtureConfig());
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await audit(f, `wrong-${i}`, `198.51.100.${i}`));
    expect(statuses.slice(-1)).toEqual([429]);
  });
});
