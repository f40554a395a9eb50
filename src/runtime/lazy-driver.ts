/**
 * A driver whose module (and with it its client library: the AWS SDK, pg, mysql2, better-sqlite3)
 * is imported on its first call, so a process loads only the libraries its targets use, and
 * `staunch --version` or a config check loads none. Creating one stays synchronous and does no
 * I/O, as the contract asks: the URI is checked and the location derived from the descriptor.
 */
import {
  StorageError,
  type DriverDescriptor,
  type DriverModule,
  type DriverOptions,
  type StorageDriver,
} from '../../storage-drivers/types.ts';
import { throwProblems } from '../../storage-drivers/uri-check.ts';

type Calls = Omit<StorageDriver, 'name' | 'location' | 'close'>;
const CALLS = [
  'init',
  'put',
  'get',
  'list',
  'changes',
  'digest',
  'putIfAbsent',
  'purgeTombstones',
  'ping',
] as const satisfies readonly (keyof Calls)[];

export function lazyDriverModule(
  descriptor: DriverDescriptor,
  load: () => Promise<{ default: DriverModule }>,
): DriverModule {
  let module: Promise<DriverModule> | undefined;
  // A failed import is tried again by the next call: a target stays down only while it fails.
  const loadOnce = () =>
    (module ??= load().then(
      (loaded) => loaded.default,
      (error: unknown) => {
        module = undefined;
        throw error;
      },
    ));
  return {
    schemes: descriptor.schemes,
    runtimes: descriptor.runtimes,
    checkUri: descriptor.checkUri,
    create(uri: URL, options?: DriverOptions): StorageDriver {
      throwProblems(descriptor.name, uri, descriptor.checkUri(uri).problems);
      let driver: Promise<StorageDriver> | undefined;
      let closed = false;
      const real = () => {
        if (closed && !driver)
          throw new StorageError(descriptor.name, 'CLOSED', `driver for ${location} is closed`);
        return (driver ??= loadOnce().then(
          (loaded) => loaded.create(uri, options),
          (error: unknown) => {
            driver = undefined;
            throw new StorageError(
              descriptor.name,
              'UNAVAILABLE',
              `could not load the ${descriptor.name} driver: ${(error as Error).message}`,
              { cause: error },
            );
          },
        ));
      };
      const location = descriptor.location(uri);
      const lazy = { name: descriptor.name, location } as StorageDriver;
      for (const call of CALLS) {
        (lazy as unknown as Record<string, unknown>)[call] = async (...args: unknown[]) => {
          const target = (await real()) as unknown as Record<string, (...a: unknown[]) => unknown>;
          return target[call]!(...args);
        };
      }
      lazy.close = async () => {
        closed = true;
        // Never loaded: nothing to release, and no library to load just to close it.
        if (driver) await (await driver).close();
      };
      return lazy;
    },
  };
}
