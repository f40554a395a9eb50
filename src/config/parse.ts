/**
 * parseConfig(text, env): YAML → `${VAR}` interpolation → validation → derived defaults.
 * Pure, so Node and the Worker share it; each names the failing key in its errors.
 */
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type ParsedConfig } from './schema.ts';

export interface Config extends ParsedConfig {
  /** True when username/password/cookie_key were generated because the file left them empty. */
  generated: { credentials: boolean; cookieKey: boolean };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export interface ParseOptions {
  /** Environment for `${VAR}` references and `PORT`. */
  env?: Record<string, string | undefined>;
  /** URI schemes the runtime has drivers for; others are rejected with the list of those available. */
  knownSchemes?: readonly string[];
  /** Where the text came from, for messages. */
  source?: string;
  /** Source of randomness for generated secrets (tests pass a fixed one). */
  randomId?: () => string;
}

const PLACEHOLDER = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(top level)';
}

/** Replace `${VAR}` and `${VAR:-default}` in every string of the tree; `$$` stands for a literal `$`; null map values are dropped. */
function interpolate(value: unknown, env: Record<string, string | undefined>, path: PropertyKey[], problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, name: string | undefined, fallback: string | undefined) => {
      if (whole === '$$') return '$';
      const found = env[name!];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      problems.push(`${formatPath(path)}: environment variable ${name} is not set`);
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, [...path, i], problems));
  if (value && typeof value === 'object') {
    // YAML `key: ~` means "not set", as in statusetat (e.g. `group: ~`), so it takes the default.
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== null)
        .map(([key, item]) => [key, interpolate(item, env, [...path, key], problems)]),
    );
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const hints: Record<string, string> = { timezone: 'time_zone', target: 'targets', component: 'components' };
    return issue.keys
      .map((key) => `${formatPath([...issue.path, key])}: unknown key${hints[key] ? ` (did you mean "${hints[key]}"?)` : ''}`)
      .join('; ');
  }
  return `${where}: ${issue.message}`;
}

/**
 * statusetat's `sqlite://:memory:` is not a valid URL (an empty host with the port ":memory:");
 * it is accepted and spelled the way the sqlite driver parses it.
 */
export function normalizeTarget(target: string): string {
  return target.trim() === 'sqlite://:memory:' ? 'sqlite::memory:' : target.trim();
}

function targetProblem(target: string, knownSchemes: readonly string[] | undefined): string | null {
  let uri: URL;
  try {
    uri = new URL(target);
  } catch {
    return `"${target.replace(/\/\/[^@/]*@/, '//***@')}" is not a URI (e.g. sqlite:///var/lib/staunch.db)`;
  }
  const scheme = uri.protocol.replace(/:$/, '');
  if (knownSchemes && !knownSchemes.includes(scheme)) {
    return `unknown scheme "${scheme}" (available here: ${knownSchemes.join(', ')})`;
  }
  return null;
}

export function parseConfig(text: string, options: ParseOptions = {}): Config {
  const env = options.env ?? {};
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(document.errors.map((e) => `${options.source ?? 'config'}: ${e.message.split('\n')[0]}`));
  }
  const problems: string[] = [];
  const raw = interpolate(document.toJS() ?? {}, env, [], problems);
  if (problems.length > 0) throw new ConfigError(problems);

  // Every problem is reported at once, so a broken file is fixed in one round.
  const result = configSchema.safeParse(raw);
  if (!result.success) problems.push(...result.error.issues.map(describeIssue));
  const rawTargets = (raw as { targets?: unknown }).targets;
  if (Array.isArray(rawTargets)) {
    rawTargets.forEach((target, i) => {
      const problem = typeof target === 'string' ? targetProblem(normalizeTarget(target), options.knownSchemes) : null;
      if (problem) problems.push(`targets[${i}]: ${problem}`);
    });
  }
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const config = result.data;
  config.targets = config.targets.map(normalizeTarget);
  const componentIds = new Set<string>();
  config.components.forEach((component, i) => {
    const id = component.group ? `${component.group} - ${component.name}` : component.name;
    if (componentIds.has(id)) problems.push(`components[${i}]: "${id}" is listed twice`);
    componentIds.add(id);
  });
  if (problems.length > 0) throw new ConfigError(problems);

  // statusetat: PORT always replaces the port, even when `listen` is given.
  if (env.PORT) {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError([`PORT: "${env.PORT}" is not a port number`]);
    config.listen.port = port;
  }
  const randomId = options.randomId ?? (() => crypto.randomUUID());
  const generated = { credentials: false, cookieKey: false };
  if (!config.username || !config.password) {
    config.username ||= 'admin';
    config.password ||= randomId();
    generated.credentials = true;
  }
  if (!config.cookie_key) {
    config.cookie_key = randomId();
    generated.cookieKey = true;
  }
  const host = config.listen.host === '0.0.0.0' || config.listen.host === '::' ? 'localhost' : config.listen.host;
  config.base_info.base_url = (config.base_info.base_url || `http://${host}:${config.listen.port}`).replace(/\/+$/, '');
  config.base_info.support ||= config.base_info.base_url;
  config.base_info.contact ||= config.base_info.support;
  return { ...config, generated };
}
