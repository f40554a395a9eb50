/**
 * The client-side log of the chaos suite: every write it sent, when (a logical tick at the start
 * and at the answer) and what it was told. At the end the stored incidents are judged against it.
 *
 * Concurrency is allowed, so "the last write" is not always one write: a field's final value may
 * be any acknowledged (or unanswered) write to it that no acknowledged write started after it
 * ended could have replaced. A final value outside that set is classified by where it came from:
 * an older acknowledged value (reverted), a refused write (ghost), or nothing the client wrote
 * (lost).
 */

export type Outcome = 'ack' | 'refused' | 'unanswered';
export type Field = 'state' | 'component_state' | 'components';
export const FIELDS: readonly Field[] = ['state', 'component_state', 'components'];

interface Op {
  start: number;
  end: number;
  outcome: Outcome;
}
interface FieldOp extends Op {
  field: Field;
  value: string;
}

interface Tracked {
  guid: string;
  created: Op;
  fields: FieldOp[];
  messages: Array<Op & { content: string }>;
  deletes: Op[];
}

/** What the suite reads back: the /v1 fields it wrote. */
export interface FinalIncident {
  guid: string;
  state: number;
  component_state: number;
  components: string[];
  messages: Array<{ title: string; content: string }>;
}

export interface Verdict {
  acknowledged: number;
  refused: number;
  unanswered: number;
  lost: number;
  resurrected: number;
  reverted: number;
  ghosts: number;
  duplicates: number;
  /** One line per non-zero finding, to say which incident and what. */
  findings: string[];
}

export function outcomeOf(status: number): Outcome {
  if (status === 0) return 'unanswered';
  return status >= 200 && status < 300 ? 'ack' : 'refused';
}

const encode = (field: Field, value: unknown) =>
  JSON.stringify(field === 'components' ? [...(value as string[])].sort() : value);

export class Ledger {
  private ticks = 0;
  private readonly incidents = new Map<string, Tracked>();
  /** Creates that got no guid back (refused or unanswered), known by their unique first message. */
  private readonly anonymousCreates: Array<Op & { content: string }> = [];
  private readonly counts = { acknowledged: 0, refused: 0, unanswered: 0 };

  /** Writes so far by outcome (requests that never left are not counted). */
  totals(): Readonly<{ acknowledged: number; refused: number; unanswered: number }> {
    return { ...this.counts };
  }

  /** Incidents the stream must leave alone (the readers' anchor). */
  readonly reserved = new Set<string>();

  tick(): number {
    return ++this.ticks;
  }

  private count(outcome: Outcome): void {
    this.counts[outcome === 'ack' ? 'acknowledged' : outcome] += 1;
  }

  created(start: number, outcome: Outcome, content: string, incident?: FinalIncident): void {
    this.count(outcome);
    const op = { start, end: this.tick(), outcome };
    if (!incident) return void this.anonymousCreates.push({ ...op, content });
    this.incidents.set(incident.guid, {
      guid: incident.guid,
      created: op,
      fields: FIELDS.map((field) => ({ ...op, field, value: encode(field, incident[field]) })),
      messages: [{ ...op, content }],
      deletes: [],
    });
  }

  fieldSet(guid: string, start: number, outcome: Outcome, field: Field, value: unknown): void {
    this.count(outcome);
    this.incidents
      .get(guid)!
      .fields.push({ start, end: this.tick(), outcome, field, value: encode(field, value) });
  }

  messageAdded(guid: string, start: number, outcome: Outcome, content: string): void {
    this.count(outcome);
    this.incidents.get(guid)!.messages.push({ start, end: this.tick(), outcome, content });
  }

  deleted(guid: string, start: number, outcome: Outcome): void {
    this.count(outcome);
    this.incidents.get(guid)!.deletes.push({ start, end: this.tick(), outcome });
  }

  /** Incidents the stream may still write to: created, and no delete sent that may have landed. */
  writable(): string[] {
    return [...this.incidents.values()]
      .filter((t) => !this.reserved.has(t.guid) && t.deletes.every((d) => d.outcome === 'refused'))
      .map((t) => t.guid);
  }

  judge(final: readonly FinalIncident[]): Verdict {
    const verdict: Verdict = {
      ...this.counts,
      lost: 0,
      resurrected: 0,
      reverted: 0,
      ghosts: 0,
      duplicates: 0,
      findings: [],
    };
    const found = (
      what: 'lost' | 'resurrected' | 'reverted' | 'ghosts' | 'duplicates',
      line: string,
    ) => {
      verdict[what] += 1;
      verdict.findings.push(`${what}: ${line}`);
    };
    const byGuid = new Map(final.map((i) => [i.guid, i]));
    const contents = new Map<string, number>();
    for (const incident of final)
      for (const m of incident.messages)
        contents.set(m.content, (contents.get(m.content) ?? 0) + 1);

    for (const create of this.anonymousCreates) {
      if (create.outcome === 'refused' && contents.has(create.content))
        found('ghosts', `a refused create is visible (${create.content})`);
    }
    for (const tracked of this.incidents.values()) {
      const incident = byGuid.get(tracked.guid);
      const ackedDelete = tracked.deletes.find((d) => d.outcome === 'ack');
      if (ackedDelete) {
        if (incident)
          found('resurrected', `${tracked.guid} was deleted (acknowledged) and is back`);
        const after = [...tracked.fields, ...tracked.messages].filter(
          (op) => op.outcome === 'ack' && op.start > ackedDelete.end,
        );
        if (after.length)
          found(
            'lost',
            `${tracked.guid}: ${after.length} write(s) acknowledged after its delete was`,
          );
        continue;
      }
      if (!incident) {
        if (!tracked.deletes.some((d) => d.outcome === 'unanswered'))
          found(
            tracked.deletes.length ? 'ghosts' : 'lost',
            `${tracked.guid} is gone${tracked.deletes.length ? ' after a refused delete' : ''}`,
          );
        continue;
      }
      for (const field of FIELDS)
        this.judgeField(tracked, field, encode(field, incident[field]), found);
      for (const message of tracked.messages) {
        const seen = contents.get(message.content) ?? 0;
        if (seen > 1)
          found('duplicates', `${tracked.guid}: message ${message.content} is there ${seen} times`);
        if (
          message.outcome === 'ack' &&
          !incident.messages.some((m) => m.content === message.content)
        )
          found('lost', `${tracked.guid}: acknowledged message ${message.content} is missing`);
        if (message.outcome === 'refused' && seen > 0)
          found('ghosts', `${tracked.guid}: refused message ${message.content} is visible`);
      }
    }
    return verdict;
  }

  private judgeField(
    tracked: Tracked,
    field: Field,
    final: string,
    found: (what: 'lost' | 'reverted' | 'ghosts', line: string) => void,
  ): void {
    const ops = tracked.fields.filter((op) => op.field === field);
    const acked = ops.filter((op) => op.outcome === 'ack');
    const superseded = (op: FieldOp) => acked.some((later) => later.start > op.end);
    const allowed = ops.filter((op) => op.outcome !== 'refused' && !superseded(op));
    if (allowed.some((op) => op.value === final)) return;
    const expected = allowed.map((op) => op.value).join(' or ');
    if (acked.some((op) => op.value === final))
      found('reverted', `${tracked.guid}: ${field} is back to ${final}, acknowledged ${expected}`);
    else if (ops.some((op) => op.value === final))
      found(
        'ghosts',
        `${tracked.guid}: ${field} is ${final}, from a refused write (acknowledged ${expected})`,
      );
    else found('lost', `${tracked.guid}: ${field} is ${final}, acknowledged ${expected}`);
  }
}
