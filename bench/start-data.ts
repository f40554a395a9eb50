/**
 * A data folder as a long-lived `staunch serve` leaves it, for bench/start.ts: a config.yml with
 * 50 components in 8 groups, a SQLite target and a folder target holding N incidents spread at
 * 10 a day before now (so 1,000 over 100 days, 100,000 over 27 years), and the view snapshot the
 * server writes once it has loaded. The incidents are written through the domain (creates, updates,
 * resolutions and their audit entries) into memory, then copied into the targets in batches.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { domainSettings } from '../src/domain/read-model.ts';
import { createReplicator } from '../src/replication/replicator.ts';
import { fileSnapshotStore } from '../src/runtime/snapshot-file.ts';
import file from '../storage-drivers/file.ts';
import { createMemoryDriver } from '../storage-drivers/memory.ts';
import sqlite from '../storage-drivers/sqlite.ts';
import type { StorageDriver, StoredRecord } from '../storage-drivers/types.ts';
import { fixtureConfig, seedHistory } from '../test/support/status-fixture.ts';

/** At most this many incidents a day, as on a long-lived page. */
export const INCIDENTS_PER_DAY = 10;
const BATCH = 500;
const SHARD = 250;

export interface StartData {
  /** The folder holding config.yml; run `staunch serve` with it as the working directory. */
  dir: string;
  config: string;
  records: number;
}

export function configYaml(options: { folderTarget: boolean }): string {
  const components = fixtureConfig({ components: 50, groups: 8 }).components;
  return [
    'listen: 127.0.0.1:0',
    'username: admin',
    'password: bench-password-0123456789',
    'cookie_key: bench-cookie-key-0123456789abcdef',
    'log: { level: info }',
    'base_info: { title: Bench Status, base_url: http://127.0.0.1, time_zone: UTC }',
    'snapshot: ./data/view-snapshot.json',
    'targets:',
    '  - sqlite://./data/staunch.db',
    ...(options.folderTarget ? ['  - file://./data/records'] : []),
    'components:',
    ...components.map(
      (c) =>
        `  - { name: ${JSON.stringify(c.name)}, group: ${JSON.stringify(c.group)}, description: ${JSON.stringify(c.description)} }`,
    ),
    '',
  ].join('\n');
}

async function allRecords(driver: StorageDriver): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.changes({ limit: 5000, ...(cursor ? { sinceRev: cursor } : {}) });
    records.push(...page.items);
    cursor = page.items.at(-1)?.rev;
    if (!page.cursor) break;
  } while (cursor);
  return records;
}

async function copyInto(driver: StorageDriver, records: StoredRecord[]): Promise<void> {
  await driver.init();
  for (let i = 0; i < records.length; i += BATCH) await driver.put(records.slice(i, i + BATCH));
  await driver.close();
}

/**
 * Writes the folder. The folder target is skipped on request (100,000 incidents are some 600,000
 * files); the SQLite target and the snapshot are always there.
 */
export async function writeStartData(
  dir: string,
  options: {
    incidents: number;
    now: number;
    folderTarget: boolean;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<StartData> {
  const yaml = configYaml(options);
  const config = fixtureConfig({ components: 50, groups: 8 });
  // In shards of a few hundred incidents, each its own store: the domain reads a store's whole
  // list on every write, so one store of 100,000 would take hours to fill.
  const records: StoredRecord[] = [];
  const settings = domainSettings(config);
  for (let done = 0, shard = 0; done < options.incidents; shard++) {
    const incidents = Math.min(SHARD, options.incidents - done);
    const days = incidents / INCIDENTS_PER_DAY;
    const now = options.now - Math.round(done / INCIDENTS_PER_DAY) * 86_400_000;
    const memory = createMemoryDriver(new URL(`memory://start-data-${process.pid}-${shard}`));
    const store = createReplicator({
      drivers: [memory],
      // Revs stamped when the incidents happened, as on a page that has lived through them.
      now: () => now,
      pollIntervalMs: 0,
      syncIntervalMs: 0,
      healthIntervalMs: 0,
    });
    await store.start();
    await seedHistory(
      { store, settings, now: () => now },
      {
        incidents,
        // Only the newest shard has open incidents, maintenances and a known issue.
        open: shard === 0 ? 3 : 0,
        days,
        now,
        seed: 2026 + shard,
        maintenance: shard === 0,
        knownIssues: shard === 0 ? 1 : 0,
      },
    );
    await store.stop();
    records.push(...(await allRecords(memory)));
    await memory.close();
    done += incidents;
    options.onProgress?.(done, options.incidents);
  }

  const data = join(dir, 'data');
  await mkdir(data, { recursive: true });
  await writeFile(join(dir, 'config.yml'), yaml);
  await copyInto(sqlite.create(new URL(`sqlite://${join(data, 'staunch.db')}`), {}), records);
  if (options.folderTarget) {
    const folder = new URL(`${pathToFileURL(join(data, 'records')).href}?fsync=false`);
    await copyInto(file.create(folder, {}), records);
  }
  await fileSnapshotStore(join(data, 'view-snapshot.json')).write({
    format: 1,
    writtenAt: new Date(options.now).toISOString(),
    records,
  });
  return { dir, config: join(dir, 'config.yml'), records: records.length };
}
