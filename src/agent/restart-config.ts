/**
 * The agent's restart allow-list: which Deployments and StatefulSets the app may ask it to
 * restart. The app never decides this; the agent publishes the list in its snapshots and checks
 * it again before every patch, whatever a request says.
 *
 * `restarts.services` takes k8s-restart-app's `services:` entries as they are
 * (`{kind, namespace, name}`), and `restarts.services_file` takes that program's whole
 * config file (`services: [...]`), so an existing file can be mounted unchanged.
 */
import { z } from 'zod';
import { parseDuration } from '../config/duration.ts';

export type RestartKind = 'Deployment' | 'StatefulSet';

export interface RestartTarget {
  kind: RestartKind;
  namespace: string;
  name: string;
}

const dnsName = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export const restartTargetSchema = z.strictObject({
  kind: z.enum(['Deployment', 'StatefulSet'], {
    error: 'must be Deployment or StatefulSet (case-sensitive, as the API names them)',
  }),
  namespace: z.string().regex(dnsName, 'not a namespace name'),
  name: z.string().max(253).regex(dnsName, 'not a Kubernetes object name'),
});

/** The file k8s-restart-app reads (`CONFIG_FILE_PATH`): `services:` and nothing the agent needs besides. */
export const restartServicesFileSchema = z.object({
  services: z.array(restartTargetSchema).default([]),
});

const duration = (fallback: string, minMs: number, maxMs = Infinity) =>
  z
    .union([z.string(), z.number()])
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === null || ms < minMs || ms > maxMs) {
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" is not a duration between ${minMs / 1000}s and ${maxMs === Infinity ? 'any length' : `${maxMs / 1000}s`} (use e.g. 500ms, 5s, 2m)`,
        });
        return z.NEVER;
      }
      return ms;
    });

export const restartsConfigSchema = z
  .strictObject({
    /** Off: no restart is ever carried out, none is offered, the agent does not poll for commands. */
    enabled: z.boolean().default(false),
    services: z.array(restartTargetSchema).default([]),
    /** k8s-restart-app's config file, read at start (its entries join `services`). */
    services_file: z.string().optional(),
    /** How long the agent follows one rollout before it reports it as not finished. */
    force_unlock_after: duration('300s', 1000),
    /** How long one `GET /api/agent/v1/commands` may wait for a request. */
    poll_wait: duration('25s', 1000, 60_000),
    /** Time between reads of a rolling workload. */
    progress_interval: duration('2s', 10),
  })
  .prefault({});

export type RestartsConfig = z.output<typeof restartsConfigSchema>;

export const targetKey = (target: RestartTarget): string =>
  `${target.kind}/${target.namespace}/${target.name}`;

/** The allow-list as a set; duplicates count once. */
export class RestartAllowList {
  private readonly keys: Set<string>;
  constructor(readonly targets: readonly RestartTarget[]) {
    this.keys = new Set(targets.map(targetKey));
  }
  allows(target: RestartTarget): boolean {
    return this.keys.has(targetKey(target));
  }
}
