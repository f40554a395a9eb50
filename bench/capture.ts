/**
 * What the app answers, byte for byte: status, headers (minus the per-connection ones) and the
 * body as sent (still compressed), for the ceilings in bench/page.ts to send the same bytes.
 */
import { request } from 'node:http';

export interface Captured {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  encoding: string;
}

const PER_CONNECTION = new Set([
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
]);

export function capture(url: string, acceptEncoding?: string): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (PER_CONNECTION.has(name) || value === undefined) continue;
            headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks),
            encoding: headers['content-encoding'] ?? 'identity',
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Ask until the app answers in `encoding` (it compresses in the background after a first request). */
export async function captureSettled(
  url: string,
  acceptEncoding: string,
  encoding: string,
): Promise<Captured> {
  let last = await capture(url, acceptEncoding);
  for (let i = 0; i < 20 && last.encoding !== encoding; i++) {
    await new Promise((r) => setTimeout(r, 50));
    last = await capture(url, acceptEncoding);
  }
  return last;
}
