/**
 * The two calls a restart makes: read the workload, and patch its pod template the way
 * `kubectl rollout restart` does (a strategic merge patch setting the
 * `kubectl.kubernetes.io/restartedAt` annotation to an RFC 3339 time; any change of the template
 * starts a rollout).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { KubeRequestError, type KubeClient } from './kube-client.ts';
import type { RestartTarget } from './restart-config.ts';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
export const STRATEGIC_MERGE = 'application/strategic-merge-patch+json';

export function workloadPath(target: RestartTarget): string {
  const plural = target.kind === 'Deployment' ? 'deployments' : 'statefulsets';
  return `/apis/apps/v1/namespaces/${encodeURIComponent(target.namespace)}/${plural}/${encodeURIComponent(target.name)}`;
}

/** The patch body, exactly as kubectl sends it. */
export function restartPatch(restartedAt: string): string {
  return JSON.stringify({
    spec: { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } },
  });
}

/** RFC 3339 in UTC, seconds precision, as kubectl writes it. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function readWorkload(client: KubeClient, target: RestartTarget): Promise<unknown> {
  return client.getJson<unknown>(workloadPath(target), {}, 10_000);
}

export async function patchWorkload(
  client: KubeClient,
  target: RestartTarget,
  body: string,
  timeoutMs = 10_000,
): Promise<void> {
  const path = workloadPath(target);
  const url = new URL(client.server.replace(/\/$/, '') + path);
  const base = await client.auth.requestOptions();
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  await new Promise<void>((resolve, reject) => {
    const req = send(
      url,
      {
        ...base,
        method: 'PATCH',
        timeout: timeoutMs,
        headers: {
          ...(base.headers as Record<string, string>),
          'content-type': STRATEGIC_MERGE,
          'content-length': String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve();
          let message = `HTTP ${status}`;
          try {
            message =
              (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { message?: string })
                .message ?? message;
          } catch {
            // not a Status object: keep the status line
          }
          reject(new KubeRequestError(`PATCH ${path}: ${message}`, status));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`PATCH ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
