/**
 * Notifier blocks: the type must be one the notifier registry knows (statusetat's), and since no
 * channel is implemented yet, each block is accepted with a warning that it sends nothing.
 */
import { NOTIFIER_TYPES } from '../../notifiers/known-types.ts';
import { suggestion } from '../../storage-drivers/uri-check.ts';
import type { ConfigWarning } from './keys.ts';

export function checkNotifiers(
  notifiers: unknown,
  problems: string[],
  warnings: ConfigWarning[],
): void {
  if (!Array.isArray(notifiers)) return;
  const types = NOTIFIER_TYPES.map((known) => known.type);
  notifiers.forEach((block: unknown, i) => {
    if (typeof block !== 'object' || block === null) return;
    const { type, params } = block as { type?: unknown; params?: unknown };
    if (typeof type !== 'string' || type === '') return;
    // statusetat names a plugin by `plugin` or by the name the plugin gives itself; `params.path` loads it.
    const isPlugin = typeof (params as { path?: unknown } | undefined)?.path === 'string';
    const known =
      NOTIFIER_TYPES.find((entry) => entry.type === type) ??
      (isPlugin ? NOTIFIER_TYPES.find((entry) => entry.type === 'plugin') : undefined);
    if (!known) {
      problems.push(
        `notifiers[${i}].type: unknown notifier "${type}"${suggestion(type, types)} (known: ${types.join(', ')}; a plugin also needs params.path)`,
      );
      return;
    }
    if (!known.implemented) {
      warnings.push({
        key: `notifiers[${i}]`,
        message: `notifiers[${i}] (${type}): notifications are not implemented yet; this block sends nothing`,
      });
    }
  });
}
