/**
 * A webhook receiver on 127.0.0.1 for end-to-end notification tests. It is `down` (503), `hang`
 * (holds each request unanswered, as a receiver that stopped answering), or `up` (200); it counts
 * only what it accepted, by path and idempotency key, as a receiver that dedupes would see it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceiverMode = 'up' | 'down' | 'hang';

export interface Accepted {
  path: string;
  idempotencyKey: string;
  body: unknown;
}

export interface WebhookSink {
  url: string;
  mode: ReceiverMode;
  accepted: Accepted[];
  /** Requests refused with 503, per idempotency key. */
  refused: Map<string, number>;
  /** Requests held unanswered right now. */
  hanging(): number;
  /** Answer every held request with 503 (the sender retries them). */
  releaseHanging(): void;
  close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const held = new Set<ServerResponse>();
  const receiver: WebhookSink = {
    url: '',
    mode: 'up',
    accepted: [],
    refused: new Map(),
    hanging: () => held.size,
    releaseHanging() {
      for (const response of held) response.writeHead(503).end();
      held.clear();
    },
    close: () =>
      new Promise((resolve) => {
        receiver.releaseHanging();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const key = String(request.headers['idempotency-key'] ?? '');
      if (receiver.mode === 'down') {
        receiver.refused.set(key, (receiver.refused.get(key) ?? 0) + 1);
        response.writeHead(503).end('down');
        return;
      }
      if (receiver.mode === 'hang') {
        held.add(response);
        // The sender gave up or died: the request was never accepted.
        response.on('close', () => held.delete(response));
        return;
      }
      receiver.accepted.push({
        path: request.url ?? '',
        idempotencyKey: key,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
