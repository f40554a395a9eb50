/**
 * The domain's documents. Field names are statusetat's JSON names on purpose: the stored bodies,
 * the `/v1` API and migration tools all speak the same shape, and times stay RFC3339 strings with
 * the offset they were given (compare them with `instant()` from ./time.ts, never as strings).
 */
import type { ComponentState, IncidentState } from './states.ts';

export * from './states.ts';

/** A component from the config. `id` is statusetat's identity string: `"group - name"`, or `name` without a group. */
export interface Component {
  id: string;
  name: string;
  description: string;
  /** '' when the component has no group. */
  group: string;
  /** Position in the config, for stable display order. */
  position: number;
}

export interface ComponentGroup {
  name: string;
  /** Member component ids in config order. */
  components: string[];
  position: number;
}

/** One update of an incident ("message" in statusetat). Markdown content. */
export interface Message {
  guid: string;
  incident_guid: string;
  created_at: string;
  title: string;
  content: string;
  /** The incident state this update announced, when known (Statuspage `incident_updates[].status`). */
  incident_state?: IncidentState;
  /**
   * The component state the incident put its components in from this update on, when known
   * (updates written before it was recorded have none). Uptime reads the impact from these.
   */
  component_state?: ComponentState;
}

export interface MetadataEntry {
  incident_guid: string;
  key: string;
  value: string;
}

/**
 * An incident, a maintenance (`is_scheduled`) or a known issue (`persistent`), assembled from its
 * `incident` record, its `incident_field` and its `incident_update` records (see ./records.ts for
 * why they are separate).
 */
export interface Incident {
  guid: string;
  /** Start of the incident; for a maintenance, the start of its window (statusetat's meaning, so it can be in the future). */
  created_at: string;
  /** The server time of the last change: never later than the moment it was written. */
  updated_at: string;
  /**
   * The server time the record was created, whatever start a client gave; absent on records
   * written before it was kept. Read it through `announcedAt()` (./timestamps.ts).
   */
  recorded_at?: string;
  state: IncidentState;
  /** The state every affected component is in while the incident is open. */
  component_state: ComponentState;
  /** Component ids (`"group - name"`). */
  components: string[];
  /** Newest first, as statusetat serves them: the last element is the opening ("main") message. */
  messages: Message[];
  metadata: MetadataEntry[];
  is_scheduled: boolean;
  /** End of a maintenance window; the zero time `0001-01-01T00:00:00Z` when there is none. */
  scheduled_end: string;
  origin: string;
  persistent: boolean;
}

/** A manual status set on a component from the admin UI or the native API (record kind `component`). */
export interface ComponentOverride {
  component: string;
  state: ComponentState;
  note: string;
  updated_at: string;
  updated_by: string;
}

/**
 * Who made a change, for the audit log. Tokens are identified by their configured name, never
 * their value; `public` is an unauthenticated visitor (subscribe, unsubscribe).
 */
export interface Actor {
  type: 'user' | 'token' | 'system' | 'public';
  name: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: Actor;
  /** e.g. `incident.create`, `incident.update`, `message.add`, `subscriber.add`. */
  action: string;
  target: { kind: string; id: string };
  /** A short, secret-free description of the change. */
  summary: string;
}

export type SubscriberKind = 'email' | 'webhook';
/** `pending` until the link sent to the address is followed; only `confirmed` subscribers receive notices. */
export type SubscriberState = 'pending' | 'confirmed';

/** What a subscriber hears about: both lists empty means everything. */
export interface SubscriberScope {
  /** Component ids (`"group - name"`). */
  components: string[];
  /** Group names: every component of the group, including ones added to it later. */
  groups: string[];
}

export interface Subscriber {
  /** The normalised address for email (lower case), `webhook~<hash>` for a webhook, so a URL (it may hold a token) never becomes a record id. */
  id: string;
  kind: SubscriberKind;
  /** The bare normalised email address, or the normalised webhook URL. */
  address: string;
  /** Email: as given (statusetat keeps display-name forms such as `Bob <bob@x.io>` verbatim); webhook: the URL. */
  display: string;
  state: SubscriberState;
  scope: SubscriberScope;
  created_at: string;
  /** Pending only: ISO instant after which the confirmation no longer works and the record may be pruned. */
  expires_at?: string;
  confirmed_at?: string;
  /**
   * Random per subscription and part of every signed link, so the links of an address stop
   * working when it unsubscribes, even if it subscribes again later. Empty for records written
   * before links carried one (statusetat's, earlier Staunch versions).
   */
  nonce: string;
}

/** The zero time statusetat writes for "no date". */
export const ZERO_TIME = '0001-01-01T00:00:00Z';
