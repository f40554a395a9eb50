/**
 * The configuration file. Every key statusetat accepts is accepted here with the same meaning,
 * so an existing statusetat `config.yml` starts unchanged; Staunch's own sections
 * (`replication`, `api_tokens`, `agents`) sit beside them.
 */
import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.ts';
import { parseProxyRange } from './proxy-range.ts';
import { isTimeZone } from './time-zone.ts';

function proxyRangeProblem(value: string, ctx: z.RefinementCtx): void {
  try {
    parseProxyRange(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
}

/** A duration of at least `minMs`; `why` says what a shorter one would break. */
const duration = (fallback: string, minMs: number, why: string) =>
  z
    .union([z.string(), z.number()])
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === null) {
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" is not a duration (use e.g. 500ms, 5s, 2m, 1h, 30d)`,
        });
        return z.NEVER;
      }
      if (ms < minMs) {
        ctx.addIssue({
          code: 'custom',
          message: `${JSON.stringify(value)} is too short: the minimum is ${formatDuration(minMs)} (${why})`,
        });
        return z.NEVER;
      }
      return ms;
    });

const writeQuorum = z
  .union([z.literal(1), z.literal('majority'), z.literal('all')], {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not allowed: use 1, majority or all (a count of targets other than 1 would change meaning whenever a target is added or removed)`,
  })
  .default(1);

const listen = z
  .string()
  .default('0.0.0.0:8080')
  .transform((value, ctx) => {
    const match = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d{1,5}))?$/.exec(value.trim());
    const port = match?.[3] === undefined ? 8080 : Number(match[3]);
    if (!match || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not host:port` });
      return z.NEVER;
    }
    return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
  });

/** Exactly one object of one cluster a component's state follows (besides its incidents). */
const HEALTH_TARGETS = ['service', 'deployment', 'statefulset', 'category'] as const;
const componentHealth = z
  .strictObject({
    cluster: z.string().min(1, 'name the cluster (as in agents[].cluster)'),
    /** `<namespace>/<name>`: a StatusServices object, else an FT service, else a Service. */
    service: z.string().min(1).optional(),
    deployment: z.string().min(1).optional(),
    statefulset: z.string().min(1).optional(),
    /** An FT category (all of its services). */
    category: z.string().min(1).optional(),
  })
  .superRefine((value, ctx) => {
    const given = HEALTH_TARGETS.filter((key) => value[key] !== undefined);
    if (given.length === 0)
      ctx.addIssue({
        code: 'custom',
        message: `give one of ${HEALTH_TARGETS.join(', ')} (what in cluster "${value.cluster}" the component follows)`,
      });
    if (given.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: [given[1]!],
        message: `give only one target: ${given.join(' and ')} are both set`,
      });
    for (const key of ['deployment', 'statefulset'] as const) {
      const target = value[key];
      if (target !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(target))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `"${target}" is not <namespace>/<name>`,
        });
    }
  });

const component = z.strictObject({
  name: z.string().min(1, 'a component needs a name'),
  description: z.string().default(''),
  group: z.string().default(''),
  /** The cluster object whose health this component shows (the worse of it and its incidents). */
  health: componentHealth.optional(),
});

const forFilter = z
  .object({
    require_all: z.boolean().default(false),
    groups: z.array(z.string()).default([]),
    names: z.array(z.string()).default([]),
  })
  .default({ require_all: false, groups: [], names: [] });

const notifier = z.strictObject({
  type: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  for: forFilter,
});

/** Delivery of notifications (src/notify/): leases, retries, limits, retention. */
const outbox = z
  .strictObject({
    lease: duration('2m', 5000, 'a claim must outlast a send and the write of its outcome'),
    timeout: duration('10s', 500, 'no receiver answers faster, so every send would time out'),
    retry_for: duration('24h', 60_000, 'a receiver down for a minute would lose its messages'),
    retry_base: duration('10s', 100, 'retries would hammer a receiver that is down'),
    retry_max: duration('1h', 1000, 'retries would hammer a receiver that is down'),
    concurrency: z.number().int().min(1).max(100).default(4),
    poll_interval: duration(
      '1s',
      100,
      'each pass reads the outbox; 0 would repeat it without pause',
    ),
    retention: duration('7d', 3_600_000, 'sent entries would vanish before anyone could look'),
    catch_up: duration('6h', 0, 'maintenance transitions older than this are not announced'),
  })
  .prefault({})
  .superRefine((value, ctx) => {
    if (value.lease < 2 * value.timeout)
      ctx.addIssue({
        code: 'custom',
        path: ['lease'],
        message: `must be at least twice outbox.timeout (${formatDuration(value.timeout)}): a claim that expires during a send lets another instance send the same message`,
      });
  });

const markdownBlock = z.string().default('');

const theme = z
  .strictObject({
    pre_status: markdownBlock,
    post_status: markdownBlock,
    pre_timeline: markdownBlock,
    post_timeline: markdownBlock,
    pre_maintenance: markdownBlock,
    post_maintenance: markdownBlock,
    pre_persistent: markdownBlock,
    post_persistent: markdownBlock,
    footer: markdownBlock,
    persistent_display_name: z.string().default('persistent incident'),
  })
  .prefault({});

const apiToken = z
  .strictObject({
    name: z.string().min(1),
    /** SHA-256 of the token, hex; the config never needs to hold the token itself. */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be the hex SHA-256 of the token')
      .optional(),
    /** The token itself, usually as `${ENV_VAR}`; hashed at start and never logged. */
    token: z.string().min(16, 'tokens must be at least 16 characters').optional(),
    scopes: z.array(z.enum(['read', 'write:incidents', 'admin'])).min(1),
  })
  .refine((token) => Boolean(token.sha256) !== Boolean(token.token), {
    message: 'give either sha256 or token (exactly one)',
  });

/** One static copy of the public pages: a folder (`file://`) or a bucket (`s3://`). */
const mirror = z.strictObject({
  to: z.string().min(1, 'give a file:// folder or an s3:// bucket'),
  debounce: duration('2s', 0, 'a publication follows each change after this pause'),
  interval: duration(
    '5m',
    10_000,
    'each publication renders and writes every page; shorter would keep the disk or bucket busy',
  ),
  stale_after: duration(
    '10m',
    60_000,
    'a mirrored page older than this says "as of"; shorter would say it between two publications',
  ),
});

const agent = z.strictObject({
  cluster: z.string().min(1),
  token: z.string().min(16, 'agent tokens must be at least 16 characters'),
});

/** One token per cluster: a token shared by two clusters would let one agent speak for the other. */
function agentTokensProblem(
  agents: { cluster: string; token: string }[],
  ctx: z.RefinementCtx,
): void {
  const seen = new Map<string, number>();
  agents.forEach((agent, index) => {
    const first = seen.get(agent.token);
    if (first === undefined) seen.set(agent.token, index);
    else if (agents[first]!.cluster !== agent.cluster)
      ctx.addIssue({
        code: 'custom',
        path: [index, 'token'],
        message: `the same token as agents[${first}] (cluster "${agents[first]!.cluster}"); each cluster needs its own`,
      });
  });
}

/**
 * Cluster health served in the seed systems' formats (status-service, k8s-controller-heartbeat,
 * FT's aggregate-healthcheck) from what the agents push, and how long its history is kept.
 */
const clusterHealth = z.strictObject({
  /** The cluster the unprefixed routes answer for; empty: the only configured one. */
  default_cluster: z.string().default(''),
  /** A cluster silent this long is stale; empty: three of its agent's heartbeats. */
  stale_after: z
    .union([z.string(), z.number()])
    .default('')
    .transform((value, ctx) => {
      if (value === '') return null;
      const ms = parseDuration(value);
      if (ms === null || ms < 1000) {
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" is not a duration of at least 1s (e.g. 45s, 2m), or empty for three heartbeats`,
        });
        return z.NEVER;
      }
      return ms;
    }),
  /** How long a stale cluster's components keep their last state before they show degraded. */
  grace: duration('2m', 0, 'components follow the cluster'),
  /**
   * A bound component in major outage this long opens an incident (published: incidents have no
   * draft state), resolved when it recovers; off unless enabled.
   */
  auto_incident: z
    .strictObject({
      enabled: z.boolean().default(false),
      after: duration('5m', 0, 'an incident follows an error'),
    })
    .prefault({}),
  /** status-service: how long a warning lasts before it becomes an error. */
  error_after: duration('10m', 1000, 'a rolling restart would read as an error'),
  /** State changes kept for each day's intervals, and daily states. */
  detail_retention: duration('5d', 86_400_000, "a day's intervals would vanish the same day"),
  daily_retention: duration('90d', 86_400_000, 'the daily columns would be empty'),
  heartbeat: z
    .strictObject({
      /** The token clients send (`?token=` or `Authorization: Basic <token>`); empty: the route answers 404. */
      token: z.string().default(''),
      rate_limit: z.number().int().min(1).default(3600),
      rate_limit_period: duration('1h', 1000, 'the window would reset before it limits anything'),
    })
    .prefault({}),
  aggregate_healthcheck: z
    .strictObject({
      path_prefix: z
        .string()
        .default('/__health')
        .refine((value) => value === '' || (value.startsWith('/') && !value.endsWith('/')), {
          message: 'must start with / and not end with one (e.g. /__health), or be empty',
        }),
      environment: z.string().default('Default-environment'),
      /** Prefixed to the pods-health links in technicalSummary, as FT's CLUSTER_URL. */
      cluster_url: z.string().default(''),
    })
    .prefault({}),
});

/** Prometheus text on GET /metrics: for admins, or for the bearer of `token` (a scraper). */
const metrics = z
  .strictObject({
    enabled: z.boolean().default(false),
    token: z.string().min(16, 'metrics tokens must be at least 16 characters').optional(),
  })
  .prefault({});

/** Restarts carried out by the agents (their allow-lists decide what may be restarted). */
const restarts = z
  .strictObject({
    force_unlock_after: duration(
      '300s',
      1000,
      'a target would unlock before its rollout had a chance to start',
    ),
  })
  .prefault({});

/**
 * Processes serving one host: `auto` is one per core, resolved by the Node runtime (the schema is
 * runtime-neutral). More than 1 runs Node's cluster (src/runtime/serve-cluster.ts).
 */
const serve = z
  .strictObject({
    workers: z
      .union(
        [
          z.literal('auto'),
          z
            .number()
            .int()
            .min(1, 'must be at least 1, or auto (one per core)')
            .max(256, 'must be at most 256: processes beyond the cores only add memory'),
        ],
        {
          error: (issue) =>
            `${JSON.stringify(issue.input)} is not allowed: use a whole number from 1 to 256, or auto (one per core)`,
        },
      )
      .default(1),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    listen,
    serve,
    tls: z.strictObject({ cert_file: z.string().min(1), key_file: z.string().min(1) }).optional(),
    // Reverse proxies whose X-Forwarded-For is believed, so throttles count clients, not the proxy.
    trusted_proxies: z.array(z.string().superRefine(proxyRangeProblem)).default([]),
    log: z
      .strictObject({
        level: z
          .enum(['trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'panic'])
          .default('info'),
        no_color: z.boolean().default(false),
        in_json: z.boolean().default(false),
      })
      .prefault({}),
    username: z.string().default(''),
    password: z.string().default(''),
    cookie_key: z.string().default(''),
    base_info: z
      .strictObject({
        base_url: z.string().default(''),
        title: z.string().default('Staunch'),
        support: z.string().default(''),
        contact: z.string().default(''),
        time_zone: z
          .string()
          .default('UTC')
          .refine(isTimeZone, { message: 'is not an IANA time zone (e.g. Europe/Paris)' }),
      })
      .prefault({}),
    theme,
    components: z.array(component).default([]),
    targets: z.array(z.string().min(1)).min(1, 'at least one storage target is required'),
    // Where this instance keeps the last known state for its next start (Node only); false: nowhere.
    snapshot: z
      .union([
        z.string().min(1, 'give a file path, or false to keep no snapshot'),
        z.literal(false),
      ])
      .default('./data/view-snapshot.json'),
    notifiers: z.array(notifier).default([]),
    outbox,
    disable_maintenance_to_incident: z.boolean().default(false),
    replication: z
      .strictObject({
        write_quorum: writeQuorum,
        write_timeout: duration(
          '5s',
          100,
          'no backend answers a write faster, so every write would fail',
        ),
        sync_interval: duration(
          '60s',
          1000,
          "each pass reads every target's digests; 0 would repeat it without pause",
        ),
        poll_interval: duration(
          '2s',
          100,
          'each poll queries every target; 0 would repeat it without pause',
        ),
        tombstone_retention: duration(
          '30d',
          3_600_000,
          'a deletion forgotten before every target has it comes back from the others',
        ),
      })
      .prefault({}),
    // Sign-ups from the page and the APIs: how long a confirmation link works, and whether webhook
    // subscribers may point at private addresses (a lab; never on a public page).
    subscriptions: z
      .strictObject({
        confirm_within: duration(
          '48h',
          600_000,
          'a confirmation mail can take minutes to arrive and to be read',
        ),
        webhooks: z.strictObject({ allow_private: z.boolean().default(false) }).prefault({}),
      })
      .prefault({}),
    api_tokens: z.array(apiToken).default([]),
    agents: z.array(agent).default([]).superRefine(agentTokensProblem),
    mirror: z.array(mirror).default([]),
    cluster_health: clusterHealth.prefault({}),
    metrics,
    restarts,
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ComponentConfig = z.output<typeof component>;
export type ComponentHealthConfig = z.output<typeof componentHealth>;
export type MetricsConfig = z.output<typeof metrics>;
export type ServeConfig = z.output<typeof serve>;
export type NotifierConfig = z.output<typeof notifier>;
export type OutboxConfig = z.output<typeof outbox>;
export type MirrorConfig = z.output<typeof mirror>;
export type ClusterHealthConfig = z.output<typeof clusterHealth>;
