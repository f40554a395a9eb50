/**
 * The ceiling for bench/page.ts, run in its own process: a bare `node:http` server sending bytes
 * captured from the app (same status, same headers, same body per encoding), read once at start
 * from the folder in argv[2] (`routes.json` plus one file per variant). Prints its port.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

export interface CapturedVariant {
  file: string;
  status: number;
  headers: Record<string, string>;
}
/** Route path -> encoding ('identity' | 'gzip' | 'br') -> what the app sent. */
export type CapturedRoutes = Record<string, Record<string, CapturedVariant>>;

const dir = process.argv[2]!;
const routes = JSON.parse(readFileSync(join(dir, 'routes.json'), 'utf8')) as CapturedRoutes;
const table = new Map<
  string,
  Map<string, { status: number; headers: Record<string, string>; body: Buffer }>
>();
for (const [path, variants] of Object.entries(routes)) {
  const byEncoding = new Map();
  for (const [encoding, v] of Object.entries(variants)) {
    const body = readFileSync(join(dir, v.file));
    byEncoding.set(encoding, {
      status: v.status,
      headers: { ...v.headers, 'content-length': String(body.length) },
      body,
    });
  }
  table.set(path, byEncoding);
}

const server = createServer((req, res) => {
  const variants = table.get(req.url ?? '');
  if (!variants) {
    res.writeHead(404).end();
    return;
  }
  const accept = req.headers['accept-encoding'] ?? '';
  const chosen =
    (/\bbr\b/.test(accept) && variants.get('br')) ||
    (/\bgzip\b/.test(accept) && variants.get('gzip')) ||
    variants.get('identity')!;
  res.writeHead(chosen.status, chosen.headers).end(chosen.body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
