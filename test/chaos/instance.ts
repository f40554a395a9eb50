/**
 * One `staunch serve` of the chaos suite: a folder of its own (config and view snapshot) that
 * survives a SIGKILL, so a restart is the same instance coming back, on a new port.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startStaunch, type StaunchProcess } from '../support/staunch-process.ts';

export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'chaos-admin-password';
const ADMIN = `Basic ${Buffer.from(`${ADMIN_USER}:${ADMIN_PASSWORD}`).toString('base64')}`;

export interface Answer {
  /** 0: no answer (the connection broke or timed out after the request was sent). */
  status: number;
  /** False when the request never left (connection refused): nothing can have happened. */
  sent: boolean;
  text: string;
}

export interface ChaosInstance {
  name: string;
  /** False between a kill and the restart's first answer. */
  readonly alive: boolean;
  request(
    method: string,
    path: string,
    options?: { body?: unknown; admin?: boolean; accept?: string },
  ): Promise<Answer>;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
  output(): string;
}

export async function startInstance(name: string, config: string): Promise<ChaosInstance> {
  const cwd = mkdtempSync(join(tmpdir(), `staunch-chaos-${name}-`));
  writeFileSync(join(cwd, 'config.yml'), config);
  let process: StaunchProcess | undefined;
  let earlier = '';
  const launch = async () => {
    process = await startStaunch(['serve'], { cwd });
  };
  await launch();
  await eventually(
    async () => ((await fetch(`${process!.url}/readyz`)).status === 200 ? true : undefined),
    { timeoutMs: 30_000 },
  );
  return {
    name,
    get alive() {
      return process !== undefined;
    },
    async request(method, path, options = {}) {
      const current = process;
      if (!current) return { status: 0, sent: false, text: '' };
      const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
      if (options.admin) headers.Authorization = ADMIN;
      if (options.body !== undefined) headers['Content-Type'] = 'application/json';
      try {
        const response = await fetch(`${current.url}${path}`, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.timeout(30_000),
        });
        return { status: response.status, sent: true, text: await response.text() };
      } catch (error) {
        const code = ((error as { cause?: { code?: string } }).cause?.code ?? '') as string;
        return { status: 0, sent: code !== 'ECONNREFUSED', text: String((error as Error).message) };
      }
    },
    async kill() {
      const current = process;
      process = undefined;
      earlier += current?.output() ?? '';
      await current?.stop('SIGKILL');
    },
    async restart() {
      await launch();
    },
    async stop() {
      const current = process;
      process = undefined;
      await current?.stop('SIGTERM');
    },
    output: () => earlier + (process?.output() ?? ''),
  };
}
