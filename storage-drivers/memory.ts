/**
 * The reference driver: the contract in its plainest executable form, and the default in tests.
 * `memory://name` targets with the same name share one store inside a process, so tests can
 * run two app instances against "the same" target.
 */
import { StorageError, type DriverModule, type StorageDriver, type StoredRecord } from './types.ts';
import { unknownParameters, uriCheck } from './uri-check.ts';
import { assertRecord, clampLimit, compareText, digestRows, keyOf } from './utils.ts';

const sharedStores = new Map<string, Map<string, StoredRecord>>();

export function createMemoryDriver(uri: URL = new URL('memory://')): StorageDriver {
  const storeName = uri.host + uri.pathname;
  const records =
    storeName && storeName !== '/'
      ? (sharedStores.get(storeName) ?? new Map<string, StoredRecord>())
      : new Map<string, StoredRecord>();
  if (storeName && storeName !== '/') sharedStores.set(storeName, records);
  let closed = false;

  const open = () => {
    if (closed) throw new StorageError('memory', 'CLOSED', 'driver is closed');
  };
  // Hand out copies so callers can never change what is stored by mutating a result.
  const copy = (record: StoredRecord): StoredRecord => structuredClone(record);

  return {
    name: 'memory',
    location: `memory://${storeName === '/' ? '' : storeName}`,
    async init() {
      open();
    },
    async put(batch) {
      open();
      batch.forEach((record) => assertRecord('memory', record));
      return batch.map((record) => {
        const key = keyOf(record.kind, record.id);
        const current = records.get(key);
        if (current && current.rev >= record.rev) return false;
        records.set(key, copy(record));
        return true;
      });
    },
    async get(kind, id) {
      open();
      const record = records.get(keyOf(kind, id));
      return record ? copy(record) : null;
    },
    async list(kind, options = {}) {
      open();
      const limit = clampLimit(options.limit);
      const matching = [...records.values()]
        .filter(
          (r) =>
            r.kind === kind &&
            (options.includeDeleted || !r.deleted) &&
            (!options.cursor || r.id > options.cursor),
        )
        .sort((a, b) => compareText(a.id, b.id));
      const items = matching.slice(0, limit).map(copy);
      return matching.length > limit ? { items, cursor: items[items.length - 1]!.id } : { items };
    },
    async changes(options = {}) {
      open();
      const limit = clampLimit(options.limit);
      const since = options.sinceRev ?? '';
      const matching = [...records.values()]
        .filter((r) => r.rev > since)
        .sort((a, b) => (a.rev < b.rev ? -1 : 1));
      const items = matching.slice(0, limit).map(copy);
      return matching.length > limit ? { items, cursor: items[items.length - 1]!.rev } : { items };
    },
    async digest() {
      open();
      return digestRows(records.values());
    },
    async putIfAbsent(record) {
      open();
      assertRecord('memory', record);
      const key = keyOf(record.kind, record.id);
      if (records.has(key)) return false;
      records.set(key, copy(record));
      return true;
    },
    async purgeTombstones(beforeRev) {
      open();
      let purged = 0;
      for (const [key, record] of records) {
        if (record.deleted && record.rev < beforeRev) {
          records.delete(key);
          purged++;
        }
      }
      return purged;
    },
    async ping() {
      open();
    },
    async close() {
      closed = true;
    },
  };
}

export default {
  schemes: ['memory'],
  runtimes: ['node', 'workerd'],
  // Stores are shared by name, so two targets with one name are one store; unnamed ones never are.
  checkUri: (uri) => {
    const name = uri.host + uri.pathname.replace(/^\/$/, '');
    return uriCheck(uri, unknownParameters(uri, []), name ? `memory:${name}` : undefined);
  },
  create: (uri) => createMemoryDriver(uri),
} satisfies DriverModule;
