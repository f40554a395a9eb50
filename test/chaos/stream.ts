/**
 * The writes of the chaos suite, all through statusetat's API as a client would send them, each
 * logged in the ledger with its answer: a random stream (creates, field edits, messages,
 * deletes), the poisoned inputs, and two instances racing on the same incidents.
 */
import type { Answer, ChaosInstance } from './instance.ts';
import { isUnknownAnswer } from './readers.ts';
import { outcomeOf, type Field, type FinalIncident, type Ledger } from './ledger.ts';

export const COMPONENTS = ['Core - API', 'Core - Website', 'Edge - CDN'];

/** What the writers were told, beyond the ledger: the 5xx answers, sorted by why. */
export interface WriteCounts {
  /** 503 "state unknown" from an instance still loading (allowed). */
  unknown: number;
  /** 503 while the suite itself took the quorum away (allowed: the write was refused). */
  noQuorum: number;
  /** Every other 5xx: none is allowed. */
  serverErrors: number;
  samples: string[];
}

export function newWriteCounts(): WriteCounts {
  return { unknown: 0, noQuorum: 0, serverErrors: 0, samples: [] };
}

/** Deterministic pseudo-random numbers, so a failing run can be replayed with its seed. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
}

export interface StreamContext {
  ledger: Ledger;
  counts: WriteCounts;
  /** True while the suite has taken the write quorum away on purpose. */
  quorumWithdrawn(): boolean;
}

let unique = 0;
const marker = (what: string) => `${what}-${process.pid}-${++unique}`;

function classify(
  context: StreamContext,
  instance: ChaosInstance,
  what: string,
  answer: Answer,
): void {
  if (answer.status < 500) return;
  if (isUnknownAnswer(answer.status, answer.text)) context.counts.unknown += 1;
  else if (answer.status === 503 && context.quorumWithdrawn()) context.counts.noQuorum += 1;
  else {
    context.counts.serverErrors += 1;
    if (context.counts.samples.length < 20)
      context.counts.samples.push(
        `${instance.name} ${what}: ${answer.status} ${answer.text.slice(0, 200)}`,
      );
  }
}

/** A request the ledger can record: never sent (connection refused) means nothing to record. */
async function send(
  context: StreamContext,
  instance: ChaosInstance,
  what: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ answer: Answer; start: number } | undefined> {
  const start = context.ledger.tick();
  const answer = await instance.request(method, path, { body, admin: true });
  if (!answer.sent) return undefined;
  classify(context, instance, what, answer);
  return { answer, start };
}

export async function createIncident(
  context: StreamContext,
  instance: ChaosInstance,
  fields: {
    state: number;
    component_state: number;
    components: string[];
    title?: string;
    guid?: string;
  },
): Promise<FinalIncident | undefined> {
  const content = marker('created');
  const body = {
    state: fields.state,
    component_state: fields.component_state,
    components: fields.components,
    messages: [{ guid: fields.guid, title: fields.title ?? 'Chaos', content }],
  };
  const sent = await send(context, instance, 'create', 'POST', '/v1/incidents', body);
  if (!sent) return undefined;
  const incident =
    sent.answer.status === 201 ? (JSON.parse(sent.answer.text) as FinalIncident) : undefined;
  context.ledger.created(sent.start, outcomeOf(sent.answer.status), content, incident);
  return incident;
}

export async function setField(
  context: StreamContext,
  instance: ChaosInstance,
  guid: string,
  field: Field,
  value: unknown,
): Promise<Answer | undefined> {
  const sent = await send(context, instance, `set ${field}`, 'PUT', `/v1/incidents/${guid}`, {
    [field]: value,
  });
  if (sent) context.ledger.fieldSet(guid, sent.start, outcomeOf(sent.answer.status), field, value);
  return sent?.answer;
}

export async function addMessage(
  context: StreamContext,
  instance: ChaosInstance,
  guid: string,
): Promise<Answer | undefined> {
  const content = marker('message');
  const sent = await send(context, instance, 'message', 'POST', `/v1/incidents/${guid}/messages`, {
    title: 'Update',
    content,
  });
  if (sent) context.ledger.messageAdded(guid, sent.start, outcomeOf(sent.answer.status), content);
  return sent?.answer;
}

export async function deleteIncident(
  context: StreamContext,
  instance: ChaosInstance,
  guid: string,
): Promise<Answer | undefined> {
  const sent = await send(context, instance, 'delete', 'DELETE', `/v1/incidents/${guid}`);
  if (sent) context.ledger.deleted(guid, sent.start, outcomeOf(sent.answer.status));
  return sent?.answer;
}

/** A value for a field edit: never a major outage, which stays the anchor's alone. */
function valueFor(field: Field, random: () => number): unknown {
  if (field === 'state') return [0, 2, 3][Math.floor(random() * 3)];
  if (field === 'component_state') return 1 + Math.floor(random() * 3);
  return [COMPONENTS[1 + Math.floor(random() * 2)]];
}

/**
 * `operations` writes by `concurrency` workers, spread over the live instances; one write at a
 * time per incident (the races are `raceOn`'s job). `at(n)` runs before the n-th operation, for
 * faults injected mid-stream.
 */
export async function writeStream(
  context: StreamContext,
  options: {
    instances: readonly ChaosInstance[];
    operations: number;
    concurrency: number;
    random: () => number;
    at?: (n: number) => Promise<void>;
  },
): Promise<void> {
  const { ledger } = context;
  const busy = new Set<string>();
  let next = 0;
  const worker = async (which: number) => {
    for (let n = next++; n < options.operations; n = next++) {
      await options.at?.(n);
      const live = options.instances.filter((i) => i.alive);
      const instance = live[(n + which) % Math.max(1, live.length)] ?? options.instances[0]!;
      const candidates = ledger.writable().filter((guid) => !busy.has(guid));
      const roll = options.random();
      if (candidates.length < 5 || roll < 0.25) {
        await createIncident(context, instance, {
          state: 0,
          component_state: 2,
          components: [COMPONENTS[1]!],
        });
        continue;
      }
      const guid = candidates[Math.floor(options.random() * candidates.length)]!;
      busy.add(guid);
      try {
        if (roll < 0.55) {
          const field = (['state', 'component_state', 'components'] as const)[
            Math.floor(options.random() * 3)
          ]!;
          await setField(context, instance, guid, field, valueFor(field, options.random));
        } else if (roll < 0.85) await addMessage(context, instance, guid);
        else await deleteIncident(context, instance, guid);
      } finally {
        busy.delete(guid);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, which) => worker(which)));
}

/** Item 4's inputs, sent mid-stream; each answer is returned for the report. */
export async function sendPoison(
  context: StreamContext,
  instance: ChaosInstance,
): Promise<string[]> {
  const subscribe = await instance.request('GET', '/v1/subscribe?email=a%00b@x.co');
  classify(context, instance, 'poisoned subscribe', subscribe);
  // JSON.stringify writes the lone surrogate as the escape \ud800, as an attacker's client would.
  const created = await createIncident(context, instance, {
    state: 0,
    component_state: 2,
    components: [COMPONENTS[2]!],
    guid: 'bad-\ud800-guid',
  });
  return [
    `subscribe a%00b@x.co: ${subscribe.status}`,
    `message guid with a lone surrogate: ${created ? 201 : 'refused'}`,
  ];
}

/** Wait until `instance` sees the incident (another instance's write reaches it by polling). */
async function seen(instance: ChaosInstance, guid: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if ((await instance.request('GET', `/v1/incidents/${guid}`)).status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

export type Race = 'delete-vs-update' | 'different-fields' | 'same-field' | 'messages';
export const RACES: readonly Race[] = [
  'delete-vs-update',
  'different-fields',
  'same-field',
  'messages',
];

/** What one race came to: whether both writes were sent, and how many of them were acknowledged. */
export interface RaceResult {
  /** False when the incident could not be created or never reached the other instance: nothing raced. */
  raced: boolean;
  acknowledged: number;
}

/** Two instances writing to one incident at the same moment. */
export async function raceOn(
  context: StreamContext,
  [one, two]: readonly [ChaosInstance, ChaosInstance],
  race: Race,
): Promise<RaceResult> {
  const incident = await createIncident(context, one, {
    state: 0,
    component_state: 2,
    components: [COMPONENTS[1]!],
  });
  if (!incident || !(await seen(two, incident.guid))) return { raced: false, acknowledged: 0 };
  const { guid } = incident;
  const both = (a: Promise<Answer | undefined>, b: Promise<Answer | undefined>) =>
    Promise.all([a, b]);
  let answers: Array<Answer | undefined>;
  if (race === 'delete-vs-update')
    answers = await both(
      deleteIncident(context, one, guid),
      setField(context, two, guid, 'state', 2),
    );
  else if (race === 'different-fields')
    answers = await both(
      setField(context, one, guid, 'state', 3),
      setField(context, two, guid, 'components', [COMPONENTS[2]]),
    );
  else if (race === 'same-field')
    answers = await both(
      setField(context, one, guid, 'component_state', 1),
      setField(context, two, guid, 'component_state', 3),
    );
  else answers = await both(addMessage(context, one, guid), addMessage(context, two, guid));
  return {
    raced: true,
    acknowledged: answers.filter((a) => a && outcomeOf(a.status) === 'ack').length,
  };
}
