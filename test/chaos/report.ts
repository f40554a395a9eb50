/**
 * The chaos suite's result as markdown tables: printed, and written to test-results/chaos.md so
 * it can be quoted. Which counts must be zero is decided here, once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPORT_FILE = fileURLToPath(new URL('../../test-results/chaos.md', import.meta.url));

export interface PhaseRow {
  phase: string;
  fault: string;
  acknowledged: number;
  refused: number;
  unanswered: number;
  seconds: number;
}

export interface ChaosResult {
  scale: string;
  acknowledged: number;
  lost: number;
  resurrected: number;
  reverted: number;
  ghosts: number;
  duplicates: number;
  serverErrors: number;
  unknown503: number;
  noQuorum503: number;
  readErrors: number;
  reads: number;
  /** The two instances answering differently for the same incidents once converged. */
  disagreements: number;
  /** Seconds from the last fault healing to every target's digest being equal; null: never. */
  convergenceSeconds: number | null;
}

/** Columns where anything but zero fails the suite. */
export const MUST_BE_ZERO = [
  'lost',
  'resurrected',
  'reverted',
  'ghosts',
  'duplicates',
  'serverErrors',
  'readErrors',
  'disagreements',
] as const;

const markdownTable = (headers: string[], rows: Array<Array<string | number>>) =>
  [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

export function chaosReport(
  result: ChaosResult,
  phases: readonly PhaseRow[],
  notes: readonly string[],
): string {
  const totals = markdownTable(
    [
      'acknowledged',
      'lost',
      'resurrected',
      'reverted',
      'ghosts',
      'duplicates',
      '5xx',
      '503 unknown (allowed)',
      '503 no quorum (allowed)',
      'read errors / reads',
      'instances disagree',
      'convergence',
    ],
    [
      [
        result.acknowledged,
        result.lost,
        result.resurrected,
        result.reverted,
        result.ghosts,
        result.duplicates,
        result.serverErrors,
        result.unknown503,
        result.noQuorum503,
        `${result.readErrors} / ${result.reads}`,
        result.disagreements,
        result.convergenceSeconds === null ? 'never' : `${result.convergenceSeconds.toFixed(1)} s`,
      ],
    ],
  );
  const steps = markdownTable(
    ['phase', 'fault', 'acknowledged', 'refused', 'unanswered', 'seconds'],
    phases.map((p) => [
      p.phase,
      p.fault,
      p.acknowledged,
      p.refused,
      p.unanswered,
      p.seconds.toFixed(1),
    ]),
  );
  return [
    `Chaos suite (scale ${result.scale})`,
    '',
    totals,
    '',
    steps,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

/** The report, and each instance's log beside it (chaos-<name>.log) for what went wrong. */
export function writeReport(text: string, logs: Record<string, string>): void {
  mkdirSync(dirname(REPORT_FILE), { recursive: true });
  writeFileSync(REPORT_FILE, text);
  for (const [name, log] of Object.entries(logs))
    writeFileSync(join(dirname(REPORT_FILE), `chaos-${name}.log`), log);
}
