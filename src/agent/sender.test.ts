import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { systemClock } from './clock.ts';
import type { Fetch } from './http-fetch.ts';
import { AppSender, appLabel } from './sender.ts';

const body = (n: number) => ({ sequence: n, body: new Uint8Array([n]) });

describe('AppSender', () => {
  it('while the app fails, keeps only the newest snapshot and sends that one when it answers', async () => {
    const seen: number[] = [];
    let up = false;
    const fetch: Fetch = async (_url, init) => {
      const sequence = init!.body![0]!;
      if (!up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      seen.push(sequence);
      return { status: 202, ok: true, text: async () => '{}' };
    };
    const sender = new AppSender(
      {
        url: 'https://user:secret@status.example/',
        token: 't'.repeat(16),
        timeoutMs: 100,
        backoffInitialMs: 5,
        backoffMaxMs: 10,
        userAgent: 'test',
        fetch,
      },
      systemClock,
      silentLogger,
    );
    for (let n = 1; n <= 5; n += 1) {
      sender.offer(body(n));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(sender.snapshotStatus()).toMatchObject({
      pending: true,
      lastError: 'connect ECONNREFUSED',
    });
    up = true;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([5]);
    expect(sender.snapshotStatus()).toMatchObject({ pending: false, failures: 0, lastSequence: 5 });
    expect(sender.app).toBe('https://status.example');
    sender.stop();
  });

  it('an app label never carries credentials a URL holds', () => {
    expect(appLabel('https://a:b@status.example:8443/base/')).toBe(
      'https://status.example:8443/base',
    );
  });
});
