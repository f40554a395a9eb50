/**
 * Pods answering FT's `__health` and `__gtg`, each on its own loopback address (127.0.0.2, .3,
 * ...) and one shared port, as pods behind one Service share their app port. What each answers
 * is set per pod at any time.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';

export interface FtCheck {
  id?: string;
  name: string;
  ok: boolean;
  severity: number;
  businessImpact: string;
  technicalSummary: string;
  panicGuide: string;
  checkOutput?: string;
  lastUpdated?: string;
}

export type PodAnswer =
  | { checks: FtCheck[]; gtg?: number; delayMs?: number }
  | { status: number; body?: string }
  | { hang: true };

export const okCheck = (name: string): FtCheck => ({
  id: name,
  name,
  ok: true,
  severity: 2,
  businessImpact: 'None',
  technicalSummary: 'Fine',
  panicGuide: 'https://runbooks.example/app',
  checkOutput: 'OK',
});

export class FtPods {
  private readonly servers: Server[] = [];
  private readonly answers = new Map<string, PodAnswer>();
  readonly requests: string[] = [];
  /** When each request arrived, per pod address. */
  readonly times = new Map<string, number[]>();
  port = 0;
  inFlight = 0;
  maxInFlight = 0;

  static ip(index: number): string {
    return `127.0.0.${index + 2}`;
  }

  set(index: number, answer: PodAnswer): void {
    this.answers.set(FtPods.ip(index), answer);
  }

  async start(count: number): Promise<this> {
    for (let index = 0; index < count; index += 1) {
      const ip = FtPods.ip(index);
      this.answers.set(ip, { checks: [okCheck('db')] });
      const server = createServer((req, res) => {
        this.requests.push(`${ip}${req.url}`);
        if (req.url === '/__health')
          this.times.set(ip, [...(this.times.get(ip) ?? []), Date.now()]);
        const answer = this.answers.get(ip)!;
        if ('hang' in answer) return;
        if ('status' in answer) return void res.writeHead(answer.status).end(answer.body ?? '');
        if (req.url === '/__gtg') return void res.writeHead(answer.gtg ?? 200).end();
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        res.on('close', () => (this.inFlight -= 1));
        setTimeout(() => this.answer(res, answer), answer.delayMs ?? 0);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.port, ip, resolve);
      });
      this.port = (server.address() as { port: number }).port;
      this.servers.push(server);
    }
    return this;
  }

  private answer(res: ServerResponse, answer: { checks: FtCheck[] }): void {
    const ok = answer.checks.every((check) => check.ok);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        schemaVersion: 1,
        systemCode: 'cart',
        name: 'cart',
        description: 'the cart',
        checks: answer.checks.map((check) => ({ lastUpdated: new Date().toISOString(), ...check })),
        ok,
        ...(ok
          ? {}
          : { severity: Math.min(...answer.checks.filter((c) => !c.ok).map((c) => c.severity)) }),
      }),
    );
  }

  async close(): Promise<void> {
    for (const server of this.servers) server.closeAllConnections();
    await Promise.all(
      this.servers.map((server) => new Promise((resolve) => server.close(resolve))),
    );
  }
}
