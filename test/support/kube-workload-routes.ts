/**
 * Single-workload routes of the stand-in kube API: GET and PATCH of
 * `/apis/apps/v1/namespaces/:ns/(deployments|statefulsets)/:name`. A PATCH is recorded exactly
 * (path, Content-Type, body text), merged into the object (a strategic merge patch of maps is a
 * deep merge), bumps `metadata.generation` when the spec changed, and is answered with the
 * object, as the real server does. Content types other than the three patch types are 415.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, ResourceName } from './kube-api-model.ts';

export interface PatchRecord {
  path: string;
  contentType: string;
  body: string;
}

export interface WorkloadHost {
  get(resource: ResourceName, namespace: string | undefined, name: string): KubeObject | undefined;
  modify(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    change: (object: KubeObject) => void,
  ): KubeObject;
  readonly patches: PatchRecord[];
  onPatch?: (resource: ResourceName, namespace: string, name: string) => void;
}

const PATCH_TYPES = new Set([
  'application/strategic-merge-patch+json',
  'application/merge-patch+json',
  'application/json-patch+json',
]);

type Raw = Record<string, unknown>;
const isMap = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function merge(target: Raw, patch: Raw): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (isMap(value) && isMap(target[key])) merge(target[key] as Raw, value);
    else target[key] = structuredClone(value);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  send(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
}

/** Handles the request when it is for one workload; false lets the server route it. */
export function serveWorkload(
  host: WorkloadHost,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets)\/([^/]+)$/.exec(
    url.pathname,
  );
  if (!match) return false;
  const namespace = decodeURIComponent(match[1]!);
  const resource = match[2] as ResourceName;
  const name = decodeURIComponent(match[3]!);
  const found = host.get(resource, namespace, name);
  const missing = () => status(res, 404, 'NotFound', `${resource}.apps "${name}" not found`);
  if (req.method === 'GET') {
    if (!found) missing();
    else send(res, 200, found);
    return true;
  }
  if (req.method !== 'PATCH') {
    status(res, 405, 'MethodNotAllowed', `${req.method} is not supported here`);
    return true;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    host.patches.push({ path: url.pathname, contentType, body });
    if (!PATCH_TYPES.has(contentType))
      return status(
        res,
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format`,
      );
    if (!found) return missing();
    let patch: unknown;
    try {
      patch = JSON.parse(body);
    } catch {
      return status(res, 400, 'BadRequest', 'the patch is not JSON');
    }
    if (!isMap(patch)) return status(res, 400, 'BadRequest', 'the patch is not an object');
    const updated = host.modify(resource, namespace, name, (object) => {
      const before = JSON.stringify(object.spec);
      merge(object as Raw, patch);
      if (JSON.stringify(object.spec) !== before)
        object.metadata.generation = (object.metadata.generation ?? 1) + 1;
    });
    send(res, 200, updated);
    host.onPatch?.(resource, namespace, name);
  });
  return true;
}
