/** The replicator's settings from the config's `replication` section, the same on every runtime. */
import type { Config } from '../config/parse.ts';
import type { ReplicatorOptions } from '../replication/types.ts';

export function replicationOptions(config: Config): Omit<ReplicatorOptions, 'drivers'> {
  return {
    writeQuorum: config.replication.write_quorum,
    writeTimeoutMs: config.replication.write_timeout,
    syncIntervalMs: config.replication.sync_interval,
    pollIntervalMs: config.replication.poll_interval,
    tombstoneRetentionMs: config.replication.tombstone_retention,
  };
}
