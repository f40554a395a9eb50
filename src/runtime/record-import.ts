/**
 * Loads a JSON Lines export into every target, keeping each record's rev: a target applies a
 * record only when its rev is higher than the one it holds, so importing twice, or an older
 * export over newer data, changes nothing (idempotent), and the replicas converge as after any
 * write. Bad lines are reported by number and skipped; a target that fails is reported and the
 * others still get everything.
 */
import type { StorageDriver, StoredRecord } from '../../storage-drivers/types.ts';
import { recordProblem } from '../../storage-drivers/utils.ts';
import { isInternalKind } from '../replication/internal-kinds.ts';
import { EXPORT_FORMAT } from './record-export.ts';

export interface ImportTargetSummary {
  target: string;
  /** Records stored (newer than what the target held). */
  applied: number;
  /** Records the target already held at the same or a newer rev. */
  unchanged: number;
  error?: string;
}

export interface ImportSummary {
  lines: number;
  records: number;
  /** Line numbers (1-based) and what is wrong with them; at most MAX_REPORTED. */
  invalid: Array<{ line: number; problem: string }>;
  invalidCount: number;
  targets: ImportTargetSummary[];
}

export interface ImportProgress {
  records: number;
}

const BATCH = 1000;
const MAX_REPORTED = 20;

export async function importRecords(
  lines: AsyncIterable<string>,
  drivers: StorageDriver[],
  options: { onProgress?: (event: ImportProgress) => void } = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = {
    lines: 0,
    records: 0,
    invalid: [],
    invalidCount: 0,
    targets: drivers.map((d) => ({ target: d.location, applied: 0, unchanged: 0 })),
  };
  const alive = drivers.map(() => true);
  await Promise.all(
    drivers.map((driver, i) =>
      driver.init().catch((error: unknown) => {
        alive[i] = false;
        summary.targets[i]!.error = (error as Error).message;
      }),
    ),
  );
  const invalid = (line: number, problem: string) => {
    summary.invalidCount++;
    if (summary.invalid.length < MAX_REPORTED) summary.invalid.push({ line, problem });
  };
  let batch: StoredRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    await Promise.all(
      drivers.map(async (driver, i) => {
        if (!alive[i]) return;
        const target = summary.targets[i]!;
        try {
          const applied = await driver.put(records);
          for (const done of applied) {
            if (done) target.applied++;
            else target.unchanged++;
          }
        } catch (error) {
          alive[i] = false;
          target.error = (error as Error).message;
        }
      }),
    );
    options.onProgress?.({ records: summary.records });
  };

  for await (const text of lines) {
    const line = ++summary.lines;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      invalid(line, 'not JSON');
      continue;
    }
    if (line === 1 && isHeader(value)) {
      if (value.format !== EXPORT_FORMAT)
        throw new Error(`line 1: format ${String(value.format)} is not ${EXPORT_FORMAT}`);
      continue;
    }
    const problem = recordProblem(value);
    if (problem) {
      invalid(line, problem);
      continue;
    }
    const record = value as StoredRecord;
    if (isInternalKind(record.kind)) {
      invalid(line, `kind ${record.kind} belongs to the replication engine and is not imported`);
      continue;
    }
    summary.records++;
    batch.push(record);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return summary;
}

function isHeader(value: unknown): value is { format: unknown } {
  return typeof value === 'object' && value !== null && 'format' in value && !('kind' in value);
}

export function formatImportSummary(summary: ImportSummary): string {
  const lines = [
    `${summary.records} records read from ${summary.lines} lines` +
      (summary.invalidCount > 0 ? `, ${summary.invalidCount} lines skipped:` : ''),
    ...summary.invalid.map((i) => `  line ${i.line}: ${i.problem}`),
    ...summary.targets.map(
      (t) =>
        `${t.target}: ${t.applied} applied, ${t.unchanged} already as new or newer` +
        (t.error ? `; FAILED: ${t.error}` : ''),
    ),
  ];
  return lines.join('\n');
}
