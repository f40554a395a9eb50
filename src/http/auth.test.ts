import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/domain-fixtures.ts';
import { createAuthenticator, hasScope } from './auth.ts';
import { AUTH } from '../../test/support/test-app.ts';

const auth = createAuthenticator(testConfig());

describe('createAuthenticator', () => {
  it('knows the admin user (every scope) and rejects a wrong password or user', async () => {
    const admin = await auth.authenticate(AUTH.admin);
    expect(admin?.actor).toEqual({ type: 'user', name: 'admin' });
    expect(['read', 'write:incidents', 'admin'].every((s) => hasScope(admin!, s as never))).toBe(
      true,
    );
    expect(await auth.authenticate(AUTH.wrongPassword)).toBeNull();
    expect(await auth.authenticate(`Basic ${btoa('root:s3cret-password')}`)).toBeNull();
    expect(await auth.authenticate(`basic ${btoa('admin:s3cret-password')}`)).not.toBeNull();
  });

  it('knows tokens given in clear or as SHA-256, with their scopes, and only by their name', async () => {
    const reader = await auth.authenticate(AUTH.reader);
    expect(reader?.actor).toEqual({ type: 'token', name: 'reader' });
    expect(hasScope(reader!, 'read')).toBe(true);
    expect(hasScope(reader!, 'write:incidents')).toBe(false);
    const hashed = await auth.authenticate(AUTH.hashedWriter);
    expect(hashed?.actor.name).toBe('hashed-writer');
    expect(hasScope(hashed!, 'read')).toBe(true);
    expect(hasScope(hashed!, 'admin')).toBe(false);
    expect(JSON.stringify(hashed)).not.toContain('hashed-token');
  });

  it('rejects missing, malformed and unknown credentials', async () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      AUTH.unknownToken,
      'Basic',
      'Basic !!!',
      `Basic ${btoa('no-colon')}`,
      'Digest x',
      'reader-token-0123456789',
    ]) {
      expect(await auth.authenticate(header), String(header)).toBeNull();
    }
  });

  it('never accepts an empty password, even when the config has none', async () => {
    const open = createAuthenticator({ ...testConfig(), password: '' });
    expect(await open.authenticate(`Basic ${btoa('admin:')}`)).toBeNull();
  });
});
