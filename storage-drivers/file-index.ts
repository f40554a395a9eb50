/**
 * The rev index of the file driver: one empty file per stored record version, named
 * `<rev>~<name>` (`.deleted` appended for tombstones), in `<dir>/.revs/<kind>/`. Reading one folder
 * per kind gives every (id, rev) without opening a record, which is what `digest` and `changes` need.
 *
 * A write marks itself first: it creates `<rev>~<name>.pending`, replaces the record, renames the
 * pending entry to its final name, then removes the entry of the rev it replaced. So whenever a
 * record has no pending entry, exactly one final entry names its rev; a name with a pending entry or
 * several final ones (a write in flight, or a crash mid-way) is settled by reading the record itself.
 * `init` repairs what crashes left behind.
 */
export type EntryState = 'live' | 'deleted' | 'pending';

export interface IndexEntry {
  rev: string;
  /** The record's file name without `.json`. */
  name: string;
  state: EntryState;
  /** The entry's own file name. */
  file: string;
}

const ENTRY = /^([0-9a-f]{12}-[0-9a-f]{6}-[a-z0-9]{1,32})~([^.~]+)(?:\.(deleted|pending))?$/;

export function entryFile(rev: string, name: string, state: EntryState): string {
  return `${rev}~${name}${state === 'live' ? '' : `.${state}`}`;
}

export const finalState = (deleted: boolean): EntryState => (deleted ? 'deleted' : 'live');

export function parseEntry(file: string): IndexEntry | null {
  const match = ENTRY.exec(file);
  if (!match) return null;
  return {
    rev: match[1]!,
    name: match[2]!,
    state: (match[3] as EntryState | undefined) ?? 'live',
    file,
  };
}

export interface NameEntries {
  finals: IndexEntry[];
  pendings: IndexEntry[];
}

/** Entries grouped by record name. */
export function groupByName(entries: Iterable<IndexEntry>): Map<string, NameEntries> {
  const groups = new Map<string, NameEntries>();
  for (const entry of entries) {
    let group = groups.get(entry.name);
    if (!group) groups.set(entry.name, (group = { finals: [], pendings: [] }));
    (entry.state === 'pending' ? group.pendings : group.finals).push(entry);
  }
  return groups;
}

/** The entry that names the record's rev without reading it, or null when only the record can tell. */
export function settledEntry(group: NameEntries): IndexEntry | null {
  return group.pendings.length === 0 && group.finals.length === 1 ? group.finals[0]! : null;
}
