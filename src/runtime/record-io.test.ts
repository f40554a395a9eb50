import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryDriver } from '../../storage-drivers/memory.ts';
import { createSqliteDriver } from '../../storage-drivers/sqlite.ts';
import type { StorageDriver, StoredRecord } from '../../storage-drivers/types.ts';
import { HybridLogicalClock } from '../replication/hlc.ts';
import { exportRecords } from './record-export.ts';
import { importRecords } from './record-import.ts';
import { uniqueSuffix } from '../../test/support/require-server.ts';

const folder = mkdtempSync(join(tmpdir(), 'staunch-export-'));
const drivers: StorageDriver[] = [];
const sqlite = (name: string) => {
  const driver = createSqliteDriver(new URL(`sqlite://${join(folder, name)}`));
  drivers.push(driver);
  return driver;
};
const memory = () => {
  const driver = createMemoryDriver(new URL(`memory://export-${uniqueSuffix()}`));
  drivers.push(driver);
  return driver;
};
afterAll(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  rmSync(folder, { recursive: true, force: true });
});

async function* linesOf(text: string): AsyncGenerator<string> {
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end < 0) break;
    yield text.slice(start, end);
    start = end + 1;
  }
  if (start < text.length) yield text.slice(start);
}

async function exportText(sources: StorageDriver[]): Promise<string> {
  const chunks: string[] = [];
  await exportRecords(sources, (chunk) => void chunks.push(chunk), { now: () => 0 });
  return chunks.join('');
}

function records(count: number, writer: string): StoredRecord[] {
  const clock = new HybridLogicalClock(writer, () => Date.UTC(2026, 10, 21));
  const kinds = ['incident', 'incident_update', 'incident_field', 'subscriber', 'audit'];
  return Array.from({ length: count }, (_, i) => ({
    kind: kinds[i % kinds.length]!,
    id: `id-${i}/é ${'x'.repeat(i % 7)}`,
    rev: clock.next(),
    deleted: i % 97 === 0,
    body: i % 97 === 0 ? null : { n: i, text: `record ${i} ✓`, nested: { list: [i, 'a', true] } },
  }));
}

async function putAll(driver: StorageDriver, all: StoredRecord[]) {
  await driver.init();
  for (let i = 0; i < all.length; i += 5000) await driver.put(all.slice(i, i + 5000));
}

describe('export and import', () => {
  it('a round trip of 100,000 records reproduces identical digests on every target', async () => {
    const source = sqlite('source.db');
    await putAll(source, records(100_000, 'sourcea1'));
    const started = performance.now();
    const text = await exportText([source]);
    const exported = performance.now();
    const copies = [sqlite('copy.db'), memory()];
    const summary = await importRecords(linesOf(text), copies);
    const finished = performance.now();
    console.log(
      `100,000 records: export ${((exported - started) / 1000).toFixed(2)} s, import into sqlite + memory ${((finished - exported) / 1000).toFixed(2)} s, ${(text.length / 1e6).toFixed(1)} MB`,
    );
    expect(summary).toMatchObject({ records: 100_000, invalidCount: 0 });
    expect(summary.targets.map((t) => t.applied)).toEqual([100_000, 100_000]);
    const digest = await source.digest();
    for (const copy of copies) expect(await copy.digest()).toEqual(digest);
    // Exported again, the copy gives the same records, byte for byte (the header names the source).
    const body = (t: string) => t.slice(t.indexOf('\n') + 1);
    expect(body(await exportText([copies[0]!]))).toBe(body(text));
  }, 300_000);

  it('importing twice, or an older export over newer data, changes nothing', async () => {
    const target = memory();
    const older = records(50, 'writer01');
    await putAll(target, older);
    const newer = older.map((r) => ({
      ...r,
      rev: r.rev.replace(/^(\w{12})/, (m) => (parseInt(m, 16) + 1).toString(16).padStart(12, '0')),
      body: { newer: true },
    }));
    const newerText = await exportText([await filled(newer)]);
    expect((await importRecords(linesOf(newerText), [target])).targets[0]!.applied).toBe(50);
    expect((await importRecords(linesOf(newerText), [target])).targets[0]).toMatchObject({
      applied: 0,
      unchanged: 50,
    });
    const olderText = await exportText([await filled(older)]);
    expect((await importRecords(linesOf(olderText), [target])).targets[0]).toMatchObject({
      applied: 0,
      unchanged: 50,
    });
    expect((await target.get(older[1]!.kind, older[1]!.id))?.body).toEqual({ newer: true });
  });

  it('merges every target by rev, tombstones included, and says which could not be read', async () => {
    const [a, b] = [memory(), memory()];
    const all = records(10, 'merge001');
    await putAll(a, all.slice(0, 6));
    await putAll(b, all.slice(4));
    const broken = memory();
    await broken.close();
    const chunks: string[] = [];
    const summary = await exportRecords([a, b, broken], (c) => void chunks.push(c));
    expect(summary.records).toBe(10);
    expect(summary.tombstones).toBe(1);
    expect(summary.failed.map((f) => f.target)).toEqual([broken.location]);
  });

  it('skips bad lines, naming them, and imports the rest', async () => {
    const target = memory();
    const good = records(2, 'badlines');
    const text = [
      JSON.stringify({ format: 'staunch-records/1' }),
      JSON.stringify(good[0]),
      '{not json',
      JSON.stringify({ ...good[1], rev: 'yesterday' }),
      JSON.stringify({ ...good[1], kind: '_hint' }),
      JSON.stringify(good[1]),
    ].join('\n');
    const summary = await importRecords(linesOf(text), [target]);
    expect(summary.records).toBe(2);
    expect(summary.invalid).toEqual([
      { line: 3, problem: 'not JSON' },
      { line: 4, problem: 'rev "yesterday" is not a clock stamp' },
      { line: 5, problem: 'kind _hint belongs to the replication engine and is not imported' },
    ]);
    await expect(
      importRecords(linesOf(JSON.stringify({ format: 'other/2' })), [target]),
    ).rejects.toThrow('format other/2');
  });
});

async function filled(all: StoredRecord[]): Promise<StorageDriver> {
  const driver = memory();
  await putAll(driver, all);
  return driver;
}
