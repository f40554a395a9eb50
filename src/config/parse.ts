/**
 * parseConfig(text, env): YAML → `${VAR}` interpolation → aliases → validation → derived defaults.
 * Pure, so Node and the Worker share it; each problem names the failing key, and every problem is
 * reported in one round, so a broken file is fixed in one go.
 */
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { applyAliases, keySuggestion, type ConfigWarning } from './keys.ts';
import { checkNotifiers, type Runtime } from './notifiers.ts';
import { configSchema, type ParsedConfig } from './schema.ts';
import { checkMirrors, checkTargets, type TargetChecker } from './targets.ts';

export type { ConfigWarning } from './keys.ts';
export { normalizeTarget, type TargetChecker } from './targets.ts';

export interface Config extends ParsedConfig {
  /** True when username/password/cookie_key were generated because the file left them empty. */
  generated: { credentials: boolean; cookieKey: boolean };
  /** Things that work but deserve attention, printed at start: aliased keys, notifiers that send nothing. */
  warnings: ConfigWarning[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'INVALID_CONFIG';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export interface ParseOptions {
  /** Environment for `${VAR}` references and `PORT`. */
  env?: Record<string, string | undefined>;
  /** The runtime's driver registry: every target is checked by its driver; unknown schemes are refused. */
  drivers?: TargetChecker;
  /** Folder that relative file and SQLite paths are resolved against (the config file's). */
  baseDir?: string;
  /** Where the text came from, for messages. */
  source?: string;
  /** Source of randomness for generated secrets (tests pass a fixed one). */
  randomId?: () => string;
  /** Whether `${VAR}` is replaced (VCAP_SERVICES values are taken as they are, as statusetat does). */
  interpolate?: boolean;
  /** Where the config runs: channels that need Node (email, plugins) are refused on `worker`. */
  runtime?: Runtime;
}

/** `key: ~` means "not set" (see interpolate), also where nothing is interpolated. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== null)
        .map(([key, item]) => [key, dropNulls(item)]),
    );
  }
  return value;
}

const PLACEHOLDER = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(top level)';
}

/** Replace `${VAR}` and `${VAR:-default}` in every string of the tree; `$$` stands for a literal `$`; null map values are dropped. */
function interpolate(
  value: unknown,
  env: Record<string, string | undefined>,
  path: PropertyKey[],
  problems: string[],
): unknown {
  if (typeof value === 'string') {
    return value.replace(
      PLACEHOLDER,
      (whole, name: string | undefined, fallback: string | undefined) => {
        if (whole === '$$') return '$';
        const found = env[name!];
        if (found !== undefined && found !== '') return found;
        if (fallback !== undefined) return fallback;
        problems.push(`${formatPath(path)}: environment variable ${name} is not set`);
        return '';
      },
    );
  }
  if (Array.isArray(value))
    return value.map((item, i) => interpolate(item, env, [...path, i], problems));
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
    return issue.keys
      .map(
        (key) =>
          `${formatPath([...issue.path, key])}: unknown key${keySuggestion(issue.path, key)}`,
      )
      .join('; ');
  }
  return `${where}: ${issue.message}`;
}

/** `line 3, column 5: message` for each YAML syntax error. */
function yamlProblems(text: string, source: string): { value: unknown; problems: string[] } {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const problems = document.errors.map((error) => {
    const at = error.linePos?.[0];
    const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return `${source}: ${at ? `line ${at.line}, column ${at.col}: ` : ''}${message}`;
  });
  return { value: problems.length > 0 ? undefined : document.toJS(), problems };
}

export function parseConfig(text: string, options: ParseOptions = {}): Config {
  const { value, problems } = yamlProblems(text, options.source ?? 'config');
  if (problems.length > 0) throw new ConfigError(problems);
  return parseConfigValue(value ?? {}, options);
}

/** The checks after YAML: for a parsed file, or for VCAP_SERVICES' merged credentials. */
export function parseConfigValue(value: unknown, options: ParseOptions = {}): Config {
  const env = options.env ?? {};
  const interpolationProblems: string[] = [];
  const raw =
    options.interpolate === false
      ? dropNulls(value)
      : interpolate(value, env, [], interpolationProblems);
  const warnings: ConfigWarning[] = [];
  const problems: string[] = [];
  applyAliases(raw, warnings, problems);

  const result = configSchema.safeParse(raw);
  if (!result.success) problems.push(...result.error.issues.map(describeIssue));
  const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    targets?: unknown;
    components?: unknown;
    notifiers?: unknown;
    mirror?: unknown;
  };
  const targets = checkTargets(fields.targets, options.drivers, options.baseDir, problems);
  const mirrors = checkMirrors(fields.mirror, options.drivers, options.baseDir, problems);
  componentProblems(fields.components, problems);
  checkNotifiers(fields.notifiers, problems, warnings, options.runtime);
  // Cloudflare runs as many isolates as the traffic needs; there is no process count to choose.
  if (options.runtime === 'worker' && result.success && result.data.serve.workers !== 1)
    warnings.push({
      key: 'serve.workers',
      message: 'serve.workers is ignored on Workers: Cloudflare starts isolates as traffic needs',
    });
  if (
    result.success &&
    result.data.replication.tombstone_retention <= result.data.replication.sync_interval
  ) {
    problems.push(
      'replication.tombstone_retention: must be longer than sync_interval, or deletions are purged before the sync copies them',
    );
  }

  // A key whose variable is unset is reported once, not again for the empty value it got.
  const keyOf = (problem: string) => problem.slice(0, problem.indexOf(':'));
  const unset = new Set(interpolationProblems.map(keyOf));
  const all = [
    ...interpolationProblems,
    ...problems.filter((problem) => !unset.has(keyOf(problem))),
  ];
  if (!result.success || all.length > 0) throw new ConfigError(all);
  const config = result.data;
  config.targets = targets;
  config.mirror.forEach((entry, i) => (entry.to = mirrors[i] ?? entry.to));

  // statusetat: PORT always replaces the port, even when `listen` is given.
  if (env.PORT) {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new ConfigError([`PORT: "${env.PORT}" is not a port number`]);
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
  const host =
    config.listen.host === '0.0.0.0' || config.listen.host === '::'
      ? 'localhost'
      : config.listen.host;
  config.base_info.base_url = (
    config.base_info.base_url || `http://${host}:${config.listen.port}`
  ).replace(/\/+$/, '');
  config.base_info.support ||= config.base_info.base_url;
  config.base_info.contact ||= config.base_info.support;
  return { ...config, generated, warnings };
}

/** Components are identified as "group - name", so two with the same pair would be one. */
function componentProblems(components: unknown, problems: string[]): void {
  if (!Array.isArray(components)) return;
  const ids = new Map<string, number>();
  components.forEach((component: unknown, i) => {
    const { name, group } = (component ?? {}) as { name?: unknown; group?: unknown };
    if (typeof name !== 'string' || name === '') return;
    const id = typeof group === 'string' && group ? `${group} - ${name}` : name;
    const first = ids.get(id);
    if (first === undefined) ids.set(id, i);
    else problems.push(`components[${i}]: "${id}" is listed twice (also components[${first}])`);
  });
}
