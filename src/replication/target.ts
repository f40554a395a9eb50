/**
 * One storage target as the engine sees it: the driver, every call to it bounded by a timeout,
 * and the state those calls reveal (up/down, latency, last error) for /readyz and the admin page.
 */
import {
  StorageError,
  type StorageDriver,
  type StoredRecord,
} from '../../storage-drivers/types.ts';
import { withTimeout } from '../../storage-drivers/utils.ts';
import { describeError } from './errors.ts';
import { shortHash } from './hash.ts';
import type { Logger, TargetStatus } from './types.ts';

export type TargetState = TargetStatus['state'];

export interface TargetOptions {
  logger: Logger;
  onStateChange?: (target: Target, previous: TargetState) => void;
}

export class Target {
  state: TargetState = 'unknown';
  latencyMs: number | null = null;
  lastError: string | undefined;
  lastSync: string | undefined;
  /** Records the last sync pass found missing here and could not copy. */
  behindAtLastSync = 0;
  badRecords = 0;
  /** Records this target refused to store (put answered INVALID_RECORD); each was skipped. */
  refusedRecords = 0;
  /** Stable across restarts and config reordering, so persisted hints find their target again. */
  readonly key: string;
  private initialised: Promise<void> | undefined;

  constructor(
    readonly index: number,
    readonly driver: StorageDriver,
    private readonly options: TargetOptions,
  ) {
    this.key = shortHash(driver.location).slice(0, 8);
  }

  get location(): string {
    return this.driver.location;
  }

  get isDown(): boolean {
    return this.state === 'down';
  }

  /**
   * One backend call that gives up after `timeoutMs`. Its outcome updates the state: any answer
   * means up, any failure or timeout means down until a later call succeeds.
   * `measured` calls (ping, put) report the round trip as the target's latency.
   */
  async call<T>(
    operation: string,
    timeoutMs: number,
    work: (driver: StorageDriver) => Promise<T>,
    measured = false,
  ): Promise<T> {
    const started = performance.now();
    try {
      const result = await withTimeout(
        this.driver.name,
        `${operation} on ${this.location}`,
        timeoutMs,
        this.initialise(timeoutMs).then(() => work(this.driver)),
      );
      if (measured) this.latencyMs = Math.round((performance.now() - started) * 10) / 10;
      this.setState('up');
      return result;
    } catch (error) {
      this.lastError = describeError(error);
      // A refused record is an answer: the backend is up, and the record is isolated by the caller.
      this.setState(
        error instanceof StorageError && error.code === 'INVALID_RECORD' ? 'up' : 'down',
      );
      throw error;
    }
  }

  /** Count and log a record this target refused and that is skipped (see isolate.ts). */
  noteRefused(record: StoredRecord, error: unknown): void {
    this.refusedRecords++;
    this.options.logger.warn(
      {
        target: this.location,
        kind: record.kind,
        id: record.id,
        rev: record.rev,
        err: describeError(error),
      },
      'storage target refused a record; it is skipped there',
    );
  }

  /**
   * The driver's init (tables, folders, bucket prefix) before its first call. A target that is
   * down at start is initialised when it comes back: a failed or hung init is tried again next call.
   */
  private initialise(timeoutMs: number): Promise<void> {
    this.initialised ??= withTimeout(
      this.driver.name,
      `init of ${this.location}`,
      timeoutMs,
      this.driver.init(),
    ).catch((error: unknown) => {
      this.initialised = undefined;
      throw error;
    });
    return this.initialised;
  }

  status(queuedHints: number): TargetStatus {
    return {
      location: this.location,
      driver: this.driver.name,
      state: this.state,
      latencyMs: this.latencyMs,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      lag: queuedHints + this.behindAtLastSync,
      queuedHints,
      ...(this.lastSync === undefined ? {} : { lastSync: this.lastSync }),
      badRecords: this.badRecords,
      refusedRecords: this.refusedRecords,
    };
  }

  private setState(next: TargetState): void {
    const previous = this.state;
    if (previous === next) return;
    this.state = next;
    if (next === 'down')
      this.options.logger.warn(
        { target: this.location, err: this.lastError },
        'storage target is down',
      );
    else if (previous === 'down')
      this.options.logger.info({ target: this.location }, 'storage target is back up');
    this.options.onStateChange?.(this, previous);
  }
}
