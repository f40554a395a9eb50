/**
 * Each driver's declared `runtimes` is where it is registered: a driver that says it runs on
 * workerd is in the Worker's registry, one that does not is kept out of its bundle, and every
 * driver that runs on Node is in Node's. Drivers are found by reading storage-drivers/, so a new
 * one registered nowhere fails here too.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DriverModule } from '../../storage-drivers/types.ts';
import { nodeDrivers } from './registry.node.ts';
import { workerDrivers } from './registry.worker.ts';

const DRIVERS = path.join(import.meta.dirname, '../../storage-drivers');

const isDriverModule = (value: unknown): value is DriverModule =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as DriverModule).schemes) &&
  Array.isArray((value as DriverModule).runtimes);

async function driverModules(): Promise<Map<string, DriverModule>> {
  const found = new Map<string, DriverModule>();
  for (const name of (await readdir(DRIVERS)).sort()) {
    if (!name.endsWith('.ts') || name.endsWith('.test.ts') || name.startsWith('_')) continue;
    const module = (await import(path.join(DRIVERS, name))) as { default?: unknown };
    if (isDriverModule(module.default)) found.set(name, module.default);
  }
  return found;
}

describe('driver registries', () => {
  it('register each driver exactly in the runtimes it declares', async () => {
    const modules = await driverModules();
    expect(modules.size).toBeGreaterThanOrEqual(6);
    for (const [file, module] of modules) {
      for (const scheme of module.schemes) {
        expect({ file, scheme, node: nodeDrivers.schemes.includes(scheme) }).toEqual({
          file,
          scheme,
          node: module.runtimes.includes('node'),
        });
        expect({ file, scheme, workerd: workerDrivers.schemes.includes(scheme) }).toEqual({
          file,
          scheme,
          workerd: module.runtimes.includes('workerd'),
        });
      }
    }
  });

  it('know no scheme that no driver declares', async () => {
    const declared = new Set(
      [...(await driverModules()).values()].flatMap((module) => module.schemes),
    );
    expect(nodeDrivers.schemes.filter((scheme) => !declared.has(scheme))).toEqual([]);
    expect(workerDrivers.schemes.filter((scheme) => !declared.has(scheme))).toEqual([]);
  });
});
