/**
 * Delivers the outbox: one dispatcher per app instance, all of them over the same records.
 *
 * An attempt starts with a claim: `store.claim('outbox_claim', '<outboxId>/<generation>',
 * { instance, expiresAt })`, a putIfAbsent decided by one arbiter, so one instance attempts each
 * generation. The winner sends with the entry's id as idempotency key, then writes the outcome
 * and the next generation into the entry. A claim whose lease expired (its instance died) is
 * taken over by claiming the next generation. A successful send claims the next generation for
 * good (`settled`) before its outcome is written, so no instance can send the entry again, even one
 * whose view lags behind. The one gap: an instance that dies after the receiver accepted but
 * before that settling claim leaves the entry claimable once its lease expires, and the next
 * generation sends it again, with the same idempotency key.
 *
 * A slow or dead receiver holds only its own channel's slots: each channel has its own
 * concurrency, every send has a timeout (AbortSignal), and nothing here runs inside a request.
 */
import type { DeliveryReceipt, Notification } from '../../notifiers/types.ts';
import type { Logger } from '../logger.ts';
import type { RecordStore } from '../replication/types.ts';
import type { Channel } from './channels.ts';
import {
  decodeClaim,
  decodeOutbox,
  OUTBOX_KIND,
  outboxMutation,
  type OutboxEntry,
  type OutboxRecord,
} from './records.ts';
import { afterFailure, describeFailure, type RetryPolicy } from './retry.ts';
import { pruneMutations } from './retention.ts';

export interface DispatcherOptions {
  store: RecordStore;
  channels: readonly Channel[];
  /** This instance's name in claims (host, pid and a random part). */
  instance: string;
  now: () => number;
  random?: () => number;
  logger: Logger;
  /** How long a claim holds; it must outlast a send and the write of its outcome. */
  leaseMs: number;
  retry: RetryPolicy;
  /** Sent and failed entries are deleted this long after they settled. */
  retentionMs: number;
  /** Look for due entries this often (0: only when asked, as on Workers). */
  pollIntervalMs: number;
  /** statusetat hands plugins the subscribers' addresses with every notification. */
  subscribersOf?: (notification: Notification) => readonly string[];
}

export interface Dispatcher {
  start(): void;
  /** Abort sends in flight (they are retried later, by whichever instance), write their outcomes, stop. */
  stop(): Promise<void>;
  /** One pass: start every due delivery the channels have room for, and wait for them. */
  runOnce(): Promise<void>;
  /** Delete settled entries past retention. */
  prune(): Promise<number>;
}

const MAX_GENERATION_STEPS = 32;

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { store, logger } = options;
  const channels = new Map(options.channels.map((c) => [c.name, c]));
  const inFlight = new Map<string, Promise<void>>();
  const perChannel = new Map<string, number>();
  /** Claims this instance lost while its view did not show them yet: claim id → when. */
  const lost = new Map<string, number>();
  // One controller per send, made in the send's own context: a Worker refuses I/O objects (an
  // AbortController's signal among them) that another request created.
  const sending = new Set<AbortController>();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastPrune = 0;

  /** The generation this instance now holds, or undefined when another instance has the entry. */
  async function acquire(entry: OutboxRecord): Promise<number | undefined> {
    let generation = entry.generation ?? 0;
    for (let step = 0; step < MAX_GENERATION_STEPS; step++, generation++) {
      const id = `${entry.id}/${generation}`;
      const now = options.now();
      const held = decodeClaim(store.get(OUTBOX_KIND.claim, id));
      const lostAt = lost.get(id);
      if (held?.settled) {
        // Sent by an instance that died before recording it: record it, send nothing.
        await record(entry, {
          generation: generation + 1,
          state: 'sent',
          attempts: entry.attempts + 1,
          response: 'sent (recorded after its instance stopped)',
        });
        return undefined;
      }
      if (held) {
        if (held.expiresAt > now) return undefined;
        continue;
      }
      if (lostAt !== undefined) {
        if (now - lostAt < options.leaseMs) return undefined;
        continue;
      }
      const won = await store.claim(OUTBOX_KIND.claim, id, {
        instance: options.instance,
        expiresAt: now + options.leaseMs,
      });
      if (won) return generation;
      lost.set(id, now);
      return undefined;
    }
    return undefined;
  }

  async function send(channel: Channel, entry: OutboxRecord): Promise<DeliveryReceipt> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error(`no answer within ${channel.timeoutMs} ms`)),
      channel.timeoutMs,
    );
    sending.add(controller);
    try {
      return await attempt(channel, entry, controller.signal);
    } finally {
      clearTimeout(timer);
      sending.delete(controller);
    }
  }

  function attempt(
    channel: Channel,
    entry: OutboxRecord,
    signal: AbortSignal,
  ): Promise<DeliveryReceipt> {
    const context = {
      idempotencyKey: entry.id,
      signal,
      ...(entry.recipient ? { recipient: entry.recipient } : {}),
    };
    const { message } = entry;
    if (message.type === 'notification') {
      const subscribers =
        channel.type === 'plugin' ? options.subscribersOf?.(message.notification) : undefined;
      return channel.notifier.send(message.notification, {
        ...context,
        ...(subscribers ? { subscribers } : {}),
      });
    }
    if (!channel.notifier.sendMail)
      throw new Error(`channel ${channel.name} cannot send direct mail`);
    return channel.notifier.sendMail(message.mail, context);
  }

  /**
   * An instance that stalled past its lease (a long pause, a partition) must not overwrite what the
   * instance that took over wrote: a failure is then dropped; a success is still recorded.
   */
  function supersededAfter(entry: OutboxRecord, generation: number): boolean {
    const stored = store.get(OUTBOX_KIND.outbox, entry.id);
    const current = stored ? decodeOutbox(stored) : undefined;
    if (current && (current.generation ?? 0) > generation + 1) return true;
    return store.get(OUTBOX_KIND.claim, `${entry.id}/${generation + 1}`) !== undefined;
  }

  async function record(entry: OutboxRecord, change: Partial<OutboxEntry>): Promise<void> {
    const { id, ...body } = entry;
    const next: OutboxEntry = { ...body, ...change };
    // The outcome must land, or the entry is attempted again: retry the write within the lease.
    const deadline = options.now() + options.leaseMs / 2;
    for (let attempt = 1; ; attempt++) {
      try {
        await store.write([outboxMutation(id, next)]);
        return;
      } catch (error) {
        if (options.now() > deadline) {
          logger.error(
            { outbox: id, err: describeFailure(error) },
            'could not record a delivery outcome; the entry will be attempted again',
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }

  async function deliver(channel: Channel, entry: OutboxRecord): Promise<void> {
    const generation = await acquire(entry).catch((error: unknown) => {
      logger.warn({ outbox: entry.id, err: describeFailure(error) }, 'outbox claim failed');
      return undefined;
    });
    if (generation === undefined) return;
    const claimed: Partial<OutboxEntry> = { generation: generation + 1 };
    try {
      const receipt = await send(channel, entry);
      // The next generation is taken at once, for good: an instance whose view has not seen the
      // outcome yet (or whose clock ran past the lease meanwhile) can no longer claim it.
      await store
        .claim(OUTBOX_KIND.claim, `${entry.id}/${generation + 1}`, {
          instance: options.instance,
          expiresAt: Number.MAX_SAFE_INTEGER,
          settled: 'sent',
        })
        .catch(() => false);
      await record(entry, {
        ...claimed,
        state: 'sent',
        attempts: entry.attempts + 1,
        sentAt: new Date(options.now()).toISOString(),
        response: receipt.response,
      });
    } catch (error) {
      const outcome = afterFailure(entry, error, options.now(), options.retry, options.random);
      if (supersededAfter(entry, generation)) {
        logger.warn(
          { outbox: entry.id, channel: channel.name },
          'delivery failed after another instance took it over; its outcome is kept',
        );
        return;
      }
      logger.warn(
        {
          outbox: entry.id,
          channel: channel.name,
          attempts: outcome.attempts,
          state: outcome.state,
          err: outcome.lastError,
        },
        'delivery failed',
      );
      await record(entry, { ...claimed, ...outcome });
    }
  }

  function due(): OutboxRecord[] {
    const now = options.now();
    return store
      .list(OUTBOX_KIND.outbox)
      .flatMap((r) => decodeOutbox(r) ?? [])
      .filter(
        (e) => e.state === 'pending' && Date.parse(e.nextAttemptAt) <= now && !inFlight.has(e.id),
      )
      .sort((a, b) =>
        a.nextAttemptAt < b.nextAttemptAt ? -1 : a.nextAttemptAt > b.nextAttemptAt ? 1 : 0,
      );
  }

  function startDue(): Promise<void>[] {
    if (stopped) return [];
    const started: Promise<void>[] = [];
    for (const entry of due()) {
      const channel = channels.get(entry.channel);
      if (!channel) continue;
      const busy = perChannel.get(channel.name) ?? 0;
      if (busy >= channel.concurrency) continue;
      perChannel.set(channel.name, busy + 1);
      const run = deliver(channel, entry)
        .catch((error: unknown) =>
          logger.error({ outbox: entry.id, err: describeFailure(error) }, 'delivery crashed'),
        )
        .finally(() => {
          inFlight.delete(entry.id);
          perChannel.set(channel.name, (perChannel.get(channel.name) ?? 1) - 1);
          // A freed slot may have work waiting behind it.
          if (timer !== undefined) schedule(0);
        });
      inFlight.set(entry.id, run);
      started.push(run);
    }
    return started;
  }

  async function prune(): Promise<number> {
    const mutations = pruneMutations(store, options.now(), options.retentionMs);
    for (let i = 0; i < mutations.length; i += 200) await store.write(mutations.slice(i, i + 200));
    return mutations.length;
  }

  function tick(): void {
    timer = undefined;
    void startDue();
    if (options.now() - lastPrune > 3_600_000) {
      lastPrune = options.now();
      void prune().catch((error: unknown) =>
        logger.warn({ err: describeFailure(error) }, 'outbox retention pass failed'),
      );
    }
    if (!stopped) schedule(options.pollIntervalMs);
  }

  function schedule(delayMs: number): void {
    if (stopped || options.pollIntervalMs <= 0) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(tick, delayMs);
    (timer as { unref?: () => void }).unref?.();
  }

  return {
    start() {
      if (options.channels.length > 0) schedule(0);
    },
    async stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      stopped = true;
      for (const controller of sending) controller.abort(new Error('shutting down'));
      await Promise.allSettled([...inFlight.values()]);
      await Promise.allSettled(options.channels.map((c) => c.notifier.close?.()));
    },
    async runOnce() {
      await Promise.allSettled(startDue());
    },
    prune,
  };
}
