import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { createReplicator } from '../replication/replicator.ts';
import { memoryTargets, reopen } from '../../test/support/replication-fixtures.ts';
import { ContentVersion, trackContent } from './content-version.ts';

const record = (id: string, rev: string, deleted = false): StoredRecord => ({
  kind: 'incident',
  id,
  rev,
  deleted,
  body: deleted ? null : { id },
});

const versionOf = (...batches: StoredRecord[][]) => {
  const version = new ContentVersion();
  for (const batch of batches) version.observe(batch);
  return version.value;
};

describe('ContentVersion', () => {
  it('depends on which records are held, not on the order they arrived in', () => {
    const a = record('a', '000000000001-000000-n1');
    const b = record('b', '000000000002-000000-n1');
    expect(versionOf([a, b])).toBe(versionOf([b], [a]));
    expect(versionOf([a, b])).not.toBe(versionOf([a]));
    expect(versionOf([])).toBe(new ContentVersion().value);
  });

  it('counts a newer rev of a record in place of the older one', () => {
    const first = record('a', '000000000001-000000-n1');
    const second = record('a', '000000000003-000000-n1');
    expect(versionOf([first], [second])).toBe(versionOf([second]));
    expect(versionOf([first], [second])).not.toBe(versionOf([first]));
    // A deletion is a rev too: the page without the record differs from the page with it.
    const gone = record('a', '000000000004-000000-n1', true);
    expect(versionOf([second], [gone])).not.toBe(versionOf([second]));
  });

  it('keeps the same value when the same rev is announced again', () => {
    const a = record('a', '000000000001-000000-n1');
    expect(versionOf([a], [a])).toBe(versionOf([a]));
  });

  it('is URL-safe', () => {
    expect(versionOf([record('a/b?c', '000000000001-000000-n1')])).toMatch(/^[0-9a-z-]+$/);
  });
});

const replicator = (drivers: ReturnType<typeof memoryTargets>) =>
  createReplicator({ drivers, pollIntervalMs: 0, healthIntervalMs: 0, syncIntervalMs: 0 });

describe('trackContent', () => {
  it('gives two instances holding the same records the same value, where store.version differs', async () => {
    const drivers = memoryTargets(1);
    const writer = replicator(drivers);
    const writerContent = trackContent(writer);
    await writer.start();
    const empty = writerContent.value;
    await writer.write([{ kind: 'incident', id: 'a', body: { title: 'one' } }]);
    await writer.write([{ kind: 'incident', id: 'b', body: { title: 'two' } }]);
    await writer.write([{ kind: 'incident', id: 'a', body: { title: 'one, edited' } }]);
    expect(writerContent.value).not.toBe(empty);

    // Another instance loads what the first wrote, all at once.
    const reader = replicator(reopen(drivers));
    const readerContent = trackContent(reader);
    await reader.start();
    expect(readerContent.value).toBe(writerContent.value);
    expect(reader.version).not.toBe(writer.version);

    await writer.write([{ kind: 'incident', id: 'b', deleted: true }]);
    expect(readerContent.value).not.toBe(writerContent.value);
    await reader.pollOnce();
    expect(readerContent.value).toBe(writerContent.value);
    await Promise.all([writer.stop(), reader.stop()]);
  });
});
