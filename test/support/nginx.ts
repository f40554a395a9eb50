/**
 * nginx (Debian's nginx-light) serving a mirror folder, for the mirror suites: its own prefix,
 * configuration and pid file in a temporary folder, on a free port of 127.0.0.1, in the
 * foreground as a child process. The server block is the one docs/operations.md documents.
 * Without nginx the suite skips, and with CI=true it fails (the package must be installed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

/** In the http block: /history?month=2026-03 → /history/2026-03.html, ?day=2026-03-30 → /history/day/2026-03-30.html. */
export const NGINX_HTTP_SNIPPET = `
map "$arg_month:$arg_day" $staunch_history {
  "~^(?<month>[0-9]{4}-[0-9]{2}):$" /history/$month.html;
  "~^:(?<day>[0-9]{4}-[0-9]{2}-[0-9]{2})$" /history/day/$day.html;
  default /history.html;
}
`;

/** The server block's body, `ROOT` being the mirror folder (its `current` link is the document root). */
export const nginxServerSnippet = (root: string) => `
  root ${root}/current;
  index index.html;
  gzip_static on;
  charset utf-8;
  charset_types text/css text/javascript application/json application/xml text/calendar image/svg+xml;
  types {
    text/html html;
    text/css css;
    text/javascript js;
    application/json json;
    text/calendar ics;
    image/svg+xml svg;
  }
  add_header Cache-Control "public, max-age=60, stale-while-revalidate=300, stale-if-error=604800";
  location = /history { try_files $staunch_history /history.html =404; }
  location /incidents/ { try_files $uri.html =404; }
  location = /rss.xml { types { } default_type application/rss+xml; charset_types *; }
  location = /atom.xml { types { } default_type application/atom+xml; charset_types *; }
  location /assets/ { add_header Cache-Control "public, max-age=31536000, immutable"; }
  location /api/v2/ {
    add_header Access-Control-Allow-Origin "*";
    add_header Cache-Control "public, max-age=60, stale-if-error=604800";
  }
  location = /mirror.json { add_header Cache-Control "no-cache"; }
  location / { try_files $uri $uri.html $uri/index.html =404; }
`;

export interface RunningNginx {
  url: string;
  close(): Promise<void>;
}

export function nginxAvailable(): boolean {
  if (existsSync(NGINX)) return true;
  if (process.env.CI === 'true')
    throw new Error(`${NGINX} is missing (CI=true: install Debian's nginx-light)`);
  console.warn(`skipping: ${NGINX} is missing (apt-get install nginx-light)`);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startNginx(mirrorFolder: string): Promise<RunningNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'staunch-nginx-'));
  mkdirSync(join(prefix, 'logs'));
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((name) => `${name}_temp_path ${prefix}/${name};`)
    .join('\n  ');
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;' : ''}
daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  default_type application/octet-stream;
  ${temp}
  ${NGINX_HTTP_SNIPPET}
  server {
    listen 127.0.0.1:${port};
    ${nginxServerSnippet(mirrorFolder)}
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    const up = await fetch(`${url}/mirror.json`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (i > 100) throw new Error(`nginx did not answer on ${url}: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    async close() {
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
