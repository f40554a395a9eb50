/**
 * What every driver's `checkUri` shares: problems are collected, not thrown one at a time, so a
 * config with several mistakes in one target is fixed in one round; the same checks run again
 * when the driver is created, which then throws them all at once.
 */
import { StorageError, type DriverName, type UriCheck } from './types.ts';
import { redactUri } from './utils.ts';

/** The closest candidate to a misspelt word, if one is close enough to be what was meant. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  // Two edits catch the usual typos (fsyn, regoin); more would suggest unrelated words for short ones.
  return best !== undefined && bestDistance <= Math.max(1, Math.min(2, Math.floor(word.length / 3)))
    ? best
    : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const swap =
        i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]
          ? previous[j - 2]!
          : Infinity;
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        swap,
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** ` (did you mean "x"?)`, or nothing when no candidate is close. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const match = didYouMean(word, candidates);
  return match ? ` (did you mean "${match}"?)` : '';
}

/** One problem per query parameter the driver does not know, with the closest known one. */
export function unknownParameters(uri: URL, known: readonly string[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const name of uri.searchParams.keys()) {
    if (known.includes(name) || seen.has(name)) continue;
    seen.add(name);
    problems.push(
      `unknown parameter "${name}"${suggestion(name, known)}${known.length > 0 ? `; known: ${known.join(', ')}` : ' (this driver takes none)'}`,
    );
  }
  return problems;
}

/** A positive number parameter; `problems` gets a message when it is set but is not one. */
export function numberParameter(
  uri: URL,
  name: string,
  problems: string[],
  { integer = false, min = 1 } = {},
): number | undefined {
  const raw = uri.searchParams.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    (integer && !Number.isInteger(value))
  ) {
    problems.push(
      `${name}=${JSON.stringify(raw)} is not ${integer ? 'a whole number' : 'a number'} of at least ${min}`,
    );
    return undefined;
  }
  return value;
}

/** A parameter that takes one of a few words. */
export function choiceParameter<T extends string>(
  uri: URL,
  name: string,
  choices: readonly T[],
  problems: string[],
): T | undefined {
  const raw = uri.searchParams.get(name);
  if (raw === null) return undefined;
  const value = raw.toLowerCase() as T;
  if (choices.includes(value)) return value;
  problems.push(
    `${name}=${JSON.stringify(raw)} is not one of ${choices.join(', ')}${suggestion(raw, choices)}`,
  );
  return undefined;
}

const LOOPBACK = new Set([
  'localhost',
  '127.0.0.1',
  '::1',
  '[::1]',
  '0:0:0:0:0:0:0:1',
  'localhost.localdomain',
]);

/** The host as two targets reaching the same server would both spell it: loopback names are one host. */
export function hostIdentity(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return LOOPBACK.has(host) ? 'localhost' : host;
}

/** The check's result, for drivers that found no target to rewrite. */
export function uriCheck(uri: URL, problems: string[], identity?: string): UriCheck {
  return { problems, target: uri.href, identity };
}

/** Throws every problem found in one error, for a driver created without a config check first. */
export function throwProblems(driver: DriverName, uri: URL, problems: readonly string[]): void {
  if (problems.length > 0)
    throw new StorageError(driver, 'INVALID_URI', `${problems.join('; ')} in ${redactUri(uri)}`);
}
