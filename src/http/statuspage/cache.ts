/**
 * The eight Statuspage documents, rebuilt only when the store version or the 10-second time
 * bucket changes (maintenance moves between phases by the clock alone). The ETag is a hash of
 * the body, so every instance holding the same data answers with the same tag (two 32-bit
 * hashes over the text: the BigInt one behind the ids is too slow for whole documents).
 */
import type { ApiDeps } from '../api-deps.ts';
import { statuspageDocuments, type StatuspageEndpoint } from './format.ts';
import { shortHash } from '../../replication/hash.ts';
import type { Compressible } from '../site/compress.ts';

export const BUCKET_MS = 10_000;

export const STATUSPAGE_ENDPOINTS: readonly StatuspageEndpoint[] = [
  'summary.json',
  'status.json',
  'components.json',
  'incidents.json',
  'incidents/unresolved.json',
  'scheduled-maintenances.json',
  'scheduled-maintenances/upcoming.json',
  'scheduled-maintenances/active.json',
];

/** Encoded once per build (and compressed once, in the background): sending it is a copy. */
export interface Rendered extends Compressible {
  etag: string;
}

const encoder = new TextEncoder();

export interface StatuspageCache {
  render(endpoint: StatuspageEndpoint): Rendered;
  /** How many times the documents were built: a test hook for "served from cache". */
  readonly builds: number;
}

export function createStatuspageCache(deps: ApiDeps): StatuspageCache {
  let key = '';
  let rendered = new Map<StatuspageEndpoint, Rendered>();
  let builds = 0;
  return {
    get builds() {
      return builds;
    },
    render(endpoint) {
      const now = deps.now();
      const extra = deps.extraComponentStates?.() ?? [];
      // A cluster's state changes without a write: the documents follow it at once.
      const extraKey = extra.length ? JSON.stringify(extra.map((e) => [e.state, e.source])) : '';
      const current = `${deps.store.version}:${Math.floor(now / BUCKET_MS)}:${extraKey}`;
      if (current !== key) {
        const documents = statuspageDocuments({
          view: deps.read.view(),
          now,
          title: deps.config.base_info.title,
          baseUrl: deps.config.base_info.base_url,
          startedAt: deps.startedAt,
          extra,
        });
        builds++;
        rendered = new Map(
          STATUSPAGE_ENDPOINTS.map((name) => {
            const body = JSON.stringify(documents[name]);
            return [name, { body: encoder.encode(body), etag: `"${shortHash(body)}"` }];
          }),
        );
        key = current;
      }
      return rendered.get(endpoint)!;
    },
  };
}
