/**
 * nginx (Debian's nginx-light) with one worker (or `workers`) serving the captured files with `gzip_static`,
 * under its own prefix on a free port: what a static file server does on the same machine.
 * nginx-light has no brotli module, so a `br` request gets the gzip file.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

const NGINX = '/usr/sbin/nginx';
export const hasNginx = spawnSync(NGINX, ['-v']).error === undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Serve `root` (files named as their URL paths, `/` as index.html, with `.gz` siblings). */
export async function startNginx(
  prefix: string,
  root: string,
  options: { workers?: number } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  await mkdir(join(prefix, 'logs'), { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  await writeFile(
    conf,
    `worker_processes ${options.workers ?? 1};
daemon off;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs/error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, 'tmp')};
  types { text/html html; application/json json; }
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    gzip_static on;
    gzip_vary on;
    etag on;
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', conf], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    try {
      await fetch(`${url}/`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
      }),
  };
}
