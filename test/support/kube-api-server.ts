/**
 * A stand-in Kubernetes API server (node:http) speaking the protocol `@kubernetes/client-node`
 * uses: lists carry `metadata.resourceVersion`; `?watch=true&resourceVersion=N` answers one JSON
 * event per line (ADDED, MODIFIED, DELETED, BOOKMARK with `allowWatchBookmarks`), replaying what
 * happened after N from its history; a version older than the history answers 410, as an HTTP
 * status or as an ERROR event with a `Status` object (both happen on real servers).
 *
 * Faults: `failWatches(n, status)` (the next n watches answer that status), `silenceWatches()`
 * (watches open and never say anything, live events included), `dropWatches()` (every open watch
 * connection is cut), `expire(mode)` (the history is compacted: every resume gets 410), and
 * `restart()` (the listener goes away and comes back on the same port with compacted history;
 * whatever changed meanwhile arrives with no event, as after an etcd restore).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  parseSelector,
  RESOURCES,
  type KubeObject,
  type ResourceName,
  type ResourceType,
  type Selector,
} from './kube-api-model.ts';
import { serveWorkload, type PatchRecord } from './kube-workload-routes.ts';

export { parseSelector, RESOURCES, type KubeObject, type ResourceName, type ResourceType };

interface HistoryEvent {
  rv: number;
  resource: ResourceName;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

interface OpenWatch {
  resource: ResourceName;
  namespace: string | undefined;
  selector: Selector;
  bookmarks: boolean;
  res: ServerResponse;
  /** Stalled: open, and never says anything again. */
  silent: boolean;
}

export interface KubeApiOptions {
  /** Leave out discovery.k8s.io (a cluster older than EndpointSlices). */
  noEndpointSlices?: boolean;
  /** Leave out the appmirage.io CRDs (not installed). */
  noCustomResources?: boolean;
  /** Events kept for resuming watches (default 100,000); older versions get 410, as after compaction. */
  historyLimit?: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: URLSearchParams;
  watch: boolean;
  authorization?: string;
}

export class KubeApiServer {
  readonly requests: RequestRecord[] = [];
  /** Every PATCH of a Deployment or StatefulSet, exactly as received (kube-workload-routes.ts). */
  readonly patches: PatchRecord[] = [];
  /** Called after a PATCH was applied, e.g. to roll the pods (kube-rollout.ts). */
  onPatch?: (resource: ResourceName, namespace: string, name: string) => void;
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  private history: HistoryEvent[] = [];
  private rv = 100;
  /** Resumes from a version below this one get 410. */
  private oldestResumable = 0;
  private expiredAs: 'status' | 'event' = 'status';
  private failing: { count: number; status: number } = { count: 0, status: 500 };
  private failingLists = new Map<string, number>();
  private silent = false;
  private readonly watches = new Set<OpenWatch>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;

  constructor(private readonly options: KubeApiOptions = {}) {
    for (const name of Object.keys(RESOURCES)) this.objects.set(name as ResourceName, new Map());
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  async start(port = this.port): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.watches.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Down for `whileDown` (which may change objects silently), then back with no history. */
  async restart(whileDown?: () => void | Promise<void>): Promise<void> {
    await this.close();
    await whileDown?.();
    this.rv += 1000;
    this.expire();
    await this.start(this.port);
  }

  // --- objects ------------------------------------------------------------------------------

  private key(namespace: string | undefined, name: string): string {
    return `${namespace ?? ''}/${name}`;
  }

  private store(resource: ResourceName): Map<string, KubeObject> {
    return this.objects.get(resource)!;
  }

  get(resource: ResourceName, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store(resource).get(this.key(namespace, name));
  }

  list(resource: ResourceName): KubeObject[] {
    return [...this.store(resource).values()];
  }

  /** Creates or replaces; emits ADDED or MODIFIED. */
  apply(resource: ResourceName, object: KubeObject): KubeObject {
    const type = RESOURCES[resource];
    const key = this.key(object.metadata.namespace, object.metadata.name);
    const previous = this.store(resource).get(key);
    this.rv += 1;
    const stored: KubeObject = structuredClone({
      ...object,
      apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
      kind: type.kind,
      metadata: {
        uid: previous?.metadata.uid ?? `uid-${resource}-${key}`,
        creationTimestamp: previous?.metadata.creationTimestamp ?? new Date().toISOString(),
        ...object.metadata,
        resourceVersion: String(this.rv),
      },
    });
    this.store(resource).set(key, stored);
    this.emit({ rv: this.rv, resource, type: previous ? 'MODIFIED' : 'ADDED', object: stored });
    return stored;
  }

  /** Changes a stored object in place (a copy of it) and emits MODIFIED. */
  modify(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    change: (object: KubeObject) => void,
  ): KubeObject {
    const found = this.get(resource, namespace, name);
    if (!found) throw new Error(`no ${resource} ${namespace}/${name}`);
    const copy = structuredClone(found);
    change(copy);
    return this.apply(resource, copy);
  }

  remove(resource: ResourceName, namespace: string | undefined, name: string): void {
    const key = this.key(namespace, name);
    const found = this.store(resource).get(key);
    if (!found) return;
    this.store(resource).delete(key);
    this.rv += 1;
    const object = structuredClone(found);
    object.metadata.resourceVersion = String(this.rv);
    this.emit({ rv: this.rv, resource, type: 'DELETED', object });
  }

  /** Changes the store with no event and no history (what a restore from backup looks like). */
  silently(resource: ResourceName, change: (objects: Map<string, KubeObject>) => void): void {
    change(this.store(resource));
  }

  // --- faults -------------------------------------------------------------------------------

  failWatches(count: number, status = 500): void {
    this.failing = { count, status };
  }

  /**
   * The next `count` lists of that collection path (e.g. `/api/v1/pods`) answer 500; `Infinity`
   * fails them until called again with 0.
   */
  failLists(path: string, count: number): void {
    this.failingLists.set(path, count);
  }

  /** Stalls every open watch for good; while on, new watches stall too. */
  silenceWatches(on = true): void {
    this.silent = on;
    if (on) for (const watch of this.watches) watch.silent = true;
  }

  dropWatches(): void {
    for (const watch of this.watches) watch.res.socket?.destroy();
    this.watches.clear();
  }

  /** Compacts the history: resuming from any version seen so far gets 410. */
  expire(as: 'status' | 'event' = this.expiredAs): void {
    this.expiredAs = as;
    this.history = [];
    this.rv += 1;
    this.oldestResumable = this.rv;
  }

  /** Sends a BOOKMARK to every watch that asked for them. */
  bookmark(): void {
    for (const watch of this.watches) {
      if (!watch.bookmarks || watch.silent) continue;
      const type = RESOURCES[watch.resource];
      this.write(watch, {
        type: 'BOOKMARK',
        object: {
          kind: type.kind,
          apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
          metadata: { resourceVersion: String(this.rv) },
        },
      });
    }
  }

  openWatches(resource?: ResourceName): number {
    return [...this.watches].filter((watch) => !resource || watch.resource === resource).length;
  }

  // --- protocol -----------------------------------------------------------------------------

  private emit(event: HistoryEvent): void {
    this.history.push(event);
    if (this.history.length > (this.options.historyLimit ?? 100_000)) {
      const dropped = this.history.splice(0, this.history.length >> 1);
      this.oldestResumable = dropped.at(-1)!.rv + 1;
    }
    for (const watch of this.watches) {
      if (!watch.silent && this.matches(watch, event))
        this.write(watch, { type: event.type, object: event.object });
    }
  }

  private matches(watch: OpenWatch, event: HistoryEvent): boolean {
    return (
      watch.resource === event.resource &&
      (watch.namespace === undefined || event.object.metadata.namespace === watch.namespace) &&
      watch.selector(event.object.metadata.labels ?? {})
    );
  }

  private write(watch: OpenWatch, event: unknown): void {
    watch.res.write(`${JSON.stringify(event)}\n`);
  }

  private route(path: string): { resource: ResourceName; namespace?: string } | undefined {
    const parts = path.split('/').filter(Boolean);
    let rest: string[];
    let group = '';
    if (parts[0] === 'api' && parts[1] === 'v1') rest = parts.slice(2);
    else if (parts[0] === 'apis' && parts.length >= 4) {
      group = parts[1]!;
      rest = parts.slice(3);
    } else return undefined;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length === 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    if (rest.length !== 1) return undefined;
    const entry = Object.entries(RESOURCES).find(
      ([, type]) => type.plural === rest[0] && type.group === group,
    );
    if (!entry) return undefined;
    if (this.hidden(entry[1])) return undefined;
    if (namespace !== undefined && !entry[1].namespaced) return undefined;
    return { resource: entry[0] as ResourceName, namespace };
  }

  private hidden(type: ResourceType): boolean {
    return (
      (type.group === 'discovery.k8s.io' && !!this.options.noEndpointSlices) ||
      (type.group === 'appmirage.io' && !!this.options.noCustomResources)
    );
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const watch = url.searchParams.get('watch') === 'true';
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      watch,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    if (url.pathname === '/healthz' || url.pathname === '/readyz') return void res.end('ok');
    if (url.pathname === '/version')
      return this.json(res, 200, { major: '1', minor: '31', gitVersion: 'v1.31.0' });
    if (serveWorkload(this, req, res)) return;
    const discovery = this.discovery(url.pathname);
    if (discovery) return this.json(res, 200, discovery);
    const route = this.route(url.pathname);
    if (!route || req.method !== 'GET')
      return this.status(res, 404, 'NotFound', `the server could not find the requested resource`);
    let selector: Selector;
    try {
      selector = parseSelector(url.searchParams.get('labelSelector') ?? '');
    } catch (error) {
      return this.status(res, 400, 'BadRequest', (error as Error).message);
    }
    if (watch) return this.watch(route.resource, route.namespace, selector, url.searchParams, res);
    const failures = this.failingLists.get(url.pathname) ?? 0;
    if (failures > 0) {
      this.failingLists.set(url.pathname, failures - 1);
      return this.status(res, 500, 'InternalError', 'injected list failure');
    }
    const type = RESOURCES[route.resource];
    const all = this.list(route.resource).filter(
      (object) =>
        (route.namespace === undefined || object.metadata.namespace === route.namespace) &&
        selector(object.metadata.labels ?? {}),
    );
    // Pages (`limit`, `continue`): the token carries the offset and the list's version.
    const limit = Number(url.searchParams.get('limit') || '0');
    const token = url.searchParams.get('continue');
    const from = token
      ? (JSON.parse(Buffer.from(token, 'base64url').toString()) as { offset: number; rv: number })
      : { offset: 0, rv: this.rv };
    const items = limit > 0 ? all.slice(from.offset, from.offset + limit) : all;
    const more = limit > 0 && from.offset + limit < all.length;
    this.json(res, 200, {
      kind: `${type.kind}List`,
      apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
      metadata: {
        resourceVersion: String(from.rv),
        ...(more
          ? {
              continue: Buffer.from(
                JSON.stringify({ offset: from.offset + limit, rv: from.rv }),
              ).toString('base64url'),
              remainingItemCount: all.length - from.offset - limit,
            }
          : {}),
      },
      items,
    });
  }

  private discovery(path: string): unknown {
    const match = /^\/apis\/([^/]+)\/([^/]+)\/?$/.exec(path);
    if (!match) return undefined;
    const types = Object.values(RESOURCES).filter(
      (type) => type.group === match[1] && type.version === match[2] && !this.hidden(type),
    );
    if (types.length === 0) return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: `${match[1]}/${match[2]}`,
      resources: types.map((type) => ({
        name: type.plural,
        singularName: type.kind.toLowerCase(),
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: ['get', 'list', 'watch'],
      })),
    };
  }

  private watch(
    resource: ResourceName,
    namespace: string | undefined,
    selector: Selector,
    query: URLSearchParams,
    res: ServerResponse,
  ): void {
    if (this.failing.count > 0) {
      this.failing.count -= 1;
      return this.status(res, this.failing.status, 'InternalError', 'injected watch failure');
    }
    const from = Number(query.get('resourceVersion') || '0');
    const expired = from !== 0 && from < this.oldestResumable;
    if (expired && this.expiredAs === 'status') {
      return this.status(res, 410, 'Expired', `too old resource version: ${from}`);
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const open: OpenWatch = {
      resource,
      namespace,
      selector,
      bookmarks: query.get('allowWatchBookmarks') === 'true',
      res,
      silent: this.silent,
    };
    if (expired) {
      this.write(open, {
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${from}`,
          reason: 'Expired',
          code: 410,
        },
      });
      return void res.end();
    }
    this.watches.add(open);
    res.on('close', () => this.watches.delete(open));
    if (this.silent) return;
    for (const event of this.history) {
      if (event.rv > from && this.matches(open, event))
        this.write(open, { type: event.type, object: event.object });
    }
    const timeout = Number(query.get('timeoutSeconds') || '0');
    if (timeout > 0) {
      const timer = setTimeout(() => res.end(), timeout * 1000);
      res.on('close', () => clearTimeout(timer));
    }
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    });
  }
}

export async function startKubeApi(options: KubeApiOptions = {}): Promise<KubeApiServer> {
  return new KubeApiServer(options).start(0);
}
