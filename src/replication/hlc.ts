/**
 * Hybrid logical clock stamps ("revs"): wall-clock milliseconds, a counter and the writer's id,
 * fixed-width hex so that plain string comparison is clock order on every backend
 * (SQL `COLLATE "C"` / binary columns, S3 keys, JavaScript `<`).
 *
 *   0194f3a2b1c0-000000-node1
 *   └ ms (12 hex) ┘└ ctr ┘└ writer
 */

const WRITER_PATTERN = /^[a-z0-9]{1,32}$/;
const REV_PATTERN = /^([0-9a-f]{12})-([0-9a-f]{6})-([a-z0-9]{1,32})$/;
const MAX_COUNTER = 0xffffff;

export interface ParsedRev {
  wallMs: number;
  counter: number;
  writer: string;
}

export function formatRev({ wallMs, counter, writer }: ParsedRev): string {
  return `${wallMs.toString(16).padStart(12, '0')}-${counter.toString(16).padStart(6, '0')}-${writer}`;
}

export function parseRev(rev: string): ParsedRev | null {
  const match = REV_PATTERN.exec(rev);
  if (!match) return null;
  return { wallMs: parseInt(match[1]!, 16), counter: parseInt(match[2]!, 16), writer: match[3]! };
}

export function isRev(value: unknown): value is string {
  return typeof value === 'string' && REV_PATTERN.test(value);
}

/** The lowest rev stamped at or after a wall-clock time: a mark for "everything since t". */
export function revAtWallTime(wallMs: number): string {
  return formatRev({ wallMs: Math.max(0, Math.floor(wallMs)), counter: 0, writer: '0' });
}

/**
 * The smallest rev above `rev` (`-<writer>0`: no writer id sorts between `w` and `w0`), for a
 * record that must win over `rev` and over nothing newer; null when the writer id is already at
 * its maximum length.
 */
export function revJustAfter(rev: string): string | null {
  const parsed = parseRev(rev);
  return parsed && parsed.writer.length < 32
    ? formatRev({ ...parsed, writer: `${parsed.writer}0` })
    : null;
}

/** Random writer ids, so two instances never stamp the same rev. */
export function randomWriterId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('');
}

export class HybridLogicalClock {
  private lastWallMs = 0;
  private counter = 0;

  constructor(
    readonly writer: string = randomWriterId(),
    private readonly now: () => number = Date.now,
  ) {
    if (!WRITER_PATTERN.test(writer))
      throw new Error(`writer id ${JSON.stringify(writer)} must be 1 to 32 characters of [a-z0-9]`);
  }

  /** A new rev, higher than every rev this clock has issued or observed. */
  next(): string {
    const wall = this.now();
    if (wall > this.lastWallMs) {
      this.lastWallMs = wall;
      this.counter = 0;
    } else {
      this.bump();
    }
    return formatRev({ wallMs: this.lastWallMs, counter: this.counter, writer: this.writer });
  }

  /** Absorb a rev read from elsewhere, so the next local rev is higher than it. */
  observe(rev: string): void {
    const parsed = parseRev(rev);
    if (!parsed) return;
    if (parsed.wallMs > this.lastWallMs) {
      this.lastWallMs = parsed.wallMs;
      this.counter = parsed.counter;
    } else if (parsed.wallMs === this.lastWallMs && parsed.counter > this.counter) {
      this.counter = parsed.counter;
    }
  }

  private bump(): void {
    if (this.counter < MAX_COUNTER) {
      this.counter++;
    } else {
      // More than 16 million stamps in one millisecond: borrow from the next one rather than wrap.
      this.lastWallMs++;
      this.counter = 0;
    }
  }
}
