/**
 * A `node:http` request listener in front of @hono/node-server's: a plain GET or HEAD (no query,
 * no cookie, no Authorization) whose recorded answer is still current (src/http/hot-responses.ts)
 * is answered here with one `writeHead` and one `end` of bytes and headers prepared when the app
 * first sent them; everything else goes to the app unchanged. The app's per-request cost (Hono's
 * dispatch, the `Response` and its conversion, the page context) is several times the cost of
 * sending a small compressed page, and this is what status-page traffic mostly is.
 *
 * The app has no per-request middleware a hit would skip for these routes: no access log, no
 * request counter, no throttle on public reads (HSTS, the one header middleware adds, is in the
 * recorded headers, as sent).
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import {
  createServer as createHttpsServer,
  type ServerOptions as HttpsServerOptions,
} from 'node:https';
import { negotiate } from '../http/site/compress.ts';
import { etagMatches } from '../http/site/etag.ts';
import {
  askOffer,
  ENCODING_INDEX,
  HotResponses,
  takeOffer,
  type HotEntry,
} from '../http/hot-responses.ts';

type Fetch<E> = (request: Request, env: E) => Response | Promise<Response>;

interface Miss {
  path: string;
  head: boolean;
  encoding: number;
}

/** Few distinct Accept-Encoding values reach a site; each is negotiated once (as compress.ts does). */
const ACCEPT_MEMO = 64;
/** What a refresh asks with, per ENCODING_INDEX. */
const ACCEPT: readonly Record<string, string>[] = [
  {},
  { 'accept-encoding': 'br' },
  { 'accept-encoding': 'gzip' },
];
const REFRESH_POLL_MS = 20;

export interface HotPathOptions {
  /**
   * How long an answer behind the clock only (a new minute, a new 10-second bucket, same data)
   * is still sent while its successor is rendered and compressed off the request path. Never
   * when the data changed: a write is shown by the next request.
   */
  graceMs?: number;
  /** The runtime's own clock, for the grace period only. */
  now?: () => number;
}

export interface HotPath {
  readonly table: HotResponses;
  /** Hits served here since start. */
  readonly hits: number;
  /** Refreshes that recorded a successor since start. */
  readonly refreshes: number;
  /** The listener to give the server: `next` is @hono/node-server's. */
  listener(next: RequestListener): RequestListener;
  /** The app's fetch, recording what it sends to the plain requests the listener passed on. */
  fetch<E>(appFetch: Fetch<E>): Fetch<E>;
}

export function createHotPath(options: HotPathOptions = {}, table = new HotResponses()): HotPath {
  const graceMs = options.graceMs ?? 5_000;
  const now = options.now ?? Date.now;
  const misses = new WeakMap<IncomingMessage, Miss>();
  const accepted = new Map<string, number>();
  const refreshing = new Set<string>();
  let app: Fetch<object> | undefined;
  let hits = 0;
  let refreshes = 0;

  const encodingOf = (accept: string | undefined): number => {
    if (accept === undefined) return ENCODING_INDEX.identity;
    let index = accepted.get(accept);
    if (index === undefined) {
      const chosen = negotiate(accept);
      index = chosen ? ENCODING_INDEX[chosen] : ENCODING_INDEX.identity;
      if (accepted.size >= ACCEPT_MEMO) accepted.clear();
      accepted.set(accept, index);
    }
    return index;
  };

  /**
   * Ask the app for the successor of an answer behind the clock, as a plain request would, until
   * its compressed bytes are ready; the old answer is sent until then.
   */
  const refresh = async (path: string, head: boolean, encoding: number) => {
    const key = `${encoding}${head ? 'H' : 'G'}${path}`;
    if (!app || refreshing.has(key)) return;
    refreshing.add(key);
    const started = now();
    try {
      while (now() - started < graceMs) {
        const env = {};
        askOffer(env);
        const response = await app(
          new Request(`http://localhost${path}`, {
            method: head ? 'HEAD' : 'GET',
            headers: ACCEPT[encoding]!,
          }),
          env,
        );
        const offer = takeOffer(env);
        if (!offer || response.status !== 200) return;
        if (offer.settled) {
          table.record(path, head, encoding, offer, response.status, response.headers);
          refreshes++;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, REFRESH_POLL_MS));
      }
    } catch {
      // The entry runs out of grace and requests go to the app, which answers for itself.
    } finally {
      refreshing.delete(key);
    }
  };

  /** The entry's answer if it may be sent now: current, or behind the clock within the grace. */
  const usable = (entry: HotEntry, path: string, head: boolean, encoding: number) => {
    const stamp = entry.stamp;
    if (stamp.current() === entry.value) return true;
    if (stamp.data() !== entry.data) return false;
    const at = now();
    entry.staleSince ??= at;
    if (at - entry.staleSince >= graceMs) return false;
    void refresh(path, head, encoding);
    return true;
  };

  const send = (entry: HotEntry, head: boolean, req: IncomingMessage, res: ServerResponse) => {
    const conditional = req.headers['if-none-match'];
    const answer =
      conditional !== undefined && entry.etag !== undefined && etagMatches(conditional, entry.etag)
        ? entry.notModified
        : entry.ok;
    if (!answer) return false;
    res.writeHead(answer.status, answer.headers);
    if (head || answer.body === undefined) res.end();
    else res.end(answer.body);
    hits++;
    return true;
  };

  return {
    table,
    get hits() {
      return hits;
    },
    get refreshes() {
      return refreshes;
    },
    listener: (next) => (req, res) => {
      const method = req.method;
      const head = method === 'HEAD';
      if (head || method === 'GET') {
        const headers = req.headers;
        const path = req.url ?? '';
        if (
          headers.cookie === undefined &&
          headers.authorization === undefined &&
          headers.host !== undefined &&
          path.charCodeAt(0) === 47 /* / */ &&
          !path.includes('?')
        ) {
          const encoding = encodingOf(headers['accept-encoding']);
          const entry = table.lookup(path, head, encoding);
          if (entry && usable(entry, path, head, encoding) && send(entry, head, req, res)) return;
          misses.set(req, { path, head, encoding });
        }
      }
      next(req, res);
    },
    fetch: <E>(appFetch: Fetch<E>): Fetch<E> => {
      app = appFetch as unknown as Fetch<object>;
      return (request, env) => {
        const node = env as { incoming?: IncomingMessage; outgoing?: ServerResponse };
        const miss = node.incoming && misses.get(node.incoming);
        if (!miss || !node.outgoing) return appFetch(request, env);
        const outgoing = node.outgoing;
        askOffer(node);
        return Promise.resolve(appFetch(request, env)).then((response) => {
          const offer = takeOffer(node);
          const status = response.status;
          if (offer && (status === 200 || status === 304))
            // After the app's answer is written: reading its headers earlier would change how
            // @hono/node-server writes them.
            outgoing.once('finish', () =>
              table.record(miss.path, miss.head, miss.encoding, offer, status, response.headers),
            );
          return response;
        });
      };
    },
  };
}

/**
 * `createServer` and `serverOptions` for @hono/node-server's `serve()`: its listener goes behind
 * the hot path, and the server it creates is the one `serve()` listens on, so TLS and the
 * WebSocket upgrade (an `upgrade` listener on that server) work as before.
 */
export function hotServer(
  hot: HotPath,
  tls?: HttpsServerOptions,
):
  | { createServer: typeof createHttpServer }
  | { createServer: typeof createHttpsServer; serverOptions: HttpsServerOptions } {
  if (tls)
    return {
      createServer: ((options: HttpsServerOptions, listener: RequestListener) =>
        createHttpsServer(options, hot.listener(listener))) as typeof createHttpsServer,
      serverOptions: tls,
    };
  return {
    createServer: ((options: ServerOptions, listener: RequestListener) =>
      createHttpServer(options, hot.listener(listener))) as typeof createHttpServer,
  };
}
