/**
 * An app process for the SIGKILL test: writes records through a replicator, waits until the
 * hints for targets that missed them are persisted, reports what was acknowledged on stdout as
 * one JSON line, then idles until it is killed (it never stops the replicator or closes drivers).
 *
 *   node --import tsx replication-writer.ts '{"targets":[{"driver":"sqlite","uri":"..."}],"count":100,"kind":"incident"}'
 */
import type { DriverName, StoredRecord } from '../../storage-drivers/types.ts';
import { createReplicator } from '../../src/replication/replicator.ts';
import { createTargetDriver } from './replication-lab.ts';

interface WriterJob {
  targets: Array<{ driver: DriverName; uri: string }>;
  count: number;
  kind: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as WriterJob;
// Not initialised here: a target that is down now is initialised by the replicator when it returns.
const drivers = await Promise.all(
  job.targets.map((t) => createTargetDriver({ driver: t.driver, uri: new URL(t.uri) })),
);
const replicator = createReplicator({
  drivers,
  writeTimeoutMs: 1_000,
  syncIntervalMs: 0,
  pollIntervalMs: 0,
  healthIntervalMs: 0,
  // Keep the hints queued until the kill.
  hintRetryBaseMs: 3_600_000,
  hintRetryMaxMs: 3_600_000,
});
await replicator.start();
const acknowledged: StoredRecord[] = [];
for (let i = 0; i < job.count; i++) {
  const mutation =
    i % 10 === 9
      ? { kind: job.kind, id: `r${i - 1}`, deleted: true as const }
      : { kind: job.kind, id: `r${i}`, body: { i } };
  acknowledged.push(...(await replicator.write([mutation])));
}
await replicator.settle();
process.stdout.write(`${JSON.stringify({ acknowledged, targets: replicator.targets() })}\n`);
setInterval(() => undefined, 60_000);
