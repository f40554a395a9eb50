/**
 * A storage driver wrapper for fault injection in tests: each operation can be made to fail,
 * to hang (held until released, then applied: a write that times out for the caller but lands
 * later), or to be slow; records can be marked corrupt, so reads skip them and report them
 * through `onBadRecord` as a real driver does with a bad row or file.
 */
import {
  StorageError,
  type DriverOptions,
  type StorageDriver,
} from '../../storage-drivers/types.ts';
import { keyOf, sleep } from '../../storage-drivers/utils.ts';

/** `delayMs`: answer late (and then fail, with `fail`). */
export type FaultMode = 'ok' | 'fail' | 'hang' | { delayMs: number; fail?: boolean };

export type Operation =
  | 'init'
  | 'put'
  | 'get'
  | 'list'
  | 'changes'
  | 'digest'
  | 'putIfAbsent'
  | 'purgeTombstones'
  | 'ping';

const OPERATIONS: readonly Operation[] = [
  'init',
  'put',
  'get',
  'list',
  'changes',
  'digest',
  'putIfAbsent',
  'purgeTombstones',
  'ping',
];

export interface FaultyDriver extends StorageDriver {
  readonly inner: StorageDriver;
  /** Set the mode of the given operations (default: all of them). */
  setMode(mode: FaultMode, operations?: readonly Operation[]): void;
  /** The next calls of `operation` take these modes, one each, before the set mode applies again. */
  queueModes(operation: Operation, ...modes: FaultMode[]): void;
  /** Run the calls held by 'hang' against the real driver now; their callers get the answers. */
  releaseHung(): Promise<void>;
  readonly hungCalls: number;
  /** How often each operation was called. */
  readonly calls: Readonly<Record<Operation, number>>;
  /** Reads skip this record and report it as bad, as a corrupt row or file would be. */
  corrupt(kind: string, id: string): void;
  /** Message of injected failures; lets a test check that errors are redacted before display. */
  failureMessage: string;
}

export function createFaultyDriver(
  inner: StorageDriver,
  options: DriverOptions = {},
): FaultyDriver {
  const modes = new Map<Operation, FaultMode>(OPERATIONS.map((op) => [op, 'ok']));
  const queued = new Map<Operation, FaultMode[]>();
  const calls = Object.fromEntries(OPERATIONS.map((op) => [op, 0])) as Record<Operation, number>;
  const hung: Array<() => void> = [];
  const corrupted = new Set<string>();

  const isCorrupt = (record: { kind: string; id: string }) => {
    if (!corrupted.has(keyOf(record.kind, record.id))) return false;
    options.onBadRecord?.({
      location: `${inner.location}/${record.kind}/${record.id}`,
      error: 'injected corruption: body is not JSON',
    });
    return true;
  };

  async function run<T>(operation: Operation, work: () => Promise<T>): Promise<T> {
    calls[operation]++;
    const mode = queued.get(operation)?.shift() ?? modes.get(operation)!;
    if (typeof mode === 'object') await sleep(mode.delayMs);
    if (mode === 'fail' || (typeof mode === 'object' && mode.fail))
      throw new StorageError(inner.name, 'UNAVAILABLE', `${operation}: ${driver.failureMessage}`);
    if (mode === 'hang') await new Promise<void>((resolve) => hung.push(resolve));
    return work();
  }

  const driver: FaultyDriver = {
    inner,
    name: inner.name,
    location: inner.location,
    failureMessage: 'injected failure',
    calls,
    get hungCalls() {
      return hung.length;
    },
    setMode(mode, operations = OPERATIONS) {
      for (const op of operations) modes.set(op, mode);
    },
    queueModes(operation, ...next) {
      queued.set(operation, [...(queued.get(operation) ?? []), ...next]);
    },
    async releaseHung() {
      hung.splice(0).forEach((resolve) => resolve());
      // Let the released calls reach the inner driver before the caller looks at it.
      await sleep(0);
    },
    corrupt(kind, id) {
      corrupted.add(keyOf(kind, id));
    },
    init: () => run('init', () => inner.init()),
    put: (records) => run('put', () => inner.put(records)),
    get: (kind, id) =>
      run('get', async () => {
        const record = await inner.get(kind, id);
        return record && isCorrupt(record) ? null : record;
      }),
    list: (kind, listOptions) =>
      run('list', async () => {
        const page = await inner.list(kind, listOptions);
        return { ...page, items: page.items.filter((r) => !isCorrupt(r)) };
      }),
    changes: (changeOptions) =>
      run('changes', async () => {
        const page = await inner.changes(changeOptions);
        return { ...page, items: page.items.filter((r) => !isCorrupt(r)) };
      }),
    digest: () => run('digest', () => inner.digest()),
    putIfAbsent: (record) => run('putIfAbsent', () => inner.putIfAbsent(record)),
    purgeTombstones: (beforeRev) => run('purgeTombstones', () => inner.purgeTombstones(beforeRev)),
    ping: () => run('ping', () => inner.ping()),
    close: () => inner.close(),
  };
  return driver;
}
