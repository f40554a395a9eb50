/**
 * Writes what changed between a cluster's snapshots, never the snapshots themselves: each object
 * of `object-states.ts` gets a record when its state changes, and a tombstone when it leaves the
 * cluster. A burst of identical snapshots writes nothing, so replication load follows what
 * changes in the clusters, not how often agents report.
 *
 * What a cluster's records hold is read from the store once, on its first snapshot, so a restarted
 * app does not write again what it wrote before. A change another app instance has already
 * written (both received the snapshot) is seen in the store's view and not written twice. Writes
 * of one cluster run one at a time; snapshots arriving meanwhile are folded into the next pass,
 * which records the newest. What a snapshot cannot vouch for is left alone: kinds whose watches
 * had not listed yet (`unsynced`), and FT services not probed yet, which are absent from `health`
 * without being gone. A write that fails leaves its changes pending for the next snapshot,
 * and nothing is compared before the store's view has loaded (every object would look new).
 */
import type { Mutation, RecordStore } from '../replication/types.ts';
import type { Json } from '../../storage-drivers/types.ts';
import {
  CLUSTER_KINDS,
  coverage,
  objectStates,
  stateSignature,
  type ClusterKind,
  type ObjectState,
} from './object-states.ts';
import type { ClusterSnapshot } from './snapshot-schema.ts';

/** One change written: an object's new state, or its removal (`state: 'removed'`). */
export interface Transition {
  kind: ClusterKind;
  id: string;
  state: string;
  previous: string | undefined;
}

export interface RecordOutcome {
  /** Changes written by this pass (possibly for a newer snapshot than the caller's). */
  transitions: Transition[];
  /** Changes that could not be written; they are tried again with the next snapshot. */
  pending: number;
  error?: string;
}

interface Known {
  signature: string;
  state: string;
}

interface ClusterLog {
  known?: Map<string, Known>;
  latest?: ClusterSnapshot;
  running?: Promise<unknown>;
  queued?: Promise<RecordOutcome>;
}

/** Records per write: a first snapshot of a large cluster goes out in several writes, not one huge one. */
const WRITE_BATCH = 200;

const keyOf = (kind: string, id: string) => `${kind}\u0000${id}`;

export interface ClusterRecorderOptions {
  store: RecordStore;
  now?: () => number;
  /** Called with each pass's transitions once they are written (metrics, state machines). */
  onTransitions?: (cluster: string, transitions: Transition[]) => void;
}

export class ClusterRecorder {
  private readonly logs = new Map<string, ClusterLog>();
  private readonly now: () => number;

  constructor(private readonly options: ClusterRecorderOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Records the changes up to `snapshot` (or a newer one of its cluster that arrived meanwhile). */
  record(snapshot: ClusterSnapshot): Promise<RecordOutcome> {
    let log = this.logs.get(snapshot.cluster);
    if (!log) {
      log = {};
      this.logs.set(snapshot.cluster, log);
    }
    log.latest = snapshot;
    // A pass already waiting will take this snapshot: its callers share its outcome.
    if (log.queued) return log.queued;
    const current = log;
    const run = () => {
      current.queued = undefined;
      const latest = current.latest!;
      current.latest = undefined;
      return this.pass(current, latest);
    };
    const previous = current.running ?? Promise.resolve();
    const next = previous.then(run, run);
    current.queued = next;
    current.running = next;
    return next;
  }

  private knownStates(log: ClusterLog, cluster: string): Map<string, Known> {
    if (log.known) return log.known;
    const known = new Map<string, Known>();
    for (const kind of CLUSTER_KINDS) {
      for (const record of this.options.store.list(kind)) {
        const body = record.body as { cluster?: unknown; state?: unknown } | null;
        if (body?.cluster !== cluster) continue;
        known.set(keyOf(kind, record.id), {
          signature: stateSignature(record.body),
          state: String(body.state),
        });
      }
    }
    log.known = known;
    return known;
  }

  private async pass(log: ClusterLog, snapshot: ClusterSnapshot): Promise<RecordOutcome> {
    const { store } = this.options;
    // Before anything is loaded, every object would look new and its stored `since` (how long a
    // Service has been down) would be overwritten: wait for the view.
    if (store.loadState.source === 'none')
      return {
        transitions: [],
        pending: objectStates(snapshot).length,
        error: 'the stored state is not loaded yet',
      };
    const known = this.knownStates(log, snapshot.cluster);
    const at = new Date(this.now()).toISOString();
    const seen = new Set<string>();
    const changes: { mutation: Mutation; transition: Transition; key: string; next?: Known }[] = [];
    const change = (state: ObjectState) => {
      const key = keyOf(state.kind, state.id);
      // An object listed twice is recorded once (the first wins), never twice in one write.
      if (seen.has(key)) return;
      seen.add(key);
      const signature = stateSignature(state.body);
      const before = known.get(key);
      if (before?.signature === signature) return;
      const stored = store.get(state.kind, state.id);
      const storedBody = stored?.body as { state?: unknown; since?: unknown } | undefined;
      const next = { signature, state: state.body.state };
      // Another app instance wrote this very state already.
      if (stored && stateSignature(stored.body) === signature) {
        known.set(key, next);
        return;
      }
      const sameState = storedBody?.state === state.body.state;
      const since = sameState && typeof storedBody?.since === 'string' ? storedBody.since : at;
      changes.push({
        key,
        next,
        mutation: { kind: state.kind, id: state.id, body: { ...state.body, since } as Json },
        transition: {
          kind: state.kind,
          id: state.id,
          state: state.body.state,
          previous: before?.state,
        },
      });
    };
    const covered = coverage(snapshot);
    for (const state of objectStates(snapshot)) if (covered.trusted(state.kind)) change(state);
    for (const [key, before] of known) {
      if (seen.has(key)) continue;
      const [kind, id] = key.split('\u0000') as [ClusterKind, string];
      if (!covered.mayRemove(kind, id)) continue;
      // Removed already (by another app instance): nothing to write.
      if (!store.get(kind, id)) {
        known.delete(key);
        continue;
      }
      changes.push({
        key,
        mutation: { kind, id, deleted: true },
        transition: { kind, id, state: 'removed', previous: before.state },
      });
    }

    const written: Transition[] = [];
    for (let i = 0; i < changes.length; i += WRITE_BATCH) {
      const batch = changes.slice(i, i + WRITE_BATCH);
      try {
        await store.write(batch.map((c) => c.mutation));
      } catch (error) {
        if (written.length) this.options.onTransitions?.(snapshot.cluster, written);
        return {
          transitions: written,
          pending: changes.length - i,
          error: error instanceof Error ? error.message : String(error),
        };
      }
      for (const c of batch) {
        if (c.next) known.set(c.key, c.next);
        else known.delete(c.key);
        written.push(c.transition);
      }
    }
    if (written.length) this.options.onTransitions?.(snapshot.cluster, written);
    return { transitions: written, pending: 0 };
  }
}
