/**
 * The part of `fetch` the agent uses (method, headers, a byte body, an abort signal; status and
 * text back), on node:http and node:https. Node's global fetch loads undici on first use, about
 * 13 MB of RSS that an agent sized to 150 MB would spend on two simple requests. The global
 * fetch fits the same type, so tests may pass it or a fake.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  signal?: AbortSignal;
}

export interface FetchAnswer {
  status: number;
  ok: boolean;
  text(): Promise<string>;
}

export type Fetch = (url: string, init?: FetchInit) => Promise<FetchAnswer>;

/** Bodies read at most this far: an FT health answer or an app's error, never a download. */
const MAX_BODY = 1_000_000;

// Connections are kept alive: snapshots go every few seconds, probes every refresh period.
const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

export const httpFetch: Fetch = (url, init = {}) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body) headers['content-length'] = init.body.byteLength;
    const req = send(
      target,
      { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY);
          resolve({ status, ok: status >= 200 && status < 300, text: async () => text });
        });
      },
    );
    const abort = () => {
      const reason = init.signal?.reason as Error | undefined;
      req.destroy(reason ?? Object.assign(new Error('aborted'), { name: 'AbortError' }));
    };
    if (init.signal?.aborted) abort();
    init.signal?.addEventListener('abort', abort, { once: true });
    req.on('close', () => init.signal?.removeEventListener('abort', abort));
    req.on('error', reject);
    req.end(init.body);
  });
