/**
 * Starting a hashicorp go-plugin executable as its client library does: the magic cookie and the
 * protocol versions in the environment, then the one handshake line the plugin prints on stdout,
 * `CORE-PROTOCOL-VERSION|APP-PROTOCOL-VERSION|NETWORK-TYPE|NETWORK-ADDR|PROTOCOL[|SERVER-CERT]`.
 * Node-only (child processes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { NotifierStartError } from '../types.ts';

/** statusetat's handshake config: ProtocolVersion 1, cookie BASIC_PLUGIN=hello. */
export const HANDSHAKE = {
  coreProtocolVersion: 1,
  appProtocolVersion: 1,
  magicCookieKey: 'BASIC_PLUGIN',
  magicCookieValue: 'hello',
} as const;

/** go-plugin's default port range for plugins that listen on TCP (Windows, or when told to). */
const MIN_PORT = 10000;
const MAX_PORT = 25000;

export interface Handshake {
  network: 'unix' | 'tcp';
  address: string;
}

/** Checks one handshake line the way go-plugin's client does, with its reasons. */
export function parseHandshake(line: string): Handshake {
  const parts = line.trim().split('|');
  if (parts.length < 4)
    throw new Error(
      `printed "${line.slice(0, 200)}" instead of a go-plugin handshake (is it a go-plugin executable?)`,
    );
  const [core, app, network, address, protocol = 'netrpc'] = parts;
  if (Number(core) !== HANDSHAKE.coreProtocolVersion)
    throw new Error(
      `speaks go-plugin core protocol ${core}; only ${HANDSHAKE.coreProtocolVersion} is supported`,
    );
  if (Number(app) !== HANDSHAKE.appProtocolVersion)
    throw new Error(
      `serves plugin protocol version ${app}; statusetat's notifier plugins are version ${HANDSHAKE.appProtocolVersion}`,
    );
  if (network !== 'unix' && network !== 'tcp')
    throw new Error(`listens on an unsupported network "${network}" (unix or tcp)`);
  if (protocol !== 'grpc')
    throw new Error(
      `serves go-plugin protocol "${protocol}"; only grpc is supported (set GRPCServer in plugin.Serve)`,
    );
  if (!address) throw new Error('printed a handshake without an address');
  return { network, address: address! };
}

export interface SpawnOptions {
  path: string;
  timeoutMs: number;
  /** Each line the plugin writes on stderr (and on stdout after the handshake). */
  onOutput(stream: 'stdout' | 'stderr', line: string): void;
}

export interface SpawnedPlugin {
  child: ChildProcess;
  handshake: Handshake;
  /** Settles when the process has exited, whatever the reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const LAST_LINES = 5;

/**
 * Runs the executable and waits for its handshake. Every failure is a NotifierStartError on `path`
 * that says what happened: not found, not executable, exited early (with its last stderr lines),
 * silent past the timeout, or a handshake this host cannot use. The process is killed on failure.
 */
export function spawnPlugin(options: SpawnOptions): Promise<SpawnedPlugin> {
  const { path, timeoutMs, onOutput } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(path, [], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        [HANDSHAKE.magicCookieKey]: HANDSHAKE.magicCookieValue,
        PLUGIN_PROTOCOL_VERSIONS: String(HANDSHAKE.appProtocolVersion),
        PLUGIN_MIN_PORT: String(MIN_PORT),
        PLUGIN_MAX_PORT: String(MAX_PORT),
      },
    });
    // A plugin must not outlive Staunch, even when Staunch exits without closing its channels.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once('exit', (code, signal) => {
        process.off('exit', killOnExit);
        done({ code, signal });
      }),
    );
    const lastStderr: string[] = [];
    let settled = false;
    const fail = (message: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      const tail = lastStderr.length ? ` (its last output: ${lastStderr.join(' / ')})` : '';
      reject(new NotifierStartError('path', `${path}: ${message}${tail}`, { cause }));
    };
    const timer = setTimeout(
      () =>
        fail(
          `printed no go-plugin handshake within ${timeoutMs / 1000} s (a statusetat notifier plugin serves gRPC with the handshake BASIC_PLUGIN=hello)`,
        ),
      timeoutMs,
    );

    createInterface({ input: child.stderr! }).on('line', (line) => {
      lastStderr.push(line.slice(0, 300));
      if (lastStderr.length > LAST_LINES) lastStderr.shift();
      onOutput('stderr', line);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (settled) return onOutput('stdout', line);
      try {
        const handshake = parseHandshake(line);
        settled = true;
        clearTimeout(timer);
        resolve({ child, handshake, exited });
      } catch (error) {
        fail((error as Error).message);
      }
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      process.off('exit', killOnExit);
      if (error.code === 'ENOENT') fail('no such file (the plugin executable must exist)', error);
      else if (error.code === 'EACCES')
        fail('is not executable (chmod +x it, or name a .js/.mjs module)', error);
      else fail(`could not be started: ${error.message}`, error);
    });
    // 'close' comes after the pipes are drained, so the process's last words are in lastStderr.
    child.once('close', (code, signal) =>
      fail(`exited (${signal ?? `code ${code}`}) before the go-plugin handshake`),
    );
  });
}
