/**
 * The configured channels: each `notifiers[]` block of the config made into a Notifier by its
 * definition, with statusetat's `for` filter kept beside it. The outbox only ever sees channels,
 * so a channel that is not configured can never receive anything.
 */
import type {
  Notifier,
  NotifierDefinition,
  NotifierEnvironment,
  NotificationIncident,
} from '../../notifiers/types.ts';

/** statusetat's `for: { require_all, groups, names }`. */
export interface ForFilter {
  require_all: boolean;
  groups: readonly string[];
  names: readonly string[];
}

export interface Channel {
  /** Unique per config; part of every outbox id, so it never holds `~`. */
  name: string;
  type: string;
  filter: ForFilter;
  notifier: Notifier;
  /** Position of its block in `notifiers[]`, for config errors. */
  index: number;
  /** The block's `params.timeout`-independent delivery limits (ms, count). */
  timeoutMs: number;
  concurrency: number;
}

/** One `notifiers[]` block as the config schema leaves it. */
export interface ChannelBlock {
  type: string;
  name?: string;
  params: Record<string, unknown>;
  for: ForFilter;
}

/**
 * statusetat's MatchComponents: no groups and no names match everything; otherwise, without
 * `require_all`, one component matching one group or one name is enough; with it, every component
 * must match every listed group and every listed name.
 */
export function matchesFilter(
  filter: ForFilter,
  components: readonly NotificationIncident['components'][number][],
): boolean {
  if (filter.groups.length === 0 && filter.names.length === 0) return true;
  const all = filter.require_all;
  const matches = (component: { name: string; group: string }) => {
    const tests = [
      ...filter.groups.map((group) => component.group === group),
      ...filter.names.map((name) => component.name === name),
    ];
    return all ? tests.every(Boolean) : tests.some(Boolean);
  };
  return all ? components.every(matches) : components.some(matches);
}

/** `name`, else the type and the block's position (1-based), as logs and the outbox show it. */
export const channelName = (block: Pick<ChannelBlock, 'type' | 'name'>, index: number) =>
  (block.name ?? `${block.type}-${index + 1}`).replace(/~/g, '-');

export interface ChannelOptions {
  /** Per-delivery time limit (default 10 s). */
  timeoutMs?: number;
  /** Deliveries in flight per channel (default 4). */
  concurrency?: number;
}

/**
 * Builds every block whose type has a definition. The config check refuses unknown types and bad
 * params before this runs, so a block without a definition here (a type the runtime lacks) is
 * reported by the caller, not thrown.
 */
export function buildChannels(
  blocks: readonly ChannelBlock[],
  definitions: readonly NotifierDefinition[],
  environment: NotifierEnvironment,
  options: ChannelOptions = {},
): { channels: Channel[]; skipped: { name: string; type: string; problem: string }[] } {
  const channels: Channel[] = [];
  const skipped: { name: string; type: string; problem: string }[] = [];
  blocks.forEach((block, index) => {
    const name = channelName(block, index);
    const definition =
      definitions.find((d) => d.type === block.type) ??
      (typeof block.params.path === 'string'
        ? definitions.find((d) => d.type === 'plugin')
        : undefined);
    if (!definition) {
      skipped.push({ name, type: block.type, problem: 'no channel of this type on this runtime' });
      return;
    }
    const parsed = definition.parse(block.params);
    if (!parsed.ok) {
      skipped.push({
        name,
        type: block.type,
        problem: parsed.problems.map((p) => `params.${p.key}: ${p.message}`).join('; '),
      });
      return;
    }
    channels.push({
      name,
      type: definition.type,
      filter: block.for,
      notifier: definition.create(parsed.params, environment, name),
      index,
      timeoutMs: options.timeoutMs ?? 10_000,
      concurrency: options.concurrency ?? 4,
    });
  });
  return { channels, skipped };
}
