/**
 * Load from a second process: wrk (Debian's `wrk`) when installed, else autocannon. Both run with
 * a bounded duration and connection count and report requests/s, p50, p99 and failed requests
 * (socket errors, timeouts and non-2xx/3xx answers).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}

export const hasWrk = spawnSync('wrk', ['--version']).error === undefined;
export const loadTool = hasWrk ? 'wrk' : 'autocannon';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err}${out}`)),
    );
  });
}

/** wrk prints latencies as 812.00us, 3.21ms or 1.02s. */
function ms(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!m) return NaN;
  const value = Number(m[1]);
  return m[2] === 'us' ? value / 1000 : m[2] === 's' ? value * 1000 : value;
}

export function parseWrk(out: string): LoadResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const p50 = ms(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = ms(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50, p99, requests, errors: socketErrors + non2xx };
}

const autocannonBin = (): string =>
  createRequire(import.meta.url).resolve('autocannon/autocannon.js');

export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  const headers = Object.entries(options.headers ?? {});
  if (hasWrk) {
    const args = ['-t2', `-c${options.connections}`, `-d${options.seconds}s`, '--latency'];
    for (const [name, value] of headers) args.push('-H', `${name}: ${value}`);
    return parseWrk(await run('wrk', [...args, url]));
  }
  const args = ['--json', '-c', String(options.connections), '-d', String(options.seconds)];
  for (const [name, value] of headers) args.push('-H', `${name}=${value}`);
  const r = JSON.parse(await run(process.execPath, [autocannonBin(), ...args, url])) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    requests: r.requests.total,
  };
}
