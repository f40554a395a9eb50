/**
 * How the S3 driver writes one record without losing another writer's.
 *
 * Write order, which every reader relies on: (1) HEAD the record for its rev and ETag, (2) create
 * the new index entry, (3) write the record, (4) delete the old entry. So the current rev of a
 * record always has an entry; an entry whose record is missing or at another rev is a write in
 * flight, lost to a conflict, or left by a crash, and readers skip it.
 *
 * Lost updates: where the server honours conditional writes (S3 since 2024, R2, MinIO), step 3 is
 * `If-Match: <ETag from step 1>` or `If-None-Match: *`, and a conflict restarts from step 1, so two
 * writers cannot lose each other's rev. A server that ignores them (s3rver) is detected once, by a
 * probe, and then step 3 is a plain PUT: two writers of one record within the same few milliseconds
 * can leave the lower rev in place. The digest then differs from the other targets, and the
 * anti-entropy sync writes the higher rev again. putIfAbsent stays atomic there too (s3-claim.ts).
 */
import { StorageError, type StoredRecord } from './types.ts';
import { sleep } from './utils.ts';
import { withClaim } from './s3-claim.ts';
import type { S3Objects } from './s3-objects.ts';

/** A write that keeps meeting newer conditional writes gives up after this many rounds. */
const MAX_CONFLICT_ROUNDS = 20;
/** Matches an ETag no object has, to see whether the server checks If-Match at all. */
const IMPOSSIBLE_ETAG = '"00000000000000000000000000000000"';

interface ConditionalSupport {
  ifMatch: boolean;
  ifNoneMatch: boolean;
}

export class ConditionalWriter {
  private support: Promise<ConditionalSupport> | undefined;

  constructor(private readonly objects: S3Objects) {}

  /** `knownAbsent`: a listing moments ago did not have the record, so the first HEAD is skipped. */
  async applyIfNewer(record: StoredRecord, knownAbsent: boolean): Promise<boolean> {
    const { objects } = this;
    const { ifMatch, ifNoneMatch } = await this.conditionalSupport();
    let entryWritten = false;
    for (let round = 0; ; round++) {
      const current =
        round === 0 && knownAbsent ? null : await objects.stateOf(record.kind, record.id);
      if (current?.rev && current.rev >= record.rev) {
        // Safe to drop: nobody can still write this rev over a newer one (their condition fails).
        if (entryWritten && current.rev > record.rev) await objects.deleteEntry(record);
        return false;
      }
      if (!entryWritten) {
        await objects.writeEntry(record);
        entryWritten = true;
      }
      const condition = current
        ? ifMatch && current.etag
          ? { ifMatch: current.etag }
          : undefined
        : ifNoneMatch
          ? { ifNoneMatch: '*' as const }
          : undefined;
      if (await objects.writeRecord(record, condition)) {
        if (current?.rev && current.rev !== record.rev)
          await objects.deleteEntry({
            kind: record.kind,
            id: record.id,
            rev: current.rev,
            deleted: current.deleted,
          });
        return true;
      }
      if (round >= MAX_CONFLICT_ROUNDS)
        throw new StorageError(
          's3',
          'UNAVAILABLE',
          `gave up writing ${record.kind}/${record.id} after ${round + 1} conflicting writes`,
        );
      await sleep(Math.random() * Math.min(200, 5 * 2 ** round));
    }
  }

  async putIfAbsent(record: StoredRecord): Promise<boolean> {
    const { objects } = this;
    const { ifNoneMatch } = await this.conditionalSupport();
    if (ifNoneMatch) return this.createIfAbsent(record, true);
    // Claiming costs three requests; a record that is already there needs none of them.
    if (await objects.stateOf(record.kind, record.id)) return false;
    return withClaim(
      objects.calls,
      objects.keys.claimsPrefix(record.kind, record.id),
      objects.target.timeoutMs,
      () => this.createIfAbsent(record, false),
    );
  }

  private async createIfAbsent(record: StoredRecord, ifNoneMatch: boolean): Promise<boolean> {
    const { objects } = this;
    if (await objects.stateOf(record.kind, record.id)) return false;
    await objects.writeEntry(record);
    if (await objects.writeRecord(record, ifNoneMatch ? { ifNoneMatch: '*' } : undefined))
      return true;
    const winner = await objects.stateOf(record.kind, record.id);
    if (winner?.rev && winner.rev > record.rev) await objects.deleteEntry(record);
    return false;
  }

  /** Probed once per driver, before the first write; a failed probe is tried again next time. */
  private conditionalSupport(): Promise<ConditionalSupport> {
    this.support ??= this.probe().catch((error: unknown) => {
      this.support = undefined;
      throw error;
    });
    return this.support;
  }

  private async probe(): Promise<ConditionalSupport> {
    const { target, keys, calls } = this.objects;
    if (target.conditionalWrites !== 'auto')
      return { ifMatch: target.conditionalWrites, ifNoneMatch: target.conditionalWrites };
    const key = keys.probeKey();
    await calls.put(key, '', {}, undefined);
    try {
      // Only a refused write proves support: a server that ignores the header answers 200.
      const ifNoneMatch = !(await calls.put(key, '', {}, { ifNoneMatch: '*' })).written;
      const ifMatch = !(await calls.put(key, '', {}, { ifMatch: IMPOSSIBLE_ETAG })).written;
      return { ifMatch, ifNoneMatch };
    } finally {
      await this.objects.deleteQuietly(key);
    }
  }
}
