/**
 * The agents' bearer tokens (config `agents`: one or more per cluster, so a token can be rotated
 * without a gap). They are hashed (SHA-256) when the app is built and only the digests are kept;
 * a presented token is hashed and compared with every digest in constant time, without an early
 * exit, so neither the timing nor the answer tells which cluster a wrong token came close to.
 */
import type { Config } from '../../config/parse.ts';
import { digestsEqual, sha256 } from '../auth.ts';

export interface AgentTokens {
  /** The cluster the bearer token belongs to, or null for a missing, malformed or unknown one. */
  clusterOf(authorization: string | undefined): Promise<string | null>;
  /** The configured clusters, by name. */
  readonly clusters: readonly string[];
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  const [scheme = '', token = '', extra] = (authorization ?? '').trim().split(/\s+/);
  return scheme.toLowerCase() === 'bearer' && token && extra === undefined ? token : null;
}

export function createAgentTokens(config: Pick<Config, 'agents'>): AgentTokens {
  const digests = Promise.all(
    config.agents.map(async (agent) => ({
      cluster: agent.cluster,
      digest: await sha256(agent.token),
    })),
  );
  const clusters = [...new Set(config.agents.map((agent) => agent.cluster))].sort();
  return {
    clusters,
    async clusterOf(authorization) {
      const token = bearerToken(authorization);
      if (token === null) return null;
      const given = await sha256(token);
      let match: string | null = null;
      for (const entry of await digests) {
        if (digestsEqual(entry.digest, given) && match === null) match = entry.cluster;
      }
      return match;
    },
  };
}
