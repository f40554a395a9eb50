/**
 * Access to one cluster's API: the KubeConfig (in-cluster, a kubeconfig file, or a plain server
 * URL for tests) and a paginated JSON GET with a deadline, which the generated clients of
 * @kubernetes/client-node 1.4.0 do not offer (their requests can hang forever).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

export interface KubeConnection {
  /** A kubeconfig file; else in-cluster when running in a pod, else the default loading rules. */
  kubeconfig?: string;
  context?: string;
  /** A server URL with no credentials (tests, `kubectl proxy`). */
  server?: string;
}

export function loadKubeConfig(
  connection: KubeConnection,
  env: NodeJS.ProcessEnv = process.env,
): KubeConfig {
  const config = new KubeConfig();
  if (connection.server) {
    config.loadFromOptions({
      // client-node refuses plain http unless TLS checks are off: there is no TLS to check.
      clusters: [
        {
          name: 'cluster',
          server: connection.server,
          skipTLSVerify: connection.server.startsWith('http:'),
        },
      ],
      users: [{ name: 'agent' }],
      contexts: [{ name: 'agent', cluster: 'cluster', user: 'agent' }],
      currentContext: 'agent',
    });
  } else if (connection.kubeconfig) config.loadFromFile(connection.kubeconfig);
  else if (env.KUBERNETES_SERVICE_HOST) config.loadFromCluster();
  else config.loadFromDefault();
  if (connection.context) config.setCurrentContext(connection.context);
  if (!config.getCurrentCluster()) throw new Error('the kubeconfig names no current cluster');
  return config;
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
  constructor(readonly config: KubeConfig) {}

  get server(): string {
    return this.config.getCurrentCluster()!.server;
  }

  /** GET a JSON document; a non-2xx answer throws KubeRequestError with its status. */
  async getJson<T>(
    path: string,
    query: Record<string, string> = {},
    timeoutMs = 30_000,
  ): Promise<T> {
    const url = new URL(this.server.replace(/\/$/, '') + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const options: RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
    await this.config.applyToHTTPSOptions(options);
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
    }).finally(() => (options.agent as { destroy?: () => void } | undefined)?.destroy?.());
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
