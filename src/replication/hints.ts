/**
 * The hint queue: for each target that missed writes, the newest rev of every record it missed.
 * Keyed by (target, kind, id), so a record updated ten times during an outage is delivered once.
 *
 * Hints are persisted as records of kind `_hint` on a target that accepted the write (its "home"),
 * one record per (target, kind, id) with the hinted record's rev, so a newer hint replaces an
 * older one on the home as well. `homes` remembers every target holding a copy, possibly an older
 * one, so all copies are tombstoned once the hint is delivered.
 */
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { keyOf as recordKey, recordProblem } from '../../storage-drivers/utils.ts';
import { shortHash } from './hash.ts';
import { HINT_KIND } from './internal-kinds.ts';

export interface Hint {
  target: number;
  record: StoredRecord;
  homes: Set<number>;
}

const MAX_ID_LENGTH = 200;

/** Readable when it fits the 200-character id limit; hashed otherwise (the body holds the full record). */
export function hintId(targetKey: string, kind: string, id: string): string {
  const readable = `${targetKey}:${kind}:${id}`;
  return readable.length <= MAX_ID_LENGTH ? readable : `${targetKey}:${kind}:~${shortHash(id)}`;
}

export function toHintRecord(targetKey: string, record: StoredRecord): StoredRecord {
  const { kind, id, rev, deleted, body } = record;
  return {
    kind: HINT_KIND,
    id: hintId(targetKey, kind, id),
    rev,
    deleted: false,
    body: { target: targetKey, record: { kind, id, rev, deleted, body } },
  };
}

export function hintTombstone(targetKey: string, record: StoredRecord, rev: string): StoredRecord {
  return {
    kind: HINT_KIND,
    id: hintId(targetKey, record.kind, record.id),
    rev,
    deleted: true,
    body: null,
  };
}

/** The target key and hinted record of a persisted hint, or a reason it is not one. */
export function fromHintRecord(
  stored: StoredRecord,
): { targetKey: string; record: StoredRecord } | { problem: string } {
  const body = stored.body as { target?: unknown; record?: unknown } | null;
  if (typeof body !== 'object' || body === null || typeof body.target !== 'string')
    return { problem: 'hint body has no target' };
  const problem = recordProblem(body.record);
  if (problem) return { problem: `hinted record is invalid: ${problem}` };
  return { targetKey: body.target, record: body.record as StoredRecord };
}

const keyOf = (record: StoredRecord) => recordKey(record.kind, record.id);

export class HintQueue {
  private readonly byTarget = new Map<number, Map<string, Hint>>();

  /** Queue records for a target; returns the hints that are new or newer than what was queued. */
  add(target: number, records: StoredRecord[]): Hint[] {
    const queue = this.queueOf(target);
    const added: Hint[] = [];
    for (const record of records) {
      const current = queue.get(keyOf(record));
      if (current && current.record.rev >= record.rev) continue;
      // Copies of the replaced hint stay on their homes until delivery tombstones them.
      const hint: Hint = { target, record, homes: new Set(current?.homes) };
      queue.set(keyOf(record), hint);
      added.push(hint);
    }
    return added;
  }

  /** A hint found persisted on `home` at start: queued like a new one, and `home` holds a copy either way. */
  restore(target: number, record: StoredRecord, home: number): void {
    this.add(target, [record]);
    this.markPersisted(target, record, home);
  }

  /** Note that the current hint for this record now has a copy on `home`. */
  markPersisted(target: number, record: StoredRecord, home: number): void {
    this.byTarget.get(target)?.get(keyOf(record))?.homes.add(home);
  }

  /** Up to `limit` hints for a target, oldest first. */
  peek(target: number, limit: number): Hint[] {
    return [...(this.byTarget.get(target)?.values() ?? [])].slice(0, limit);
  }

  /** Forget delivered hints, except those a newer rev replaced meanwhile; returns the forgotten ones. */
  remove(target: number, delivered: Hint[]): Hint[] {
    const queue = this.byTarget.get(target);
    if (!queue) return [];
    const removed = delivered.filter((hint) => queue.get(keyOf(hint.record)) === hint);
    for (const hint of removed) queue.delete(keyOf(hint.record));
    return removed;
  }

  count(target: number): number {
    return this.byTarget.get(target)?.size ?? 0;
  }

  targetsWithHints(): number[] {
    return [...this.byTarget].filter(([, queue]) => queue.size > 0).map(([target]) => target);
  }

  private queueOf(target: number): Map<string, Hint> {
    let queue = this.byTarget.get(target);
    if (!queue) this.byTarget.set(target, (queue = new Map()));
    return queue;
  }
}
