import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNodeConfig } from './node-config.ts';
import { fileSnapshotStore } from './snapshot-file.ts';

const snapshot = (n: number) => ({
  format: 1 as const,
  writtenAt: new Date(Date.UTC(2026, 0, 1, n)).toISOString(),
  records: [],
});

describe('the view snapshot file', () => {
  it('is absent at first, then holds the last snapshot written, in a folder it creates, with no temporary file left', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'staunch-snapshot-')), 'data');
    const store = fileSnapshotStore(join(folder, 'view-snapshot.json'));
    expect(await store.read()).toBeNull();
    await store.write(snapshot(1));
    await store.write(snapshot(2));
    expect(await store.read()).toEqual(snapshot(2));
    expect(readdirSync(folder)).toEqual(['view-snapshot.json']);
  });

  it('with writes: false (workers 2..N of serve.workers) reads the file and never replaces it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'staunch-snapshot-')), 'view-snapshot.json');
    await fileSnapshotStore(file).write(snapshot(1));
    const reader = fileSnapshotStore(file, { writes: false });
    await reader.write(snapshot(2));
    expect(await reader.read()).toEqual(snapshot(1));
  });

  it('writes a header line and one record per line, and reads back records larger than a read chunk', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'staunch-snapshot-')), 'view-snapshot.json');
    const records = Array.from({ length: 4_500 }, (_, i) => ({
      kind: 'incident',
      id: `i${i}`,
      rev: `${String(i).padStart(12, '0')}-000000-node`,
      deleted: false,
      // Some records alone are over the 1 MB read chunk, so lines span chunks.
      body: { text: i % 1_500 === 7 ? 'é'.repeat(700_000) : `line\nbreak ${i}` },
    }));
    const written = { format: 1 as const, writtenAt: '2026-12-02T04:00:00.000Z', records };
    await fileSnapshotStore(file).write(written);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      format: 1,
      writtenAt: written.writtenAt,
      records: 'lines',
    });
    expect(lines).toHaveLength(records.length + 2);
    expect(await fileSnapshotStore(file).read()).toEqual(written);
  });

  it('still reads the one-document file earlier versions wrote', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'staunch-snapshot-')), 'view-snapshot.json');
    const old = {
      ...snapshot(3),
      records: [{ kind: 'a', id: 'b', rev: 'c', deleted: true, body: null }],
    };
    writeFileSync(file, JSON.stringify(old));
    expect(await fileSnapshotStore(file).read()).toEqual(old);
  });

  it('refuses a file that is not JSON (the replicator then starts without it)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'staunch-snapshot-')), 'view-snapshot.json');
    writeFileSync(file, '{"format":1,"writtenAt":');
    await expect(fileSnapshotStore(file).read()).rejects.toThrow(SyntaxError);
  });

  it("lives, when the config gives a relative path or none, in the config file's folder, like relative targets", () => {
    const folder = mkdtempSync(join(tmpdir(), 'staunch-snapshot-'));
    writeFileSync(
      join(folder, 'a.yml'),
      'targets:\n  - sqlite://./s.db\nsnapshot: ./state/last.json\n',
    );
    writeFileSync(join(folder, 'b.yml'), 'targets:\n  - sqlite://./s.db\n');
    writeFileSync(join(folder, 'c.yml'), 'targets:\n  - sqlite://./s.db\nsnapshot: false\n');
    expect(loadNodeConfig(join(folder, 'a.yml'), {}).config.snapshot).toBe(
      join(folder, 'state', 'last.json'),
    );
    expect(loadNodeConfig(join(folder, 'b.yml'), {}).config.snapshot).toBe(
      join(folder, 'data', 'view-snapshot.json'),
    );
    expect(loadNodeConfig(join(folder, 'c.yml'), {}).config.snapshot).toBe(false);
  });
});
