/** The `subscriptions` keys: defaults, durations, and problems that name the key. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './parse.ts';

const problemsOf = (yaml: string): string[] => {
  try {
    parseConfig(`targets: [memory://]\n${yaml}`);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('subscriptions config', () => {
  it('defaults to 48 hours to confirm and no private webhook targets', () => {
    expect(parseConfig('targets: [memory://]').subscriptions).toEqual({
      confirm_within: 48 * 3_600_000,
      webhooks: { allow_private: false },
    });
    expect(
      parseConfig(
        'targets: [memory://]\nsubscriptions: { confirm_within: 2h, webhooks: { allow_private: true } }',
      ).subscriptions,
    ).toEqual({ confirm_within: 7_200_000, webhooks: { allow_private: true } });
  });

  it('names the key of each problem', () => {
    expect(problemsOf('subscriptions: { confirm_within: 1m }')).toEqual([
      expect.stringMatching(
        /^subscriptions\.confirm_within: "1m" is too short: the minimum is 10m \(/,
      ),
    ]);
    expect(problemsOf('subscriptions: { confirm_witin: 2h }')).toEqual([
      expect.stringMatching(
        /^subscriptions\.confirm_witin: unknown key \(did you mean "confirm_within"\?\)/,
      ),
    ]);
    expect(problemsOf('subscriptions: { webhooks: { allow_private: yes please } }')).toEqual([
      expect.stringMatching(/^subscriptions\.webhooks\.allow_private: /),
    ]);
  });
});
