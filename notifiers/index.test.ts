import { describe, expect, it } from 'vitest';
import { CHECKED_DEFINITIONS } from './checks.ts';
import { NOTIFIER_DEFINITIONS } from './index.ts';
import { WORKER_NOTIFIER_DEFINITIONS } from './index.worker.ts';

const types = (list: readonly { type: string }[]) =>
  list.map((definition) => definition.type).sort();

describe('channel lists', () => {
  it('Node runs every channel; the config check knows exactly the same types', () => {
    expect(types(NOTIFIER_DEFINITIONS)).toEqual([
      'apprise',
      'discord',
      'email',
      'grafana_annotation',
      'ntfy',
      'plugin',
      'slack',
      'teams',
      'webhook',
    ]);
    expect(types(CHECKED_DEFINITIONS)).toEqual(types(NOTIFIER_DEFINITIONS));
  });

  it('the Worker runs every fetch-based channel and nothing that needs Node', () => {
    expect(types(WORKER_NOTIFIER_DEFINITIONS)).toEqual(
      types(NOTIFIER_DEFINITIONS.filter((definition) => definition.runtimes.includes('worker'))),
    );
    expect(types(WORKER_NOTIFIER_DEFINITIONS)).not.toContain('email');
    expect(types(WORKER_NOTIFIER_DEFINITIONS)).not.toContain('plugin');
  });
});
