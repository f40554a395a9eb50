/** `staunch targets check`: ping every target of a config and print a table. */
import type { StorageDriver } from '../../storage-drivers/types.ts';
import { formatTable } from './table.ts';

export interface TargetCheck {
  location: string;
  driver: string;
  state: 'ok' | 'down';
  latencyMs: number | null;
  error?: string;
}

export async function checkTargets(drivers: StorageDriver[]): Promise<TargetCheck[]> {
  return Promise.all(
    drivers.map(async (driver) => {
      const started = performance.now();
      try {
        await driver.ping();
        return { location: driver.location, driver: driver.name, state: 'ok' as const, latencyMs: performance.now() - started };
      } catch (error) {
        return { location: driver.location, driver: driver.name, state: 'down' as const, latencyMs: null, error: (error as Error).message };
      }
    }),
  );
}

export function formatTargetChecks(checks: TargetCheck[]): string {
  return formatTable(
    ['target', 'driver', 'state', 'latency', 'error'],
    checks.map((c) => [c.location, c.driver, c.state, c.latencyMs === null ? '-' : `${c.latencyMs.toFixed(1)} ms`, c.error ?? '']),
  );
}
