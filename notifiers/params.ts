/**
 * Reading a notifier block's `params` the way statusetat's mapstructure decoding does: keys match
 * without regard to case (statusetat's README spells email's `from` as `From`), numbers may be
 * written as strings, and every problem is collected and named by its key instead of the first
 * one being thrown. Unknown keys are refused with a suggestion: a misspelt `endpont` that
 * statusetat silently ignored is the usual reason a channel "sends nothing".
 */
import type { ParamProblem, ParseResult } from './types.ts';

export class ParamReader {
  readonly problems: ParamProblem[] = [];
  private readonly values = new Map<string, unknown>();
  private readonly read = new Set<string>();

  constructor(params: unknown) {
    if (params === undefined || params === null) return;
    if (typeof params !== 'object' || Array.isArray(params)) {
      this.problems.push({ key: '(params)', message: 'must be a map of keys to values' });
      return;
    }
    for (const [key, value] of Object.entries(params)) {
      if (value !== null && value !== undefined) this.values.set(key.toLowerCase(), value);
    }
  }

  problem(key: string, message: string): void {
    this.problems.push({ key, message });
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  private take(key: string): unknown {
    this.read.add(key);
    return this.values.get(key);
  }

  string(key: string, fallback = ''): string {
    const value = this.take(key);
    if (value === undefined) return fallback;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.problem(key, 'must be a string');
    return fallback;
  }

  required(key: string, why: string): string {
    const value = this.string(key).trim();
    if (value === '' && !this.problems.some((problem) => problem.key === key))
      this.problem(key, `is required (${why})`);
    return value;
  }

  boolean(key: string, fallback = false): boolean {
    const value = this.take(key);
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    this.problem(key, 'must be true or false');
    return fallback;
  }

  integer(key: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.take(key);
    if (value === undefined || value === '') return fallback;
    const number =
      typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number)) {
      this.problem(key, 'must be a whole number');
      return fallback;
    }
    if (
      (range.min !== undefined && number < range.min) ||
      (range.max !== undefined && number > range.max)
    ) {
      this.problem(key, `must be between ${range.min ?? '-∞'} and ${range.max ?? '∞'}`);
      return fallback;
    }
    return number;
  }

  /** A duration in milliseconds: a number of seconds, or `500ms`, `5s`, `2m`. */
  duration(key: string, fallbackMs: number, maxMs: number): number {
    const value = this.take(key);
    if (value === undefined || value === '') return fallbackMs;
    const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(value).trim());
    if (!match) {
      this.problem(key, `"${String(value)}" is not a duration (use e.g. 500ms, 5s, 1m)`);
      return fallbackMs;
    }
    const ms = Number(match[1]) * ({ ms: 1, s: 1000, m: 60_000 }[match[2] ?? 's'] ?? 1000);
    if (ms < 100 || ms > maxMs) {
      this.problem(key, `must be between 100ms and ${maxMs / 1000}s`);
      return fallbackMs;
    }
    return ms;
  }

  stringList(key: string): string[] {
    const value = this.take(key);
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      this.problem(key, 'must be a list of strings');
      return [];
    }
    return value as string[];
  }

  stringMap(key: string): Record<string, string> {
    const value = this.take(key);
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problem(key, 'must be a map of names to strings');
      return {};
    }
    const out: Record<string, string> = {};
    for (const [name, item] of Object.entries(value)) {
      if (typeof item !== 'string') this.problem(`${key}.${name}`, 'must be a string');
      else out[name] = item;
    }
    return out;
  }

  /** An http(s) URL; the problem never repeats the value, which often holds a token. */
  url(key: string, options: { required: boolean; why?: string }): string {
    const value = options.required
      ? this.required(key, options.why ?? 'the URL to send to')
      : this.string(key).trim();
    if (value === '') return '';
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.problem(key, 'is not a URL (e.g. https://hooks.example.com/...)');
      return '';
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      this.problem(key, `must be an http or https URL, not ${parsed.protocol}`);
      return '';
    }
    return value;
  }

  /** The result, with every key that no reader asked for refused. */
  finish<P>(params: P, known: readonly string[] = []): ParseResult<P> {
    const expected = [...this.read, ...known];
    for (const key of this.values.keys()) {
      if (this.read.has(key) || known.includes(key)) continue;
      const near = expected.find((candidate) => closeEnough(candidate, key));
      this.problem(
        key,
        `unknown param${near ? ` (did you mean "${near}"?)` : ''}; known: ${expected.sort().join(', ')}`,
      );
    }
    return this.problems.length > 0 ? { ok: false, problems: this.problems } : { ok: true, params };
  }
}

/** Edit distance of at most 2, enough for a typo. */
function closeEnough(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[b.length]! <= 2;
}
