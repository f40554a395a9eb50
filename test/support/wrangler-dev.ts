/**
 * `wrangler dev` (workerd, offline) as a child process on a free port, for the Worker's tests and
 * bench: in a process group of its own (bin/wrangler.js starts the real CLI, which starts workerd,
 * and a signal to the first alone would leave the other two running), with no telemetry and no
 * look-up of the Request.cf object, since there is no network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const wranglerBin = fileURLToPath(
  new URL('../../node_modules/wrangler/bin/wrangler.js', import.meta.url),
);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface WranglerDev {
  url: string;
  child: ChildProcess;
  /** Everything wrangler and workerd printed so far. */
  output(): string;
  /** SIGTERM to the group, SIGKILL after 5 s. */
  stop(): Promise<void>;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group is already gone.
  }
}

export interface WranglerDevOptions {
  /** Arguments after `dev` (port, address and state folder are set here). */
  args: string[];
  /** The folder for the Worker's local state (the Cache API's entries). */
  state: string;
  /** Path asked until `ready` says the Worker is up. */
  probe: string;
  ready?: (response: Response) => boolean;
  logLevel?: 'error' | 'warn';
  timeoutMs?: number;
}

export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      wranglerBin,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      options.state,
      '--log-level',
      options.logLevel ?? 'warn',
      ...options.args,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        CI: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    signalGroup(child, 'SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    signalGroup(child, 'SIGKILL');
  };
  const ready = options.ready ?? ((response: Response) => response.ok);
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const up = await fetch(`${url}${options.probe}`).then(ready, () => false);
    if (up) return { url, child, output: () => output, stop };
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`wrangler dev did not answer ${options.probe}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
