/**
 * An HTTP receiver on 127.0.0.1 port 0 that records every request (method, path with query,
 * the headers a channel chose, the body: parsed JSON, else the text) and answers as the test
 * says: a status and body, a body of many bytes (streamed, for size limits), or no answer at all.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export type Answer =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { status: number; bodyBytes: number }
  | { hang: true };

export interface RecordingReceiver {
  url: string;
  requests: RecordedRequest[];
  /** How every following request is answered (default 200 "ok"). */
  answer(how: (request: RecordedRequest) => Answer): void;
  close(): Promise<void>;
}

// What the HTTP client adds on its own: not the channel's choice, and it varies between Node versions.
const TRANSPORT_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'accept',
  'accept-language',
  'accept-encoding',
  'sec-fetch-mode',
]);

function parseBody(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function stream(response: ServerResponse, bytes: number): void {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let left = bytes;
  const write = () => {
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!response.write(piece)) {
        response.once('drain', write);
        return;
      }
    }
    response.end();
  };
  response.on('close', () => (left = 0));
  write();
}

export async function startRecordingReceiver(): Promise<RecordingReceiver> {
  let how: (request: RecordedRequest) => Answer = () => ({ status: 200, body: 'ok' });
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (!TRANSPORT_HEADERS.has(name) && value !== undefined)
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        headers,
        body: parseBody(Buffer.concat(chunks).toString('utf8')),
      };
      receiver.requests.push(recorded);
      const answer = how(recorded);
      if ('hang' in answer) return;
      if ('bodyBytes' in answer) {
        response.writeHead(answer.status, { 'content-type': 'text/plain' });
        stream(response, answer.bodyBytes);
        return;
      }
      response.writeHead(answer.status, answer.headers ?? { 'content-type': 'text/plain' });
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: RecordingReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: [],
    answer(next) {
      how = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
