/**
 * A runtime's drivers, found by URI scheme. Each runtime entry builds one from the drivers it
 * can run, so Node-only modules never enter the Worker bundle.
 */
import type { DriverOptions, DriverModule, StorageDriver } from '../../storage-drivers/types.ts';

export interface DriverRegistry {
  schemes: readonly string[];
  create(target: string, options?: DriverOptions): StorageDriver;
}

export function driverRegistry(modules: Record<string, DriverModule>): DriverRegistry {
  const byScheme = new Map<string, DriverModule>();
  for (const module of Object.values(modules)) for (const scheme of module.schemes) byScheme.set(scheme, module);
  return {
    schemes: [...byScheme.keys()].sort(),
    create(target, options) {
      const uri = new URL(target);
      const module = byScheme.get(uri.protocol.replace(/:$/, ''));
      if (!module) throw new Error(`no storage driver for scheme "${uri.protocol}"`);
      return module.create(uri, options);
    },
  };
}
