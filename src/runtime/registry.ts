/**
 * A runtime's drivers, found by URI scheme. Each runtime entry builds one from the drivers it
 * can run, so Node-only modules never enter the Worker bundle. The config checks every target
 * through `check`, so a new driver brings its own URI checks with it.
 */
import type {
  DriverOptions,
  DriverModule,
  StorageDriver,
  UriCheck,
} from '../../storage-drivers/types.ts';
import { suggestion } from '../../storage-drivers/uri-check.ts';
import type { TargetChecker } from '../config/targets.ts';

export interface DriverRegistry extends TargetChecker {
  create(target: string, options?: DriverOptions): StorageDriver;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

export function driverRegistry(modules: Record<string, DriverModule>): DriverRegistry {
  const byScheme = new Map<string, DriverModule>();
  for (const module of Object.values(modules))
    for (const scheme of module.schemes) byScheme.set(scheme, module);
  const schemes = [...byScheme.keys()].sort();
  return {
    schemes,
    check(target, context = {}) {
      const fail = (problem: string): UriCheck => ({ problems: [problem], target });
      const scheme = SCHEME.exec(target)?.[1]?.toLowerCase();
      if (!scheme)
        return fail('not a URI: it needs a scheme (e.g. sqlite:///var/lib/staunch/staunch.db)');
      const module = byScheme.get(scheme);
      if (!module)
        return fail(
          `unknown scheme "${scheme}"${suggestion(scheme, schemes)} (available here: ${schemes.join(', ')})`,
        );
      let uri: URL;
      try {
        uri = new URL(target);
      } catch {
        return fail(
          'not a valid URI: percent-encode "/", "@", ":", "?" and "#" in a user name or password (e.g. / as %2F)',
        );
      }
      return module.checkUri(uri, { ...context, raw: target });
    },
    create(target, options) {
      const uri = new URL(target);
      const module = byScheme.get(uri.protocol.replace(/:$/, ''));
      if (!module) throw new Error(`no storage driver for scheme "${uri.protocol}"`);
      return module.create(uri, options);
    },
  };
}
