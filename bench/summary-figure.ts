/**
 * One figure of the bench summary as a table row: its value and baseline in their unit, the
 * ratio, and whether its goal is met; plus the defensive readers the summary uses on
 * bench/results.json, where any key may be missing or of another shape.
 */
import { formatNumber } from './lib.ts';

export type Met = 'yes' | 'no' | 'not measured' | '-';

export interface SummaryRow {
  figure: string;
  staunch: string;
  baseline: string;
  ratio: string;
  goal: string;
  /** `-` when the issue asks only for the figure to be reported. */
  met: Met;
  /** The numbers behind the strings, for results.json. */
  values?: { staunch: number; baseline?: number; ratio?: number };
}

export type Unit = 'req/s' | 'ms' | 'MB' | 'KB' | 'records/s';

export interface Figure {
  figure: string;
  goal: string;
  unit: Unit;
  staunch: number | undefined;
  baseline?: number | undefined;
  baselineName?: string;
  /** How the ratio Staunch ÷ baseline reads: a share (92 %) or a multiple (1.4×). */
  ratioAs?: 'percent' | 'times';
  /** Whether the goal is met; absent when the figure is only reported. */
  check?: (staunch: number, ratio: number | undefined) => boolean;
  /** Said after the figure, e.g. failed requests. */
  note?: string;
  /** What to do to get the figure, when it is missing. */
  missing?: string;
}

export const KB = 1024;
/** The issue's weight goal: the compressed front page fits the first round trip of a cold connection. */
export const WEIGHT_GOAL_BYTES = 14 * KB;

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at `path` inside `value`, or undefined as soon as a step is missing. */
export function at(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const step of path) {
    if (Array.isArray(current) && typeof step === 'number') current = current[step];
    else if (isObject(current)) current = current[String(step)];
    else return undefined;
  }
  return current;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The first path under `value` holding a finite number. */
export const firstNum = (value: unknown, ...paths: Array<Array<string | number>>) =>
  paths.map((path) => num(at(value, ...path))).find((n) => n !== undefined);

export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return `${formatNumber(value, value < 10 ? 1 : 0)} ms`;
    case 'MB':
      return `${formatNumber(value, 1)} MB`;
    case 'KB':
      return `${formatNumber(value / KB, 1)} KB`;
    default:
      return `${formatNumber(value)} ${unit}`;
  }
}

function formatRatio(ratio: number, as: 'percent' | 'times'): string {
  return as === 'percent' ? `${formatNumber(ratio * 100)} %` : `${formatNumber(ratio, 2)}×`;
}

export function row(f: Figure): SummaryRow {
  if (f.staunch === undefined)
    return {
      figure: f.figure,
      staunch: 'not measured',
      baseline: f.missing ?? '',
      ratio: '',
      goal: f.goal,
      met: 'not measured',
    };
  const ratio = f.baseline !== undefined && f.baseline !== 0 ? f.staunch / f.baseline : undefined;
  const baseline =
    f.baseline === undefined
      ? ''
      : `${f.baselineName ? `${f.baselineName} ` : ''}${formatValue(f.baseline, f.unit)}`;
  return {
    figure: f.figure,
    staunch: `${formatValue(f.staunch, f.unit)}${f.note ? ` (${f.note})` : ''}`,
    baseline,
    ratio: ratio === undefined ? '' : formatRatio(ratio, f.ratioAs ?? 'times'),
    goal: f.goal,
    met: f.check ? (f.check(f.staunch, ratio) ? 'yes' : 'no') : '-',
    values: {
      staunch: f.staunch,
      ...(f.baseline !== undefined ? { baseline: f.baseline } : {}),
      ...(ratio !== undefined ? { ratio } : {}),
    },
  };
}

export const errorsNote = (errors: number | undefined) =>
  errors ? `${formatNumber(errors)} errors` : undefined;
