/**
 * agent.yml (documented in deploy/agent.example.yml), with environment variables for the keys a
 * Deployment sets most: STAUNCH_AGENT_CLUSTER, STAUNCH_AGENT_APP_URLS (comma-separated),
 * STAUNCH_AGENT_TOKEN, STAUNCH_AGENT_NAMESPACES, STAUNCH_AGENT_KUBECONFIG,
 * STAUNCH_AGENT_KUBE_SERVER, STAUNCH_AGENT_LISTEN,
 * STAUNCH_AGENT_HEARTBEAT, STAUNCH_AGENT_LOG_LEVEL. A variable wins over the file; `${VAR}` in the
 * file is replaced as in config.yml. Problems name the key, all of them in one round.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { formatDuration, parseDuration } from '../config/duration.ts';
import { snapshotPath as formatPath } from '../cluster/snapshot-schema.ts';
import { restartsConfigSchema } from './restart-config.ts';

/**
 * A bad agent config, worded as the app's ConfigError (`invalid configuration:` and one line per
 * problem). Its own class, so the agent never loads the app's whole config module for it.
 */
export class AgentConfigError extends Error {
  override readonly name = 'AgentConfigError';
  readonly code = 'INVALID_CONFIG';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const duration = (fallback: string, minMs: number) =>
  z
    .union([z.string(), z.number()])
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === null) {
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" is not a duration (use e.g. 500ms, 5s, 2m)`,
        });
        return z.NEVER;
      }
      if (ms < minMs) {
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" is too short: the minimum is ${formatDuration(minMs)}`,
        });
        return z.NEVER;
      }
      return ms;
    });

const token = z
  .string()
  .min(16, 'agent tokens must be at least 16 characters (as the app requires)');

const appUrl = z
  .string()
  .refine(
    (value) => /^https?:\/\/[^/]/.test(value),
    'must be an http:// or https:// URL of a Staunch app',
  );

const listen = z
  .union([z.string(), z.number()])
  .default(':9090')
  .transform((value, ctx) => {
    const text = String(value);
    const match = /^(?:(.*):)?(\d{1,5})$/.exec(text);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not host:port or :port` });
      return z.NEVER;
    }
    return { host: match[1] || '0.0.0.0', port };
  });

const positive = (fallback: number) => z.number().int().positive().default(fallback);

export const agentConfigSchema = z.strictObject({
  cluster: z
    .string()
    .regex(
      /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
      'must be a lower-case DNS label (letters, digits, dashes)',
    ),
  /** The bearer token this cluster's agent uses with every app (the app's `agents[].token`). */
  token: token.optional(),
  apps: z
    .array(z.strictObject({ url: appUrl, token: token.optional() }))
    .min(1, 'name at least one app to send snapshots to'),
  kubernetes: z
    .strictObject({
      kubeconfig: z.string().optional(),
      context: z.string().optional(),
      /** A plain API URL without credentials, e.g. `kubectl proxy`'s http://127.0.0.1:8001. */
      server: z.url({ protocol: /^https?$/ }).optional(),
      namespaces: z
        .array(z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'not a namespace name'))
        .default([]),
      endpoints: z.enum(['auto', 'endpointslices', 'endpoints']).default('auto'),
    })
    .prefault({}),
  listen,
  heartbeat: duration('15s', 1000),
  debounce: duration('1s', 0),
  sync_timeout: duration('30s', 1000),
  watch: z
    .strictObject({
      timeout: duration('5m', 10_000),
      silence: duration('6m', 10_000),
      backoff_initial: duration('1s', 10),
      backoff_max: duration('30s', 100),
      page_size: positive(500),
      list_timeout: duration('60s', 1000),
    })
    .prefault({}),
  send: z
    .strictObject({
      timeout: duration('10s', 100),
      backoff_initial: duration('1s', 10),
      backoff_max: duration('30s', 100),
    })
    .prefault({}),
  probes: z
    .strictObject({
      enabled: z.boolean().default(true),
      concurrency: positive(10),
      timeout: duration('12s', 100),
      attempts: positive(3),
      cooldown: duration('5s', 0),
      default_refresh: duration('60s', 1000),
      health_path: z.string().startsWith('/').default('/__health'),
      gtg_path: z.union([z.literal(''), z.string().startsWith('/')]).default('/__gtg'),
    })
    .prefault({}),
  /** The restart allow-list (restart-config.ts); off unless enabled. */
  restarts: restartsConfigSchema,
  log: z
    .strictObject({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
      in_json: z.boolean().default(true),
    })
    .prefault({}),
});

export type AgentConfig = z.output<typeof agentConfigSchema> & {
  apps: Array<{ url: string; token: string }>;
};

const PLACEHOLDER = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: PropertyKey[],
  problems: string[],
): unknown {
  if (typeof value === 'string')
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
  if (Array.isArray(value))
    return value.map((item, index) => interpolate(item, env, [...path, index], problems));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        interpolate(item, env, [...path, key], problems),
      ]),
    );
  return value;
}

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** The environment's keys, laid over the file's. */
function fromEnv(base: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  const set = (name: string, apply: (value: string) => void) => {
    const value = env[name];
    if (value !== undefined && value !== '') apply(value);
  };
  const kubernetes = { ...((base.kubernetes as Record<string, unknown> | undefined) ?? {}) };
  set('STAUNCH_AGENT_CLUSTER', (value) => (out.cluster = value));
  set('STAUNCH_AGENT_TOKEN', (value) => (out.token = value));
  set('STAUNCH_AGENT_APP_URLS', (value) => (out.apps = list(value).map((url) => ({ url }))));
  set('STAUNCH_AGENT_NAMESPACES', (value) => (kubernetes.namespaces = list(value)));
  set('STAUNCH_AGENT_KUBECONFIG', (value) => (kubernetes.kubeconfig = value));
  set('STAUNCH_AGENT_KUBE_SERVER', (value) => (kubernetes.server = value));
  set('STAUNCH_AGENT_LISTEN', (value) => (out.listen = value));
  set('STAUNCH_AGENT_HEARTBEAT', (value) => (out.heartbeat = value));
  set('STAUNCH_AGENT_LOG_LEVEL', (value) => {
    out.log = { ...((base.log as Record<string, unknown> | undefined) ?? {}), level: value };
  });
  if (Object.keys(kubernetes).length) out.kubernetes = kubernetes;
  return out;
}

/** Parses agent.yml text (or none: environment only). Throws AgentConfigError listing every problem. */
export function parseAgentConfig(
  text: string | undefined,
  env: NodeJS.ProcessEnv = {},
): AgentConfig {
  const problems: string[] = [];
  let raw: unknown = {};
  if (text !== undefined && text.trim()) {
    const document = parseDocument(text);
    if (document.errors.length)
      throw new AgentConfigError(document.errors.map((error) => `YAML: ${error.message}`));
    raw = document.toJS() ?? {};
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new AgentConfigError(['(top level): must be a mapping of keys']);
  const merged = fromEnv(interpolate(raw, env, [], problems) as Record<string, unknown>, env);
  const result = agentConfigSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const where = formatPath(issue.path);
      if (issue.code === 'unrecognized_keys')
        for (const key of issue.keys)
          problems.push(`${formatPath([...issue.path, key])}: unknown key`);
      else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message))
        problems.push(`${where}: required`);
      else problems.push(`${where}: ${issue.message}`);
    }
  }
  if (problems.length || !result.success) throw new AgentConfigError(problems);
  const config = result.data;
  const apps = config.apps.map((app, index) => {
    const chosen = app.token ?? config.token;
    if (!chosen)
      problems.push(`apps[${index}].token: required (or set token, or STAUNCH_AGENT_TOKEN)`);
    return { url: app.url, token: chosen ?? '' };
  });
  if (problems.length) throw new AgentConfigError(problems);
  return { ...config, apps };
}
