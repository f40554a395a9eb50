/**
 * Access to one cluster's API and a paginated JSON GET with a deadline, which the generated
 * clients of @kubernetes/client-node 1.4.0 do not offer (their requests can hang forever).
 *
 * Credentials: in a pod, the service account (its token file is read again as the kubelet
 * rotates it) and the cluster CA; a plain server URL (tests, `kubectl proxy`); or a kubeconfig
 * file through client-node's KubeConfig (exec plugins, OIDC, client certificates). KubeConfig is
 * loaded only in that last case: its module brings the whole generated API client (about 60 MB
 * of RSS), which an agent running in a pod never needs.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';

export interface KubeConnection {
  /** A kubeconfig file; else in-cluster when running in a pod, else the default loading rules. */
  kubeconfig?: string;
  context?: string;
  /** A server URL with no credentials (tests, `kubectl proxy`). */
  server?: string;
}

/** What client-node's Watch asks of its config: the server, and fetch options with auth. */
export interface WatchConfig {
  getCurrentCluster(): { server: string } | null;
  applyToFetchOptions(opts: object): Promise<{ agent?: unknown; headers: Record<string, string> }>;
}

export interface KubeAuth extends WatchConfig {
  readonly server: string;
  /** Headers and TLS settings for one request. */
  requestOptions(): Promise<RequestOptions>;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

function agentFor(
  server: string,
  tls: { ca?: Buffer | undefined; rejectUnauthorized?: boolean } = {},
) {
  return server.startsWith('https:')
    ? new HttpsAgent({ keepAlive: true, ...(tls.ca ? { ca: tls.ca } : {}), ...tls })
    : new HttpAgent({ keepAlive: true });
}

function staticAuth(
  server: string,
  headers: () => Record<string, string>,
  agent: HttpAgent,
): KubeAuth {
  return {
    server,
    getCurrentCluster: () => ({ server }),
    applyToFetchOptions: async () => ({ agent, headers: headers() }),
    requestOptions: async () => ({ agent, headers: { accept: 'application/json', ...headers() } }),
  };
}

/** In a pod: the service account's token and CA, and the API server from the environment. */
export function inClusterAuth(
  env: NodeJS.ProcessEnv,
  root = SERVICE_ACCOUNT,
  now: () => number = Date.now,
): KubeAuth {
  const host = env.KUBERNETES_SERVICE_HOST!;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const agent = agentFor(server, { ca: readFileSync(`${root}/ca.crt`) });
  let token = '';
  let readAt = 0;
  // Bound service account tokens are rotated by the kubelet: read the file again every minute.
  const bearer = () => {
    if (!token || now() - readAt > 60_000) {
      token = readFileSync(`${root}/token`, 'utf8').trim();
      readAt = now();
    }
    return { authorization: `Bearer ${token}` };
  };
  return staticAuth(server, bearer, agent);
}

async function kubeconfigAuth(connection: KubeConnection): Promise<KubeAuth> {
  const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
  const config = new KubeConfig();
  if (connection.kubeconfig) config.loadFromFile(connection.kubeconfig);
  else config.loadFromDefault();
  if (connection.context) config.setCurrentContext(connection.context);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig names no current cluster');
  return {
    server: cluster.server,
    getCurrentCluster: () => ({ server: cluster.server }),
    applyToFetchOptions: async (opts) =>
      (await config.applyToFetchOptions(opts)) as unknown as {
        agent?: unknown;
        headers: Record<string, string>;
      },
    requestOptions: async () => {
      const options: RequestOptions = { headers: { accept: 'application/json' } };
      await config.applyToHTTPSOptions(options);
      return options;
    },
  };
}

/** A server URL without credentials (tests, benches, `kubectl proxy`). */
export function plainServer(url: string): KubeAuth {
  const server = url.replace(/\/$/, '');
  return staticAuth(server, () => ({}), agentFor(server));
}

/** The cluster to talk to: a plain server, a kubeconfig file, in-cluster, or ~/.kube/config. */
export async function connect(
  connection: KubeConnection,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KubeAuth> {
  if (connection.server) return plainServer(connection.server);
  if (!connection.kubeconfig && env.KUBERNETES_SERVICE_HOST) return inClusterAuth(env);
  return kubeconfigAuth(connection);
}

export class KubeRequestError extends Error {
  override readonly name = 'KubeRequestError';
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

export interface KubeList {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: unknown[];
}

export class KubeClient {
  constructor(readonly auth: KubeAuth) {}

  get server(): string {
    return this.auth.server;
  }

  /** GET a JSON document; a non-2xx answer throws KubeRequestError with its status. */
  async getJson<T>(
    path: string,
    query: Record<string, string> = {},
    timeoutMs = 30_000,
  ): Promise<T> {
    const url = new URL(this.server.replace(/\/$/, '') + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const options: RequestOptions = { ...(await this.auth.requestOptions()), method: 'GET' };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<T>((resolve, reject) => {
      const req = send(url, { ...options, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            let message = `HTTP ${status}`;
            try {
              message = (JSON.parse(text) as { message?: string }).message ?? message;
            } catch {
              // not a Status object: keep the status line
            }
            return reject(new KubeRequestError(`GET ${url.pathname}: ${message}`, status));
          }
          try {
            resolve(JSON.parse(text) as T);
          } catch (error) {
            reject(new Error(`GET ${url.pathname}: not JSON (${(error as Error).message})`));
          }
        });
      });
      req.on('timeout', () =>
        req.destroy(new Error(`GET ${url.pathname}: no answer in ${timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * Lists page by page (`limit`/`continue`), handing each page's items to `each` before asking
   * for the next, so a 20,000-pod list is never held whole in memory. Returns the list's version.
   */
  async listPaged(
    path: string,
    query: Record<string, string>,
    pageSize: number,
    timeoutMs: number,
    each: (items: unknown[]) => void,
  ): Promise<string> {
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.getJson<KubeList>(
        path,
        { ...query, limit: String(pageSize), ...(token ? { continue: token } : {}) },
        timeoutMs,
      );
      if (!token) resourceVersion = page.metadata?.resourceVersion ?? '';
      each(page.items ?? []);
      token = page.metadata?.continue || undefined;
    } while (token);
    return resourceVersion;
  }
}
