import { describe, expect, it } from 'vitest';
import { NotifierStartError, type NotifierDefinition } from '../../notifiers/types.ts';
import type { ConfigError } from '../config/parse.ts';
import { parseConfig } from '../config/parse.ts';
import { silentLogger } from '../logger.ts';
import { startReplicas } from '../../test/support/domain-fixtures.ts';
import { createOutbox } from './outbox.ts';

const base = `
username: admin
password: s3cret-password
targets: [memory://outbox-config]
`;

describe('outbox configuration', () => {
  it('has defaults that retry for a day', () => {
    expect(parseConfig(base).outbox).toEqual({
      lease: 120_000,
      timeout: 10_000,
      retry_for: 86_400_000,
      retry_base: 10_000,
      retry_max: 3_600_000,
      concurrency: 4,
      poll_interval: 1000,
      retention: 7 * 86_400_000,
      catch_up: 6 * 3_600_000,
    });
  });

  it('refuses a lease shorter than two timeouts, and a retry window under a minute, naming the key', () => {
    const problems = (yaml: string) => {
      try {
        parseConfig(`${base}${yaml}`);
        return '';
      } catch (error) {
        return (error as ConfigError).problems.join('\n');
      }
    };
    expect(problems('outbox:\n  retry_for: 30s\n')).toMatch(/outbox\.retry_for: .*too short/);
    expect(problems('outbox:\n  lease: 15s\n  timeout: 10s\n')).toMatch(
      /outbox\.lease: must be at least twice outbox\.timeout/,
    );
  });
});

const starting = (fail: boolean): NotifierDefinition<Record<string, unknown>> => ({
  type: 'plugin',
  runtimes: ['node'],
  parse: (params) => ({ ok: true, params: params as Record<string, unknown> }),
  create: (_params, _environment, name) => ({
    type: 'plugin',
    name,
    perRecipient: false,
    wants: () => true,
    send: () => Promise.resolve({ response: 'ok' }),
    start: () =>
      fail
        ? Promise.reject(new NotifierStartError('path', 'no such executable'))
        : Promise.resolve(),
  }),
});

describe('createOutbox', () => {
  it('builds one channel per block and stops the start with a config error when one cannot start', async () => {
    const replicas = await startReplicas(1);
    try {
      const config = parseConfig(
        `${base}notifiers:\n  - type: plugin\n    params:\n      path: /nowhere/plugin\n`,
      );
      const ok = createOutbox({
        config,
        store: replicas.stores[0]!,
        definitions: [starting(false)],
        logger: silentLogger,
        timers: false,
      });
      expect(ok.service.channels).toEqual([{ name: 'plugin-1', type: 'plugin' }]);
      expect(ok.canMail).toBe(false);
      await ok.start();
      await ok.stop();
      const broken = createOutbox({
        config,
        store: replicas.stores[0]!,
        definitions: [starting(true)],
        logger: silentLogger,
        timers: false,
      });
      await expect(broken.start()).rejects.toMatchObject({
        problems: ['notifiers[0].params.path: no such executable'],
      });
    } finally {
      await replicas.stop();
    }
  });
});
