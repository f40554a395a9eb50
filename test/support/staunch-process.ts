/**
 * Runs `staunch` as a real child process, as a user would, and finds the URL it serves on from
 * its JSON log line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sleep } from '../../storage-drivers/utils.ts';

export const STAUNCH_BIN = fileURLToPath(new URL('../../bin/staunch.mjs', import.meta.url));

export interface StaunchProcess {
  child: ChildProcess;
  url: string;
  /** Everything written to stderr and stdout so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export function startStaunch(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; node?: string },
): Promise<StaunchProcess> {
  const child = spawn(options.node ?? process.execPath, [STAUNCH_BIN, ...args], {
    cwd: options.cwd,
    // The sources as they are now, never a dist/ build of them (see bin/staunch.mjs).
    env: { ...process.env, PORT: '0', STAUNCH_FROM_SOURCE: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http[^"]+)"/.exec(output);
      if (match) {
        child.stderr.off('data', onData);
        child.stderr.on('data', (more: Buffer) => (output += more.toString()));
        resolve({
          child,
          url: match[1]!,
          output: () => output,
          exited,
          async stop(signal = 'SIGTERM') {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) =>
      reject(new Error(`staunch exited (${code}) before serving:\n${output}`)),
    );
  });
}

/** Poll until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 10_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`,
      );
    await sleep(intervalMs);
  }
}
