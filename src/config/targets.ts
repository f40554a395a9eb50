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

const MIRROR_SCHEMES = ['file', 's3'];

/**
 * `mirror[i].to`: a folder or a bucket, checked by the file or s3 driver's own URI rules (relative
 * folders resolved like targets'). A mirror is not a target: it may sit in a target's bucket, under
 * another prefix, but never in the same folder or prefix, which would mix pages into records.
 */
export function checkMirrors(
  mirrors: unknown,
  checker: TargetChecker | undefined,
  baseDir: string | undefined,
  problems: string[],
): Array<string | undefined> {
  if (!Array.isArray(mirrors)) return [];
  return mirrors.map((entry: unknown, i) => {
    const to = (entry as { to?: unknown } | null)?.to;
    if (typeof to !== 'string' || to === '') return undefined;
    const scheme = /^([a-z0-9+.-]+):/i.exec(to.trim())?.[1]?.toLowerCase();
    if (!scheme || !MIRROR_SCHEMES.includes(scheme)) {
      problems.push(
        `mirror[${i}].to: ${scheme ? `scheme "${scheme}" cannot hold a mirror` : 'not a URI'}; use file:///folder or s3://KEY:SECRET@host/bucket[/prefix]`,
      );
      return undefined;
    }
    const result = checker ? checker.check(to.trim(), { baseDir }) : parseOnly(to.trim());
    for (const problem of result.problems) problems.push(`mirror[${i}].to: ${problem}`);
    return result.problems.length === 0 ? result.target : undefined;
  });
}
