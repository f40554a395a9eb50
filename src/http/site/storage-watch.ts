/**
 * Whether every storage target is unreachable, and since when (as first seen here). Pages keep
 * rendering from the in-memory view; this only decides the notice "storage unreachable since …".
 */
import type { TargetStatus } from '../../replication/types.ts';

export class StorageWatch {
  private downSince: number | null = null;

  constructor(
    private readonly targets: () => TargetStatus[],
    private readonly now: () => number,
  ) {}

  /** The instant every target was first seen down, or null while any target is up (or unknown). */
  check(): number | null {
    const targets = this.targets();
    const allDown = targets.length > 0 && targets.every((t) => t.state === 'down');
    if (!allDown) this.downSince = null;
    else this.downSince ??= this.now();
    return this.downSince;
  }
}
