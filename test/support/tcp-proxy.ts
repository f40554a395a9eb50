/**
 * A TCP proxy on 127.0.0.1 in front of a real server, for fault injection: `cut()` drops every
 * connection and refuses new ones (the server looks stopped, for this target only, without
 * disturbing other suites that share the server); `silence()` accepts and never answers (a
 * hung server); `restore()` brings it back.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'cut' | 'silent';

export interface TcpProxy {
  port: number;
  /** Rewrite a URI so that it goes through the proxy. */
  via(uri: string): string;
  cut(): void;
  silence(): void;
  restore(): void;
  readonly mode: ProxyMode;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
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
    client.pipe(upstream).pipe(client);
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
    restore() {
      mode = 'pass';
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
