/**
 * Subscribers (record kind `subscriber`): email addresses and webhook URLs that receive incident
 * and maintenance notices, all of them or those of some components and groups.
 *
 * Double opt-in: a visitor's sign-up is `pending` until the link sent to the address is
 * followed; it expires after the configured time, receives nothing but that one message, and
 * is pruned by later sign-ups. An admin's sign-up is confirmed at once. The id is derived from
 * the normalised address, so the same person subscribing twice (or from two instances at once)
 * is one record, and a duplicate is a success rather than statusetat's SQL primary-key error.
 */
import type { Notification, Recipient } from '../../notifiers/types.ts';
import type { Mutation, RecordStore } from '../replication/types.ts';
import { auditMutation } from './audit.ts';
import { newId, nowOf, nowText, type DomainContext } from './context.ts';
import { DomainError, invalid, notFound, type FieldProblem } from './errors.ts';
import { componentId } from './read-model.ts';
import { decodeSubscriber, KIND, subscriberMutation } from './records.ts';
import {
  emailAddress,
  normaliseEmail,
  normaliseWebhookUrl,
  subscriberId,
} from './subscriber-address.ts';
import { instant } from './time.ts';
import type { Actor, Subscriber, SubscriberKind, SubscriberScope } from './types.ts';

export { emailAddress, normaliseEmail, normaliseWebhookUrl } from './subscriber-address.ts';

/** The default time a pending sign-up may be confirmed in (config `subscriptions.confirm_within`). */
export const DEFAULT_CONFIRM_WITHIN_MS = 48 * 3_600_000;
/** Expired pending records removed by one sign-up, so a sign-up's write stays small. */
const PRUNE_PER_WRITE = 50;
const MAX_SCOPE = 200;

const byCreation = (a: Subscriber, b: Subscriber) =>
  a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1;

export function listSubscribers(ctx: { store: Pick<RecordStore, 'list'> }): Subscriber[] {
  return ctx.store
    .list(KIND.subscriber)
    .flatMap((r) => decodeSubscriber(r) ?? [])
    .sort(byCreation);
}

export function getSubscriber(
  ctx: Pick<DomainContext, 'store'>,
  id: string,
): Subscriber | undefined {
  const record = ctx.store.get(KIND.subscriber, id);
  return record ? decodeSubscriber(record) : undefined;
}

/** A pending subscriber whose time to confirm is over: it receives nothing and may be pruned. */
export function isExpired(subscriber: Subscriber, now: number): boolean {
  return subscriber.state === 'pending' && instant(subscriber.expires_at ?? '') <= now;
}

/** Who is signing up: an email address or a webhook URL, with the scope asked for. */
export interface SubscriptionInput {
  kind: SubscriberKind;
  address: string;
  scope?: Partial<SubscriberScope>;
}

/** The normalised address and scope, or every problem with the input, named by field. */
export function checkSubscription(
  ctx: Pick<DomainContext, 'settings'>,
  input: SubscriptionInput,
): { kind: SubscriberKind; address: string; display: string; scope: SubscriberScope } {
  const problems: FieldProblem[] = [];
  let address = '';
  let display = '';
  if (input.kind === 'webhook') {
    const url = normaliseWebhookUrl(input.address);
    if ('problem' in url) problems.push({ path: 'url', message: `the URL ${url.problem}` });
    else address = display = url.url;
  } else {
    const email = normaliseEmail(input.address);
    if (!email)
      problems.push({
        path: 'email',
        message: `${JSON.stringify(input.address.slice(0, 300))} is not an email address`,
      });
    else ({ address, display } = email);
  }
  const scope = checkScope(ctx, input.scope ?? {}, problems);
  if (problems.length > 0) throw invalid(problems);
  return { kind: input.kind, address, display, scope };
}

/** Deduplicated, in config order; unknown components or groups are problems named by position. */
function checkScope(
  ctx: Pick<DomainContext, 'settings'>,
  scope: Partial<SubscriberScope>,
  problems: FieldProblem[],
): SubscriberScope {
  const { components, groups } = ctx.settings;
  const pick = (field: 'components' | 'groups', known: string[]) => {
    const asked = scope[field] ?? [];
    if (asked.length > MAX_SCOPE) {
      problems.push({ path: field, message: `at most ${MAX_SCOPE}` });
      return [];
    }
    asked.forEach((value, i) => {
      if (!known.includes(value))
        problems.push({
          path: `${field}[${i}]`,
          message: `${JSON.stringify(value.slice(0, 200))} is not a ${field === 'groups' ? 'group' : 'component'} of this page`,
        });
    });
    return known.filter((k) => asked.includes(k));
  };
  return {
    components: pick(
      'components',
      components.map((c) => c.id),
    ),
    groups: pick(
      'groups',
      groups.map((g) => g.name),
    ),
  };
}

export interface SubscribeOptions {
  /** Confirmed at once (an admin or an admin token); otherwise pending until the link is followed. */
  confirmed: boolean;
  /** How long a pending sign-up may be confirmed in (DEFAULT_CONFIRM_WITHIN_MS). */
  confirmWithinMs?: number;
  /**
   * Mutations written in the same write as the subscriber (the confirmation mail), built from
   * the subscriber as it will be stored: the mail is queued if and only if the record is.
   */
  extra?: (subscriber: Subscriber, outcome: SubscribeOutcome) => Promise<Mutation[]> | Mutation[];
}

/**
 * `created`: confirmed now; `pending`: waits for its confirmation (new, or asked again);
 * `unchanged`: already confirmed, nothing about it was written (a visitor cannot change
 * someone else's scope: the manage link, sent to the address, does that).
 */
export type SubscribeOutcome = 'created' | 'pending' | 'unchanged';

export async function requestSubscription(
  ctx: DomainContext,
  actor: Actor,
  input: SubscriptionInput,
  options: SubscribeOptions,
): Promise<{ outcome: SubscribeOutcome; subscriber: Subscriber }> {
  const checked = checkSubscription(ctx, input);
  const id = subscriberId(checked.kind, checked.address);
  const now = nowOf(ctx);
  const existing = getSubscriber(ctx, id);
  const mutations: Mutation[] = [];
  let subscriber: Subscriber;
  let outcome: SubscribeOutcome;
  if (existing?.state === 'confirmed') {
    subscriber = existing;
    outcome = 'unchanged';
  } else {
    const base = {
      id,
      kind: checked.kind,
      address: checked.address,
      display: checked.display,
      scope: checked.scope,
      created_at: nowText(ctx),
      nonce: newId(ctx),
    };
    if (options.confirmed) {
      subscriber = { ...base, state: 'confirmed', confirmed_at: new Date(now).toISOString() };
      outcome = 'created';
    } else {
      const within = options.confirmWithinMs ?? DEFAULT_CONFIRM_WITHIN_MS;
      subscriber = { ...base, state: 'pending', expires_at: new Date(now + within).toISOString() };
      outcome = 'pending';
    }
    mutations.push(
      subscriberMutation(subscriber),
      auditMutation(ctx, actor, {
        action: 'subscriber.add',
        target: { kind: KIND.subscriber, id },
        summary: outcome === 'pending' ? 'subscribed, waiting for confirmation' : 'subscribed',
      }),
    );
  }
  mutations.push(...((await options.extra?.(subscriber, outcome)) ?? []));
  if (!options.confirmed) mutations.push(...pruneMutations(ctx, now, id));
  if (mutations.length > 0) await ctx.store.write(mutations);
  return { outcome, subscriber };
}

/** Statusetat's and the admin's direct subscription of an email address, confirmed at once; false when it already was. */
export async function subscribe(ctx: DomainContext, actor: Actor, email: string): Promise<boolean> {
  const { outcome } = await requestSubscription(
    ctx,
    actor,
    { kind: 'email', address: email },
    { confirmed: true },
  );
  return outcome === 'created';
}

/**
 * The deletes of pending sign-ups whose time to confirm is over (at most `limit`): joined to each
 * visitor's sign-up, and to the outbox's periodic retention pass, so none lingers for long.
 */
export function expiredSignUpMutations(
  store: Pick<RecordStore, 'list'>,
  now: number,
  limit = PRUNE_PER_WRITE,
  except = '',
): Mutation[] {
  return listSubscribers({ store })
    .filter((s) => s.id !== except && isExpired(s, now))
    .slice(0, limit)
    .map((s) => ({ kind: KIND.subscriber, id: s.id, deleted: true as const }));
}

const pruneMutations = (ctx: DomainContext, now: number, except: string) =>
  expiredSignUpMutations(ctx.store, now, PRUNE_PER_WRITE, except);

/** Remove pending subscribers whose time to confirm is over (50 at a time); returns how many. */
export async function pruneExpiredSubscribers(ctx: DomainContext): Promise<number> {
  const mutations = pruneMutations(ctx, nowOf(ctx), '');
  if (mutations.length > 0) await ctx.store.write(mutations);
  return mutations.length;
}

/** Why a confirmation was refused: no such sign-up (or another one since), or too late. */
export class ConfirmationError extends DomainError {
  constructor(readonly reason: 'unknown' | 'expired') {
    super(
      'invalid',
      reason === 'expired'
        ? 'the time to confirm this subscription is over'
        : 'this confirmation is not for a current sign-up',
    );
  }
}

/**
 * Confirm the pending sign-up `id` whose link carried `nonce`. Confirming twice is fine (the
 * same subscriber comes back); an expired or replaced sign-up throws ConfirmationError.
 */
export async function confirmSubscription(
  ctx: DomainContext,
  id: string,
  nonce: string,
): Promise<Subscriber> {
  const subscriber = getSubscriber(ctx, id);
  if (!subscriber || subscriber.nonce !== nonce) throw new ConfirmationError('unknown');
  if (subscriber.state === 'confirmed') return subscriber;
  const now = nowOf(ctx);
  if (isExpired(subscriber, now)) throw new ConfirmationError('expired');
  const { expires_at: _expired, ...rest } = subscriber;
  const confirmed: Subscriber = {
    ...rest,
    state: 'confirmed',
    confirmed_at: new Date(now).toISOString(),
  };
  await ctx.store.write([
    subscriberMutation(confirmed),
    auditMutation(
      ctx,
      { type: 'public', name: 'subscriber' },
      {
        action: 'subscriber.confirm',
        target: { kind: KIND.subscriber, id },
        summary: 'confirmed the subscription',
      },
    ),
  ]);
  return confirmed;
}

/** Change what a subscriber hears about (the manage page, the admin). */
export async function setSubscriberScope(
  ctx: DomainContext,
  actor: Actor,
  id: string,
  scope: Partial<SubscriberScope>,
): Promise<Subscriber> {
  const subscriber = getSubscriber(ctx, id);
  if (!subscriber) throw notFound('subscriber', id);
  const problems: FieldProblem[] = [];
  const checked = checkScope(ctx, scope, problems);
  if (problems.length > 0) throw invalid(problems);
  const changed: Subscriber = { ...subscriber, scope: checked };
  await ctx.store.write([
    subscriberMutation(changed),
    auditMutation(ctx, actor, {
      action: 'subscriber.scope',
      target: { kind: KIND.subscriber, id },
      summary: describeScope(checked),
    }),
  ]);
  return changed;
}

export function describeScope(scope: SubscriberScope): string {
  const parts = [...scope.groups.map((g) => `group ${g}`), ...scope.components];
  return parts.length === 0 ? 'everything' : parts.join(', ');
}

/** The id of an email address or of a subscriber id as given; undefined when it is neither. */
function resolveId(ctx: Pick<DomainContext, 'store'>, idOrEmail: string): string | undefined {
  if (ctx.store.get(KIND.subscriber, idOrEmail)) return idOrEmail;
  const address = emailAddress(idOrEmail);
  return address === null ? undefined : subscriberId('email', address);
}

/**
 * Remove a subscriber, by email address or id. Throws not_found when it is not subscribed;
 * callers that must not reveal that catch it.
 */
export async function unsubscribe(
  ctx: DomainContext,
  actor: Actor,
  idOrEmail: string,
): Promise<void> {
  const id = resolveId(ctx, idOrEmail);
  if (id === undefined)
    throw invalid([
      {
        path: 'email',
        message: `${JSON.stringify(idOrEmail.slice(0, 300))} is not an email address`,
      },
    ]);
  if (!ctx.store.get(KIND.subscriber, id)) throw notFound('subscriber', idOrEmail);
  await ctx.store.write([
    { kind: KIND.subscriber, id, deleted: true },
    auditMutation(ctx, actor, {
      action: 'subscriber.remove',
      target: { kind: KIND.subscriber, id },
      summary: 'unsubscribed',
    }),
  ]);
}

/** Whether a notice about these components reaches a subscriber with this scope (maintenance included). */
export function scopeMatches(
  scope: SubscriberScope,
  components: readonly { name: string; group: string }[],
): boolean {
  if (scope.components.length === 0 && scope.groups.length === 0) return true;
  return components.some(
    (c) =>
      scope.components.includes(componentId(c.group, c.name)) ||
      (c.group !== '' && scope.groups.includes(c.group)),
  );
}

/** The signed links every message to a subscriber carries (built by the HTTP layer, which holds the key). */
export interface SubscriberLinks {
  unsubscribe(subscriber: Subscriber): string;
  manage(subscriber: Subscriber): string;
}

/**
 * The recipients of one notice on one kind of channel: confirmed subscribers of that kind whose
 * scope covers one of the notice's components, oldest first, each with its own unsubscribe and
 * manage links (when `links` is given). Webhook URLs came from visitors or API callers, so they are marked untrusted
 * (the outbound guard applies to them). Synchronous, so it can run inside the step that adds a
 * notice's outbox records to the change's own write.
 */
export function subscriberRecipients(
  store: Pick<RecordStore, 'list'>,
  notification: Pick<Notification, 'incident'>,
  channelKind: SubscriberKind,
  links?: SubscriberLinks,
): Recipient[] {
  return listSubscribers({ store })
    .filter(
      (s) =>
        s.kind === channelKind &&
        s.state === 'confirmed' &&
        scopeMatches(s.scope, notification.incident.components),
    )
    .map((s) => ({
      address: s.address,
      ...(links ? { unsubscribeUrl: links.unsubscribe(s), manageUrl: links.manage(s) } : {}),
      ...(s.kind === 'webhook' ? { untrusted: true } : {}),
    }));
}
