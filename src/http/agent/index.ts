/**
 * The agents' API: `POST /api/agent/v1/snapshots`, where each in-cluster agent pushes the whole
 * observed state of its cluster, authenticated by its cluster's bearer token (config `agents`).
 *
 * Steps, in this order so that nothing is inflated or parsed for a stranger: the credential
 * throttle (429 while a client is blocked), the token (401 without one, 403 for a wrong one,
 * naming no cluster), the body (415 for another type or encoding, 413 past the limits, 400 for
 * bad JSON), the snapshot's schema (400 naming the field), the token's cluster (403 naming both
 * clusters, since the caller is an agent by then). Then the registry decides whether the
 * snapshot is taken (an older sequence or a standby replica is answered `ignored: true`), and
 * the recorder writes what changed.
 */
import { Hono, type Context } from 'hono';
import type { ClusterRecorder } from '../../cluster/recorder.ts';
import type { ClusterRegistry } from '../../cluster/registry.ts';
import { safeParseClusterSnapshot, type ClusterSnapshot } from '../../cluster/snapshot-schema.ts';
import type { Logger } from '../../logger.ts';
import { TOKEN_ACCOUNT, type CredentialThrottle } from '../credential-throttle.ts';
import { ApiError, respondWithError } from '../errors.ts';
import { clientAddress } from '../rate-limit.ts';
import type { AgentTokens } from './agent-tokens.ts';

export type { AgentTokens } from './agent-tokens.ts';
import { readSnapshotBody, SNAPSHOT_LIMITS, type SnapshotLimits } from './snapshot-body.ts';

export interface AgentApiDeps {
  tokens: AgentTokens;
  registry: ClusterRegistry;
  recorder: ClusterRecorder;
  throttle: CredentialThrottle;
  logger: Logger;
  limits?: SnapshotLimits;
  /** Runs after the recorder on each applied snapshot (the health state machines). */
  onApplied?: (snapshot: ClusterSnapshot) => Promise<void>;
}

export const SNAPSHOTS_PATH = '/api/agent/v1/snapshots';

/** The cluster of the agent calling (its bearer token), through the credential throttle; throws ApiError. */
export async function authenticateAgent(
  c: Context,
  deps: Pick<AgentApiDeps, 'tokens' | 'throttle'>,
): Promise<string> {
  const authorization = c.req.header('authorization');
  if (!authorization) {
    c.header('WWW-Authenticate', 'Bearer realm="staunch agents"');
    throw new ApiError(
      'unauthorized',
      "an agent token is required: Authorization: Bearer <the cluster's token from the config's agents>",
    );
  }
  const address = clientAddress(c);
  const wait = deps.throttle.blockedFor(address);
  if (wait > 0) {
    c.header('Retry-After', String(Math.ceil(wait / 1000)));
    throw new ApiError(
      'rate_limited',
      'too many failed credentials from this client; wait and retry',
    );
  }
  const cluster = await deps.tokens.clusterOf(authorization);
  if (cluster === null) {
    deps.throttle.failed(address, TOKEN_ACCOUNT);
    throw new ApiError('forbidden', 'the agent token is not valid');
  }
  deps.throttle.succeeded(address);
  return cluster;
}

export function agentApi(deps: AgentApiDeps): Hono {
  const app = new Hono();
  const limits = deps.limits ?? SNAPSHOT_LIMITS;

  app.post(SNAPSHOTS_PATH, async (c) => {
    try {
      const tokenCluster = await authenticateAgent(c, deps);
      const body = await readSnapshotBody(c.req.raw, limits);
      if (!body.ok) {
        const { kind, message } = body.problem;
        throw new ApiError(kind === 'too_large' ? 'payload_too_large' : kind, message);
      }
      const parsed = safeParseClusterSnapshot(body.value);
      if (!parsed.ok)
        throw new ApiError(
          'validation_failed',
          `invalid snapshot: ${parsed.problems[0]}`,
          parsed.problems,
        );
      const snapshot = parsed.snapshot;
      if (snapshot.cluster !== tokenCluster)
        throw new ApiError(
          'forbidden',
          `this token is for cluster ${JSON.stringify(tokenCluster)}, not ${JSON.stringify(snapshot.cluster)}`,
        );
      const base = {
        cluster: snapshot.cluster,
        instance: snapshot.agent.instance,
        sequence: snapshot.sequence,
      };
      const accepted = deps.registry.accept(snapshot);
      if (!accepted.applied)
        return c.json({ ...base, ignored: true, reason: accepted.reason, source: accepted.source });
      const outcome = await deps.recorder.record(snapshot);
      if (deps.onApplied)
        await deps
          .onApplied(snapshot)
          .catch((error: unknown) =>
            deps.logger.warn(
              { cluster: snapshot.cluster, err: { message: (error as Error).message } },
              'cluster health not updated; it is with the next snapshot',
            ),
          );
      if (outcome.error)
        deps.logger.warn(
          { cluster: snapshot.cluster, pending: outcome.pending, err: { message: outcome.error } },
          'cluster changes not stored yet; they are written with the next snapshot',
        );
      return c.json({
        ...base,
        ignored: false,
        transitions: outcome.transitions.length,
        pending: outcome.pending,
      });
    } catch (error) {
      if (error instanceof ApiError) return respondWithError(c, error);
      throw error;
    }
  });

  return app;
}
