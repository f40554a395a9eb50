/**
 * The agent's own HTTP port: `/healthz` (alive: 200 with what it knows; never a token),
 * `/readyz` (200 once every watch has listed, else 503) and `/metrics` (Prometheus).
 */
import { createServer, type Server } from 'node:http';
import type { Agent } from './agent.ts';

export function startAgentServer(agent: Agent, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const health = agent.health();
      const status = path === '/readyz' && !health.synced ? 503 : 200;
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(
        JSON.stringify({
          status: health.synced ? 'ok' : 'starting',
          instance: agent.instance,
          ...health,
        }),
      );
      return;
    }
    if (path === '/metrics') {
      for (const [kind, count] of Object.entries(agent.objectCounts()))
        agent.metrics.objects.set({ kind }, count);
      agent.metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': agent.metrics.registry.contentType });
          res.end(text);
        },
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
