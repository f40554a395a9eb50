/**
 * `type: plugin`, statusetat's plugin notifier: `params.path` names either a go-plugin executable
 * built for statusetat (run unchanged: its handshake, then its `Notifier` gRPC service), or a
 * JavaScript module (.js, .mjs, .cjs) that exports a notifier. Every other param goes to the
 * plugin: to `Init` for an executable, to the module's own `parse` for a module. A relative path is
 * resolved against the working directory, as statusetat does. Node-only (child processes).
 */
import type { Notifier, NotifierDefinition, NotifierEnvironment } from './types.ts';
import {
  DEFAULT_TIMEOUTS,
  ExecutableNotifier,
  type ExecutableTimeouts,
} from './plugin/executable.ts';
import { isModulePath, ModuleNotifier } from './plugin/js-module.ts';
import { parsePluginParams, type PluginParams } from './plugin/params.ts';

export type { PluginParams };

/** The definition with other timeouts (tests; the defaults suit production). */
export function pluginDefinition(
  timeouts: Partial<ExecutableTimeouts> = {},
): NotifierDefinition<PluginParams> {
  return {
    type: 'plugin',
    runtimes: ['node'],
    parse: parsePluginParams,
    create(params: PluginParams, environment: NotifierEnvironment, name: string): Notifier {
      if (isModulePath(params.path))
        return new ModuleNotifier(name, params.path, params.params, environment);
      return new ExecutableNotifier(name, params.path, params.params, environment, {
        ...DEFAULT_TIMEOUTS,
        ...timeouts,
      });
    },
  };
}

const plugin = pluginDefinition();
export default plugin;
