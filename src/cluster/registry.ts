/**
 * The latest snapshot of each cluster, in memory, and which agent instance it comes from.
 *
 * Two rules decide whether a snapshot is taken:
 * - From one instance, only a higher sequence number counts; a replayed or reordered older one is
 *   ignored (`stale_sequence`). An agent that restarts is a new instance, so it starts afresh.
 * - While several instances report for one cluster (two replicas, or a rollout of the agent),
 *   the one with the lowest instance id is the cluster's source and the others are ignored
 *   (`standby`). An instance counts as reporting until it has been silent for two of its own
 *   heartbeats; then the next lowest takes over with its next snapshot. The choice depends only
 *   on what was heard, not on arrival order, so the state does not flap between two replicas
 *   that see slightly different things, and several app instances pick the same source.
 */
import type { ClusterSnapshot } from './snapshot-schema.ts';

export type AcceptResult =
  | { applied: true; snapshot: ClusterSnapshot; previous: ClusterSnapshot | undefined }
  | { applied: false; reason: 'stale_sequence' | 'standby'; source: string | undefined };

export interface AgentInstance {
  instance: string;
  version: string;
  lastSequence: number;
  /** When the app last heard from it, ms since the epoch. */
  lastSeen: number;
  heartbeatMs: number;
}

export interface ClusterView {
  cluster: string;
  /** The applied snapshot; undefined when no agent has reported since this app instance started. */
  snapshot: ClusterSnapshot | undefined;
  /** When it was received, ms since the epoch. */
  receivedAt: number | undefined;
  /** The instance whose snapshots are applied. */
  source: string | undefined;
  /** Every instance heard from lately, the source included, by id. */
  instances: AgentInstance[];
}

interface Entry {
  snapshot?: ClusterSnapshot;
  receivedAt?: number;
  source?: string;
  instances: Map<string, AgentInstance>;
}

/** Reporting instances are those heard from within this many of their heartbeats. */
const TAKEOVER_HEARTBEATS = 2;
/** Instances silent for this many heartbeats are forgotten (memory stays bounded under agent churn). */
const FORGET_HEARTBEATS = 20;

export class ClusterRegistry {
  private readonly entries = new Map<string, Entry>();

  /** `clusters`: the configured ones, listed (as never reported) before any agent speaks. */
  constructor(
    clusters: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    for (const cluster of clusters) this.entry(cluster);
  }

  private entry(cluster: string): Entry {
    let entry = this.entries.get(cluster);
    if (!entry) {
      entry = { instances: new Map() };
      this.entries.set(cluster, entry);
    }
    return entry;
  }

  accept(snapshot: ClusterSnapshot): AcceptResult {
    const now = this.now();
    const entry = this.entry(snapshot.cluster);
    const id = snapshot.agent.instance;
    const known = entry.instances.get(id);
    if (known && snapshot.sequence <= known.lastSequence)
      return { applied: false, reason: 'stale_sequence', source: entry.source };
    entry.instances.set(id, {
      instance: id,
      version: snapshot.agent.version,
      lastSequence: snapshot.sequence,
      lastSeen: now,
      heartbeatMs: snapshot.heartbeatSeconds * 1000,
    });
    let source = id;
    for (const other of entry.instances.values()) {
      const silentFor = now - other.lastSeen;
      if (silentFor > FORGET_HEARTBEATS * other.heartbeatMs) {
        entry.instances.delete(other.instance);
        continue;
      }
      if (silentFor <= TAKEOVER_HEARTBEATS * other.heartbeatMs && other.instance < source)
        source = other.instance;
    }
    if (source !== id) return { applied: false, reason: 'standby', source };
    const previous = entry.snapshot;
    entry.snapshot = snapshot;
    entry.receivedAt = now;
    entry.source = id;
    return { applied: true, snapshot, previous };
  }

  get(cluster: string): ClusterView | undefined {
    const entry = this.entries.get(cluster);
    return entry && this.view(cluster, entry);
  }

  /** Every cluster configured or heard from, by name. */
  list(): ClusterView[] {
    return [...this.entries.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([cluster, entry]) => this.view(cluster, entry));
  }

  private view(cluster: string, entry: Entry): ClusterView {
    return {
      cluster,
      snapshot: entry.snapshot,
      receivedAt: entry.receivedAt,
      source: entry.source,
      instances: [...entry.instances.values()].sort((a, b) =>
        a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0,
      ),
    };
  }
}
