/**
 * A TCP proxy on 127.0.0.1 in front of a real server, for fault injection: `cut()` drops every
 * connection and refuses new ones (the server looks stopped, for this target only, without
 * disturbing other suites that share the server); `silence()` accepts and never answers (a
 * hung server); `slow(ms)` holds every chunk, both ways, that long before passing it on (an
 * overloaded link); `restore()` brings it back.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { sleep } from '../../storage-drivers/utils.ts';

export type ProxyMode = 'pass' | 'cut' | 'silent' | 'slow';

export interface TcpProxy {
  port: number;
  /** Rewrite a URI so that it goes through the proxy. */
  via(uri: string): string;
  cut(): void;
  silence(): void;
  slow(delayMs: number): void;
  restore(): void;
  readonly mode: ProxyMode;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
  let delayMs = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    if (mode === 'cut') return client.destroy();
    if (mode === 'silent') return; // read and say nothing
    const upstream = connect(target.port, target.host);
    track(upstream);
    forward(client, upstream, () => delayMs);
    forward(upstream, client, () => delayMs);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const dropAll = () => sockets.forEach((s) => s.destroy());
  return {
    port,
    via(uri) {
      const url = new URL(uri);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.href;
    },
    cut() {
      mode = 'cut';
      dropAll();
    },
    silence() {
      mode = 'silent';
      dropAll();
    },
    slow(delay) {
      mode = 'slow';
      delayMs = delay;
    },
    restore() {
      mode = 'pass';
      delayMs = 0;
    },
    get mode() {
      return mode;
    },
    async close() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Pass `from`'s bytes to `to`, each chunk held for the current delay. Chunks go through one
 * queue per direction, so a delay that changes mid-connection never reorders them.
 */
function forward(from: Socket, to: Socket, delay: () => number): void {
  let queue = Promise.resolve();
  const later = (work: () => void) => {
    queue = queue.then(async () => {
      const ms = delay();
      if (ms > 0) await sleep(ms);
      if (!to.destroyed) work();
    });
  };
  from.on('data', (chunk: Buffer) => later(() => to.write(chunk)));
  from.on('end', () => later(() => to.end()));
}
