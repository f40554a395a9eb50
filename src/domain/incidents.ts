/**
 * Every change to incidents, maintenances and known issues, for all APIs and the admin UI. Each
 * function validates the complete result first and then makes exactly one `store.write` call
 * holding every record it changes plus its audit entry: a rejected change writes nothing, an
 * accepted one is never half applied. A change of an existing incident reads, validates and
 * writes under the incident's lock, and writes only the fields it changes (./incident-fields.ts),
 * never the whole `incident` record, so it can neither undo a concurrent change of another field
 * nor bring back an incident deleted meanwhile.
 */
import type { Mutation } from '../replication/types.ts';
import { auditMutation } from './audit.ts';
import { newId, nowOf, nowText, type DomainContext } from './context.ts';
import { invalid, notFound } from './errors.ts';
import type { ChangeOptions, DomainEvent } from './notify-hooks.ts';
import { deleteFieldMutations, fieldMutations, storedIncident } from './incident-fields.ts';
import { underIncidentLock } from './incident-lock.ts';
import {
  assembleIncident,
  decodeMessage,
  deleteMessageMutation,
  incidentMutation,
  KIND,
  messageMutation,
  type IncidentDocument,
  type MessageDocument,
} from './records.ts';
import { instant, isUnsetTime } from './time.ts';
import {
  incidentStateRow,
  isIncidentState,
  ZERO_TIME,
  type Actor,
  type ComponentState,
  type Incident,
  type IncidentState,
} from './types.ts';
import { incidentProblems, messageProblems } from './validation.ts';

export interface MessageInput {
  /** Kept when given (statusetat keeps client message guids); generated otherwise. */
  guid?: string;
  title: string;
  content: string;
  /** RFC3339; now when absent or zero. */
  created_at?: string;
}

export interface IncidentInput {
  state?: IncidentState;
  component_state?: ComponentState;
  components: string[];
  /** Newest first, as statusetat clients send them; the last one is the opening message. */
  messages: MessageInput[];
  metadata?: { key: string; value: string }[];
  is_scheduled?: boolean;
  scheduled_end?: string;
  /** Start of the incident or maintenance window; now when absent or zero. */
  created_at?: string;
  persistent?: boolean;
}

export interface IncidentPatch {
  state?: IncidentState;
  component_state?: ComponentState;
  components?: string[];
  metadata?: { key: string; value: string }[];
  is_scheduled?: boolean;
  persistent?: boolean;
  /** null clears it (statusetat could not); the zero time means "unchanged", as Go clients send it. */
  scheduled_end?: string | null;
  created_at?: string;
  /** Replaces every message. */
  messages?: MessageInput[];
  /** Changes the title and content of one existing message; one left out keeps what is stored when the change runs. */
  edit_message?: MessageEdit & { guid: string };
}

/** A new title or content of a message; one left out keeps the stored one, so concurrent edits of the other are not undone. */
export interface MessageEdit {
  title?: string;
  content?: string;
}

export interface UpdateInput {
  title: string;
  content: string;
  created_at?: string;
  /** A state change announced by this update (a Statuspage-style update). */
  state?: IncidentState;
  component_state?: ComponentState;
}

/** `writtenAt` becomes the messages' `updated_at`, which the incident's `updated_at` follows. */
function toMessageDocuments(
  ctx: DomainContext,
  incidentGuid: string,
  inputs: readonly MessageInput[],
  impact: Pick<IncidentDocument, 'state' | 'component_state'>,
  now: string,
  writtenAt = now,
): MessageDocument[] {
  return inputs.map((input, position) => ({
    guid: input.guid || newId(ctx),
    incident_guid: incidentGuid,
    created_at: isUnsetTime(input.created_at) ? now : input.created_at!,
    title: input.title,
    content: input.content,
    incident_state: impact.state,
    component_state: impact.component_state,
    position,
    updated_at: writtenAt,
  }));
}

/** The stored documents of an incident, so a change starts from what is there; call it under the incident's lock. */
function current(
  ctx: DomainContext,
  guid: string,
): { doc: IncidentDocument; messages: MessageDocument[] } {
  const doc = storedIncident(ctx.store, guid);
  if (!doc) throw notFound('incident', guid);
  const prefix = `${guid}/`;
  const messages = ctx.store
    .list(KIND.update)
    .filter((r) => r.id.startsWith(prefix))
    .flatMap((r) => decodeMessage(r) ?? []);
  return { doc, messages };
}

function assertValid(
  ctx: DomainContext,
  doc: IncidentDocument,
  messages: readonly MessageDocument[],
) {
  const problems = incidentProblems(doc, messages, ctx.settings);
  if (problems.length > 0) throw invalid(problems);
}

const kindName = (doc: IncidentDocument) =>
  doc.persistent ? 'known issue' : doc.is_scheduled ? 'maintenance' : 'incident';

/**
 * The outbox's share of a change: the pre-check first (a refusal throws before anything is
 * written), then the records to add to the change's own write; none when the change is silent.
 */
async function notifying(
  ctx: DomainContext,
  event: DomainEvent,
  options: ChangeOptions = {},
): Promise<Mutation[]> {
  const hooks = ctx.notifications;
  if (!hooks) return [];
  await hooks.preCheck(event);
  return options.silent ? [] : hooks.mutations(event);
}

export async function createIncident(
  ctx: DomainContext,
  actor: Actor,
  input: IncidentInput,
  options: ChangeOptions = {},
): Promise<Incident> {
  const now = nowText(ctx);
  const guid = newId(ctx);
  const isScheduled = input.is_scheduled ?? false;
  const createdAt = isUnsetTime(input.created_at) ? now : input.created_at!;
  const doc: IncidentDocument = {
    guid,
    created_at: createdAt,
    // statusetat: a new incident's updated_at is its created_at; a start still to come is not a change that happened.
    updated_at: instant(createdAt) <= nowOf(ctx) ? createdAt : now,
    recorded_at: now,
    state: input.state ?? 0,
    // statusetat: a maintenance always puts its components under maintenance.
    component_state: isScheduled ? 1 : (input.component_state ?? 0),
    components: [...new Set(input.components)],
    metadata: (input.metadata ?? []).map((m) => ({
      incident_guid: guid,
      key: m.key,
      value: m.value,
    })),
    is_scheduled: isScheduled,
    scheduled_end: input.scheduled_end || ZERO_TIME,
    origin: ctx.settings.baseUrl,
    persistent: input.persistent ?? false,
  };
  const messages = toMessageDocuments(ctx, guid, input.messages, doc, now, doc.updated_at);
  assertValid(ctx, doc, messages);
  const incident = assembleIncident(doc, messages);
  const outbox = await notifying(ctx, { type: 'created', incident }, options);
  await ctx.store.write([
    incidentMutation(doc),
    ...messages.map(messageMutation),
    auditMutation(ctx, actor, {
      action: 'incident.create',
      target: { kind: KIND.incident, id: guid },
      summary: `created ${kindName(doc)}` + (options.silent ? ' (silently)' : ''),
    }),
    ...outbox,
  ]);
  return incident;
}

export function updateIncident(
  ctx: DomainContext,
  actor: Actor,
  guid: string,
  patch: IncidentPatch,
  options: ChangeOptions = {},
): Promise<Incident> {
  return underIncidentLock(ctx, guid, () => applyPatch(ctx, actor, guid, patch, options));
}

async function applyPatch(
  ctx: DomainContext,
  actor: Actor,
  guid: string,
  patch: IncidentPatch,
  options: ChangeOptions,
): Promise<Incident> {
  const { doc: before, messages: beforeMessages } = current(ctx, guid);
  const doc: IncidentDocument = {
    ...before,
    ...(patch.state !== undefined && { state: patch.state }),
    ...(patch.component_state !== undefined && { component_state: patch.component_state }),
    ...(patch.components !== undefined && { components: [...new Set(patch.components)] }),
    ...(patch.metadata !== undefined && {
      metadata: patch.metadata.map((m) => ({ incident_guid: guid, key: m.key, value: m.value })),
    }),
    ...(patch.is_scheduled !== undefined && { is_scheduled: patch.is_scheduled }),
    ...(patch.persistent !== undefined && { persistent: patch.persistent }),
    ...(!isUnsetTime(patch.created_at) && { created_at: patch.created_at }),
    // Only an explicit null clears the end: Go clients send the zero time for "unchanged".
    ...(patch.scheduled_end === null && { scheduled_end: ZERO_TIME }),
    ...(!isUnsetTime(patch.scheduled_end ?? undefined) && { scheduled_end: patch.scheduled_end! }),
    origin: ctx.settings.baseUrl,
    updated_at: nowText(ctx),
  };
  // Something that is no longer a maintenance has no window end (statusetat could not clear it).
  if (patch.is_scheduled === false && patch.scheduled_end === undefined)
    doc.scheduled_end = ZERO_TIME;
  const mutations: Mutation[] = fieldMutations(before, doc);
  let messages = beforeMessages;
  if (patch.messages !== undefined) {
    // A message sent back unchanged keeps the impact it recorded: uptime reads history from it.
    const recorded = new Map(beforeMessages.map((m) => [m.guid, m.component_state]));
    messages = toMessageDocuments(ctx, guid, patch.messages, doc, doc.updated_at).map((m) => ({
      ...m,
      component_state: recorded.get(m.guid) ?? m.component_state,
    }));
    // ...and the state it announced: the timeline is the incident's history.
    const announced = new Map(beforeMessages.map((m) => [m.guid, m.incident_state]));
    messages = messages.map((m) =>
      announced.has(m.guid) ? { ...m, incident_state: announced.get(m.guid) } : m,
    );
    const kept = new Set(messages.map((m) => m.guid));
    mutations.push(
      ...beforeMessages
        .filter((m) => !kept.has(m.guid))
        .map((m) => deleteMessageMutation(guid, m.guid)),
      ...messages.map(messageMutation),
    );
  }
  if (patch.edit_message !== undefined) {
    const edit = patch.edit_message;
    const target = messages.find((m) => m.guid === edit.guid);
    if (!target) throw notFound('message', edit.guid);
    const edited = {
      ...target,
      title: edit.title ?? target.title,
      content: edit.content ?? target.content,
      updated_at: doc.updated_at,
    };
    messages = messages.map((m) => (m.guid === edit.guid ? edited : m));
    mutations.push(messageMutation(edited));
  }
  // A state change leaves a timeline entry, as an update posted with a state does, unless a new message sent with it announces it.
  const known = new Set(beforeMessages.map((m) => m.guid));
  let posted = messages.find((m) => !known.has(m.guid))?.guid ?? patch.edit_message?.guid;
  // An invalid state gets no entry: validation below names it.
  if (
    doc.state !== before.state &&
    isIncidentState(doc.state) &&
    messages.every((m) => known.has(m.guid))
  ) {
    const entry = stateChangeEntry(ctx, doc, messages);
    messages = [...messages, entry];
    mutations.push(messageMutation(entry));
    posted = entry.guid;
  }
  assertValid(ctx, doc, messages);
  const incident = assembleIncident(doc, messages);
  const outbox = await notifying(
    ctx,
    { type: 'updated', incident, previousState: before.state, messageGuid: posted },
    options,
  );
  mutations.push(
    auditMutation(ctx, actor, {
      action: 'incident.update',
      target: { kind: KIND.incident, id: guid },
      summary: describePatch(patch) + (options.silent ? ' (silently)' : ''),
    }),
    ...outbox,
  );
  await ctx.store.write(mutations);
  return incident;
}

/** Within one millisecond of an earlier message, a later one must still come first (newest first). */
const newestPosition = (messages: readonly MessageDocument[]) =>
  Math.min(0, ...messages.map((m) => m.position)) - 1;

function stateChangeEntry(
  ctx: DomainContext,
  doc: IncidentDocument,
  messages: readonly MessageDocument[],
): MessageDocument {
  const content = `State changed to ${incidentStateRow(doc.state).description}.`;
  const [entry] = toMessageDocuments(ctx, doc.guid, [{ title: '', content }], doc, doc.updated_at);
  return { ...entry!, position: newestPosition(messages) };
}

function describePatch(patch: IncidentPatch): string {
  const fields = Object.keys(patch).filter(
    (key) => patch[key as keyof IncidentPatch] !== undefined,
  );
  return fields.length ? `changed ${fields.join(', ')}` : 'touched';
}

/**
 * Adds one update (a new message record; the incident's own record is rewritten only when the
 * update changes its state), so updates posted concurrently from several instances all survive.
 */
export function addMessage(
  ctx: DomainContext,
  actor: Actor,
  guid: string,
  input: UpdateInput,
  options: ChangeOptions = {},
): Promise<Incident> {
  return underIncidentLock(ctx, guid, () => postMessage(ctx, actor, guid, input, options));
}

async function postMessage(
  ctx: DomainContext,
  actor: Actor,
  guid: string,
  input: UpdateInput,
  options: ChangeOptions,
): Promise<Incident> {
  const { doc: before, messages } = current(ctx, guid);
  const changesState =
    (input.state !== undefined && input.state !== before.state) ||
    (input.component_state !== undefined && input.component_state !== before.component_state);
  const doc: IncidentDocument = changesState
    ? {
        ...before,
        state: input.state ?? before.state,
        component_state: input.component_state ?? before.component_state,
        updated_at: nowText(ctx),
      }
    : before;
  // statusetat ignores a client guid here: an added message always gets a server one.
  const [posted] = toMessageDocuments(
    ctx,
    guid,
    [{ title: input.title, content: input.content, created_at: input.created_at }],
    doc,
    nowText(ctx),
  );
  const message = { ...posted!, position: newestPosition(messages) };
  const withNew = [...messages, message];
  assertValid(ctx, doc, withNew);
  const incident = assembleIncident(doc, withNew);
  const outbox = await notifying(
    ctx,
    { type: 'updated', incident, previousState: before.state, messageGuid: message.guid },
    options,
  );
  const mutations: Mutation[] = [messageMutation(message)];
  if (changesState) mutations.push(...fieldMutations(before, doc));
  mutations.push(
    auditMutation(ctx, actor, {
      action: 'message.add',
      target: { kind: KIND.update, id: `${guid}/${message.guid}` },
      summary: changesState ? 'posted an update and changed the state' : 'posted an update',
    }),
    ...outbox,
  );
  await ctx.store.write(mutations);
  return incident;
}

export function updateMessage(
  ctx: DomainContext,
  actor: Actor,
  guid: string,
  messageGuid: string,
  input: MessageEdit,
  options: ChangeOptions = {},
): Promise<Incident> {
  return underIncidentLock(ctx, guid, () =>
    editMessage(ctx, actor, guid, messageGuid, input, options),
  );
}

async function editMessage(
  ctx: DomainContext,
  actor: Actor,
  guid: string,
  messageGuid: string,
  input: MessageEdit,
  options: ChangeOptions,
): Promise<Incident> {
  const { doc, messages } = current(ctx, guid);
  const target = messages.find((m) => m.guid === messageGuid);
  if (!target) throw notFound('message', messageGuid);
  const edited: MessageDocument = {
    ...target,
    title: input.title ?? target.title,
    content: input.content ?? target.content,
    updated_at: nowText(ctx),
  };
  const problems = messageProblems(edited, 'message');
  if (problems.length > 0) throw invalid(problems);
  const incident = assembleIncident(
    doc,
    messages.map((m) => (m.guid === messageGuid ? edited : m)),
  );
  // An edit is not a new message: its notification id is the change's own.
  const outbox = await notifying(
    ctx,
    { type: 'updated', incident, previousState: doc.state },
    options,
  );
  await ctx.store.write([
    messageMutation(edited),
    auditMutation(ctx, actor, {
      action: 'message.update',
      target: { kind: KIND.update, id: `${guid}/${messageGuid}` },
      summary: 'edited an update',
    }),
    ...outbox,
  ]);
  return incident;
}

/** Refuses to remove the last message: an incident without one has no title and broke statusetat's pages and feeds. */
export function deleteMessage(
  ctx: DomainContext,
  actor: Actor,
  guid: string,
  messageGuid: string,
  options: ChangeOptions = {},
): Promise<Incident> {
  return underIncidentLock(ctx, guid, () => removeMessage(ctx, actor, guid, messageGuid, options));
}

async function removeMessage(
  ctx: DomainContext,
  actor: Actor,
  guid: string,
  messageGuid: string,
  options: ChangeOptions,
): Promise<Incident> {
  const { doc: before, messages } = current(ctx, guid);
  if (!messages.some((m) => m.guid === messageGuid)) throw notFound('message', messageGuid);
  const remaining = messages.filter((m) => m.guid !== messageGuid);
  if (remaining.length === 0)
    throw invalid([
      {
        path: 'messages',
        message: 'an incident keeps at least one message; delete the incident instead',
      },
    ]);
  const doc = { ...before, updated_at: nowText(ctx) };
  const incident = assembleIncident(doc, remaining);
  const outbox = await notifying(
    ctx,
    { type: 'updated', incident, previousState: before.state },
    options,
  );
  await ctx.store.write([
    deleteMessageMutation(guid, messageGuid),
    ...fieldMutations(before, doc),
    auditMutation(ctx, actor, {
      action: 'message.delete',
      target: { kind: KIND.update, id: `${guid}/${messageGuid}` },
      summary: 'deleted an update',
    }),
    ...outbox,
  ]);
  return incident;
}

/** Marks the incident resolved, optionally with a closing update, in one write. */
export async function resolveIncident(
  ctx: DomainContext,
  actor: Actor,
  guid: string,
  update?: { title: string; content: string },
  options: ChangeOptions = {},
): Promise<Incident> {
  if (update) return addMessage(ctx, actor, guid, { ...update, state: 1 }, options);
  return updateIncident(ctx, actor, guid, { state: 1 }, options);
}

/**
 * Deletes the incident, its field records and its messages (tombstones, so replicas that missed it
 * cannot bring it back). The `incident` tombstone alone decides: records another instance writes
 * for it without having seen the delete are ignored by every reader.
 */
export function deleteIncident(ctx: DomainContext, actor: Actor, guid: string): Promise<void> {
  return underIncidentLock(ctx, guid, () => removeIncident(ctx, actor, guid));
}

async function removeIncident(ctx: DomainContext, actor: Actor, guid: string): Promise<void> {
  const { doc, messages } = current(ctx, guid);
  // statusetat pre-checks and notifies a deletion as the incident Cancelled.
  const outbox = await notifying(ctx, {
    type: 'deleted',
    incident: assembleIncident({ ...doc, state: 4 }, messages),
  });
  await ctx.store.write([
    { kind: KIND.incident, id: guid, deleted: true },
    ...deleteFieldMutations(ctx.store, guid),
    ...messages.map((m) => deleteMessageMutation(guid, m.guid)),
    auditMutation(ctx, actor, {
      action: 'incident.delete',
      target: { kind: KIND.incident, id: guid },
      summary: `deleted ${kindName(doc)}`,
    }),
    ...outbox,
  ]);
}

/**
 * statusetat's "notify again" (`PUT /v1/incidents/{guid}/notify`, the admin's Notify button):
 * the incident as it is now, to every channel that takes it, triggered by a user; with its audit
 * entry in the same write. Nothing is pre-checked: nothing about the incident changes.
 */
export async function requestNotification(
  ctx: DomainContext,
  actor: Actor,
  guid: string,
): Promise<number> {
  const { doc, messages } = current(ctx, guid);
  const outbox =
    ctx.notifications?.mutations({
      type: 'manual',
      incident: assembleIncident(doc, messages),
    }) ?? [];
  await ctx.store.write([
    auditMutation(ctx, actor, {
      action: 'incident.notify',
      target: { kind: KIND.incident, id: guid },
      summary: 'asked to notify again',
    }),
    ...outbox,
  ]);
  return outbox.filter((m) => m.kind === 'outbox').length;
}
