/**
 * Every record read from a target passes through here before the engine uses it:
 * - a record that is not valid (a driver let a bad row through) is reported and dropped, so one
 *   target's bad data never reaches the view or gets copied to the others;
 * - the clock absorbs every rev, so the next local write is newer than anything already stored
 *   and always wins over it.
 */
import type { BadRecord, StoredRecord } from '../../storage-drivers/types.ts';
import { checkedText } from '../../storage-drivers/stored-text.ts';
import { headerProblem, recordProblem } from '../../storage-drivers/utils.ts';
import type { HybridLogicalClock } from './hlc.ts';
import type { Target } from './target.ts';

export type Intake = (records: StoredRecord[], source: Target) => StoredRecord[];

export function createIntake(
  clock: HybridLogicalClock,
  reportBadRecord: (target: Target, bad: BadRecord) => void,
): Intake {
  return (records, source) => {
    const valid: StoredRecord[] = [];
    for (const record of records) {
      // A body whose checked text the reading driver kept was walked there; the rest is cheap.
      const problem =
        checkedText(record) === undefined ? recordProblem(record) : headerProblem(record);
      if (problem) {
        const where =
          typeof record === 'object' && record !== null
            ? `${String(record.kind)}/${String(record.id)}`
            : 'unknown record';
        reportBadRecord(source, { location: `${source.location} ${where}`, error: problem });
        continue;
      }
      clock.observe(record.rev);
      valid.push(record);
    }
    return valid;
  };
}
