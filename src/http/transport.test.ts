/** What /readyz tells whom, and Strict-Transport-Security over HTTPS. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFixtureApp,
  fixtureConfig,
  type FixtureApp,
} from '../../test/support/status-fixture.ts';

const TOKEN = 'reader-token-0123456789abcdef';

let f: FixtureApp | undefined;
afterEach(async () => {
  await f?.stop();
  f = undefined;
});

describe('/readyz', () => {
  it("gives anonymous probes the verdict and counts, and the targets' locations only to a read token or the admin", async () => {
    f = await createFixtureApp(
      fixtureConfig({
        extraYaml: `api_tokens:\n  - name: reader\n    token: ${TOKEN}\n    scopes: [read]\n`,
      }),
    );
    const locations = f.store.targets().map((t) => t.location);
    expect(locations.length).toBeGreaterThan(0);

    const anonymous = await f.app.request('http://status.test/readyz');
    expect(anonymous.status).toBe(200);
    const text = await anonymous.text();
    for (const location of locations) expect(text).not.toContain(location);
    expect(JSON.parse(text)).toMatchObject({
      status: 'ready',
      writable_targets: locations.length,
      target_count: locations.length,
    });
    expect(
      (JSON.parse(text) as { targets: object[] }).targets.every(
        (t) => Object.keys(t).sort().join() === 'driver,latency_ms,state',
      ),
    ).toBe(true);

    for (const authorization of [
      `Bearer ${TOKEN}`,
      `Basic ${btoa('admin:correct horse battery staple')}`,
    ]) {
      const detailed = (await (
        await f.app.request('http://status.test/readyz', {
          headers: { Authorization: authorization },
        })
      ).json()) as { targets: { target: string; refused_records: number }[] };
      expect(detailed.targets.map((t) => t.target)).toEqual(locations);
      expect(detailed.targets.map((t) => t.refused_records)).toEqual(locations.map(() => 0));
    }
    // A wrong credential is a guess like any other, and sees the summary.
    expect(
      await (
        await f.app.request('http://status.test/readyz', {
          headers: { Authorization: 'Bearer wrong-token-0123456789' },
        })
      ).text(),
    ).not.toContain(locations[0]!);
  });
});

describe('Strict-Transport-Security', () => {
  it('is sent on answers served over https, and not over plain http', async () => {
    f = await createFixtureApp(fixtureConfig());
    for (const path of ['/', '/api/v2/summary.json', '/admin/login', '/healthz']) {
      expect(
        (await f.app.request(`https://status.test${path}`)).headers.get(
          'strict-transport-security',
        ),
        path,
      ).toBe('max-age=31536000');
      expect(
        (await f.app.request(`http://status.test${path}`)).headers.get('strict-transport-security'),
        path,
      ).toBeNull();
    }
  });

  it('is sent on every answer when this server terminates TLS itself', async () => {
    f = await createFixtureApp(
      fixtureConfig({
        extraYaml: 'tls:\n  cert_file: /etc/staunch/tls.crt\n  key_file: /etc/staunch/tls.key\n',
      }),
    );
    expect(
      (await f.app.request('http://status.test/')).headers.get('strict-transport-security'),
    ).toBe('max-age=31536000');
  });
});
