/**
 * Small helpers shared by the benchmarks: timing, percentiles, a progress line, a table.
 * Benchmarks print figures side by side from one run (ratios against a baseline), because
 * the machines they run on are shared and noisy; nothing here asserts a time.
 */

export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

export function percentile(sortedValues: number[], p: number): number {
  if (sortedValues.length === 0) return NaN;
  const index = Math.min(
    sortedValues.length - 1,
    Math.max(0, Math.ceil((p / 100) * sortedValues.length) - 1),
  );
  return sortedValues[index]!;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Operations per second for `count` operations that took `ms`. */
export const perSecond = (count: number, ms: number): number => (count / ms) * 1000;

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** One progress line on stderr, rewritten in place on a terminal and thinned to one a second otherwise. */
export function progress(label: string): (done: number, total: number) => void {
  let lastPrint = 0;
  return (done, total) => {
    const now = Date.now();
    const finished = done >= total;
    if (!finished && now - lastPrint < (process.stderr.isTTY ? 100 : 1000)) return;
    lastPrint = now;
    const line = `${label}: ${done}/${total} (${Math.round((done / total) * 100)}%)`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${finished ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };
}

/** A plain-text table: the first column left-aligned, the others right-aligned. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function printTable(headers: string[], rows: string[][]): void {
  console.log(formatTable(headers, rows));
}

/** A positive integer from the environment, for scaling a benchmark down on a small machine. */
export function envCount(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** bench/results.json, where each benchmark run on its own leaves its figures. */
export const RESULTS_FILE = new URL('./results.json', import.meta.url);

/**
 * Where this process writes its figures: bench/results.json, or the file `npm run bench` names in
 * BENCH_RESULTS, so that a benchmark another session runs meanwhile cannot mix its figures in.
 */
export const resultsFile = (): string | URL => process.env.BENCH_RESULTS || RESULTS_FILE;

/** A results file as an object: `{}` when it is missing or broken. */
export async function readResults(
  file: string | URL = resultsFile(),
): Promise<Record<string, unknown>> {
  const { readFile } = await import('node:fs/promises');
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    // First run, or a broken file: start over with this benchmark's figures.
    return {};
  }
}

export async function writeResults(
  results: Record<string, unknown>,
  file: string | URL = resultsFile(),
): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}

/** Write `value` under `key` in bench/results.json, keeping every other benchmark's figures. */
export async function mergeResults(key: string, value: unknown): Promise<void> {
  const results = await readResults();
  results[key] = value;
  await writeResults(results);
}
