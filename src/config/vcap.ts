/**
 * Cloud Foundry: without `-c`, statusetat reads its configuration from the `credentials` of the
 * services bound to the app (`VCAP_SERVICES`), merged with its rules: lists are appended
 * (targets, notifiers, components, and Staunch's api_tokens and agents), the first service that
 * sets a section or a value wins, username and password are taken as a pair, and
 * disable_maintenance_to_incident is true if any service says so. Services are read in label
 * order, then in the order Cloud Foundry lists them.
 */
import type { ConfigWarning } from './keys.ts';
import { keysAt } from './keys.ts';

const LISTS = ['targets', 'notifiers', 'components', 'api_tokens', 'agents'];
/** Keys a bound database or broker often holds too; on their own they do not make a service a Staunch config. */
const COMMON_CREDENTIALS = new Set(['username', 'password']);

export interface VcapConfig {
  value: Record<string, unknown>;
  problems: string[];
  warnings: ConfigWarning[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isSet = (value: unknown) => value !== undefined && value !== null && value !== '';

export function vcapConfig(json: string): VcapConfig {
  const problems: string[] = [];
  const warnings: ConfigWarning[] = [];
  const merged: Record<string, unknown> = {};
  let services: unknown;
  try {
    services = JSON.parse(json);
  } catch (error) {
    return {
      value: merged,
      problems: [`VCAP_SERVICES: not JSON (${(error as Error).message})`],
      warnings,
    };
  }
  if (!isObject(services))
    return { value: merged, problems: ['VCAP_SERVICES: not an object of service lists'], warnings };

  const staunchKeys = new Set(keysAt([]));
  let used = 0;
  for (const label of Object.keys(services).sort()) {
    const entries = services[label];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (!isObject(entry) || typeof entry.name !== 'string') continue;
      const credentials = entry.credentials;
      const keys = isObject(credentials) ? Object.keys(credentials) : [];
      // Other bound services (a database, a broker) share VCAP_SERVICES; only configurations are merged.
      if (
        !isObject(credentials) ||
        !keys.some((key) => staunchKeys.has(key) && !COMMON_CREDENTIALS.has(key))
      ) {
        warnings.push({
          key: `VCAP_SERVICES.${label}`,
          message: `VCAP_SERVICES: service "${entry.name}" (${label}) holds no Staunch configuration; skipped`,
        });
        continue;
      }
      used++;
      merge(merged, credentials);
    }
  }
  if (used === 0)
    problems.push(
      'VCAP_SERVICES: no bound service holds a Staunch configuration (credentials with targets, components, base_info, ...)',
    );
  return { value: merged, problems, warnings };
}

function merge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(from)) {
    if (LISTS.includes(key)) {
      const list = Array.isArray(value) ? value : [value];
      into[key] = [...((into[key] as unknown[] | undefined) ?? []), ...list];
    } else if (key === 'disable_maintenance_to_incident') {
      into[key] = into[key] === true || value;
    } else if (key !== 'username' && key !== 'password' && !isSet(into[key])) {
      into[key] = value;
    }
  }
  // The pair is replaced together while either half is missing, as statusetat does.
  if (!isSet(into.username) || !isSet(into.password)) {
    if ('username' in from) into.username = from.username;
    if ('password' in from) into.password = from.password;
  }
}
