/**
 * Notifier blocks: the type must be a channel Staunch has (statusetat's slack, email,
 * grafana_annotation and plugin, and webhook, discord, teams, ntfy, apprise), its params must pass
 * that channel's own checks (each problem named `notifiers[2].params.endpoint: ...`), and the
 * channel must run on this runtime: email and plugins are refused on Workers with the reason.
 */
import { CHECKED_DEFINITIONS, WORKER_REFUSALS } from '../../notifiers/checks.ts';
import { suggestion } from '../../storage-drivers/uri-check.ts';
import type { ConfigWarning } from './keys.ts';

export type Runtime = 'node' | 'worker';

export function checkNotifiers(
  notifiers: unknown,
  problems: string[],
  warnings: ConfigWarning[],
  runtime: Runtime = 'node',
): void {
  if (!Array.isArray(notifiers)) return;
  const types = CHECKED_DEFINITIONS.map((known) => known.type);
  notifiers.forEach((block: unknown, i) => {
    if (typeof block !== 'object' || block === null) return;
    const { type, params } = block as { type?: unknown; params?: unknown };
    if (typeof type !== 'string' || type === '') return;
    // statusetat names a plugin by `plugin` or by the name the plugin gives itself; `params.path` loads it.
    const isPlugin = typeof (params as { path?: unknown } | undefined)?.path === 'string';
    const definition =
      CHECKED_DEFINITIONS.find((entry) => entry.type === type) ??
      (isPlugin ? CHECKED_DEFINITIONS.find((entry) => entry.type === 'plugin') : undefined);
    if (!definition) {
      problems.push(
        `notifiers[${i}].type: unknown notifier "${type}"${suggestion(type, types)} (known: ${types.join(', ')}; a plugin also needs params.path)`,
      );
      return;
    }
    if (!definition.runtimes.includes(runtime)) {
      problems.push(
        `notifiers[${i}].type: ${definition.type} cannot run on Workers: ${WORKER_REFUSALS[definition.type] ?? 'it needs Node'}`,
      );
    }
    const parsed = definition.parse(params ?? {});
    if (!parsed.ok)
      for (const problem of parsed.problems)
        problems.push(`notifiers[${i}].params.${problem.key}: ${problem.message}`);
    if (definition.type !== type) {
      warnings.push({
        key: `notifiers[${i}]`,
        message: `notifiers[${i}] (${type}): read as type ${definition.type} because it has params.path (statusetat itself only loads plugins declared as type: plugin)`,
      });
    }
  });
}
