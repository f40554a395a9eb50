/**
 * Target URIs, checked when the config is read: each through its driver's own `checkUri` (via
 * the runtime's registry), then against each other, since one store listed twice would count a
 * write twice toward the quorum while holding one copy.
 */
import type { UriCheck } from '../../storage-drivers/types.ts';

/** What the runtime's driver registry offers the config. */
export interface TargetChecker {
  schemes: readonly string[];
  check(target: string, context?: { baseDir?: string }): UriCheck;
}

/**
 * statusetat's `sqlite://:memory:` is not a valid URL (an empty host with the port ":memory:");
 * it is accepted and spelled the way the sqlite driver parses it.
 */
export function normalizeTarget(target: string): string {
  return target.trim() === 'sqlite://:memory:' ? 'sqlite::memory:' : target.trim();
}

/** Without a registry (tests of other layers), a target only has to parse. */
const parseOnly = (target: string): UriCheck => {
  try {
    return { problems: [], target: new URL(target).href };
  } catch {
    return { problems: ['not a URI (e.g. sqlite:///var/lib/staunch/staunch.db)'], target };
  }
};

/** The targets as the drivers will open them (relative paths resolved against `baseDir`); problems name `targets[i]`. */
export function checkTargets(
  targets: unknown,
  checker: TargetChecker | undefined,
  baseDir: string | undefined,
  problems: string[],
): string[] {
  if (!Array.isArray(targets)) return [];
  const firstWithIdentity = new Map<string, number>();
  return targets.map((target, i) => {
    if (typeof target !== 'string') return '';
    const written = normalizeTarget(target);
    const result = checker ? checker.check(written, { baseDir }) : parseOnly(written);
    for (const problem of result.problems) problems.push(`targets[${i}]: ${problem}`);
    if (result.problems.length === 0 && result.identity !== undefined) {
      const first = firstWithIdentity.get(result.identity);
      if (first === undefined) firstWithIdentity.set(result.identity, i);
      else {
        problems.push(
          `targets[${i}]: the same store as targets[${first}] (localhost, 127.0.0.1 and ::1 are one host; relative paths are resolved): ` +
            'each write would count twice toward write_quorum while only one copy exists; list it once',
        );
      }
    }
    return result.target;
  });
}
