/**
 * A statusetat go-plugin executable as a Notifier: started at `start()` (or on first use), asked
 * for its health, `Init` with the page's base info and the params, then `Notify` and `PreCheck`
 * per event. Its stderr goes to the logger. A process that dies is started again on the next use,
 * not before a backoff that doubles with each crash in a row (1 s up to 1 min, on the injected
 * clock); until then deliveries fail as retryable, so the outbox tries again later. Node-only.
 */
import { basename } from 'node:path';
import {
  NotifierError,
  NotifierStartError,
  type DeliveryContext,
  type DeliveryReceipt,
  type Notification,
  type Notifier,
  type NotifierEnvironment,
} from '../types.ts';
import { notifyRequest, toStruct } from './convert.ts';
import { spawnPlugin, type SpawnedPlugin } from './handshake.ts';
// gRPC and its proto loader are loaded with the first plugin started, not by every server start.
import type * as Rpc from './rpc.ts';
import type { PluginRpc } from './rpc.ts';

let rpcModule: typeof Rpc | undefined;

export interface ExecutableTimeouts {
  /** From spawn to the handshake line (go-plugin's own default is a minute). */
  handshakeMs: number;
  /** Each gRPC call: health, Init, Notify. */
  callMs: number;
  /** PreCheck runs while an API write waits for it. */
  preCheckMs: number;
  /** After Shutdown, before the process is killed. */
  shutdownMs: number;
  /** First and longest wait before restarting a plugin that died. */
  restartMinMs: number;
  restartMaxMs: number;
}

export const DEFAULT_TIMEOUTS: ExecutableTimeouts = {
  handshakeMs: 15_000,
  callMs: 10_000,
  preCheckMs: 5_000,
  shutdownMs: 2_000,
  restartMinMs: 1_000,
  restartMaxMs: 60_000,
};

interface Running {
  spawned: SpawnedPlugin;
  rpc: PluginRpc;
}

const MAX_LOG_LINE = 2000;

export class ExecutableNotifier implements Notifier {
  readonly type = 'plugin';
  readonly perRecipient = false;
  /** What the plugin calls itself (its Name RPC), once started. */
  pluginName: string | undefined;

  /** The running process's id, for logs and tests. */
  get pid(): number | undefined {
    return this.running?.spawned.child.pid;
  }

  private running: Running | undefined;
  private starting: Promise<Running> | undefined;
  private crashes = 0;
  private restartAt = 0;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly params: Record<string, unknown>,
    private readonly environment: NotifierEnvironment,
    private readonly timeouts: ExecutableTimeouts = DEFAULT_TIMEOUTS,
  ) {}

  /** statusetat hands every event to a plugin; the plugin decides what it skips. */
  wants(): boolean {
    return true;
  }

  async start(): Promise<void> {
    await this.ready();
  }

  async send(notification: Notification, context: DeliveryContext): Promise<DeliveryReceipt> {
    const { rpc } = await this.readyForUse();
    let detail: string | undefined;
    try {
      detail = await rpc.notify(notifyRequest(notification, context.subscribers), {
        timeoutMs: this.timeouts.callMs,
        signal: context.signal,
      });
    } catch (error) {
      throw this.callError('Notify', error);
    }
    this.crashes = 0;
    // The plugin's own error: it may be a receiver of its own that is down, so it is retried.
    if (detail !== undefined) throw new NotifierError(this.name, true, `plugin: ${detail}`);
    return { response: 'Notify OK' };
  }

  /** statusetat refuses the write on any PreCheck error, the plugin's own or a failed call. */
  async preCheck(notification: Notification): Promise<void> {
    const { rpc } = await this.readyForUse();
    let detail: string | undefined;
    try {
      detail = await rpc.preCheck(notifyRequest(notification), {
        timeoutMs: this.timeouts.preCheckMs,
      });
    } catch (error) {
      throw this.callError('PreCheck', error);
    }
    if (detail !== undefined)
      throw new NotifierError(this.name, false, `pre-check refused: ${detail}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    const running = this.running ?? (await this.starting?.catch(() => undefined));
    this.running = undefined;
    if (!running) return;
    const { spawned, rpc } = running;
    const exited = spawned.exited;
    try {
      await rpc.shutdown({ timeoutMs: this.timeouts.shutdownMs });
    } catch {
      // A plugin that stops serving while it shuts down answers with an error; the wait below decides.
    }
    rpc.close();
    const timer = new Promise<'timeout'>((done) =>
      setTimeout(() => done('timeout'), this.timeouts.shutdownMs).unref(),
    );
    if ((await Promise.race([exited, timer])) === 'timeout') {
      spawned.child.kill('SIGKILL');
      await exited;
    }
  }

  /** After start, a plugin that cannot be started again is a delivery failure, retried later. */
  private async readyForUse(): Promise<Running> {
    try {
      return await this.ready();
    } catch (error) {
      if (!(error instanceof NotifierStartError)) throw error;
      throw new NotifierError(this.name, true, `could not restart the plugin: ${error.message}`, {
        cause: error,
      });
    }
  }

  private ready(): Promise<Running> {
    if (this.closed) return Promise.reject(new NotifierError(this.name, true, 'closed'));
    if (this.running) return Promise.resolve(this.running);
    if (this.starting) return this.starting;
    const now = this.environment.now();
    if (now < this.restartAt) {
      const seconds = Math.ceil((this.restartAt - now) / 1000);
      return Promise.reject(
        new NotifierError(
          this.name,
          true,
          `plugin ${basename(this.path)} died; restarting in ${seconds} s`,
        ),
      );
    }
    this.starting = this.launch().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async launch(): Promise<Running> {
    let spawned: SpawnedPlugin | undefined;
    let rpc: PluginRpc | undefined;
    try {
      spawned = await spawnPlugin({
        path: this.path,
        timeoutMs: this.timeouts.handshakeMs,
        onOutput: (stream, line) => this.forward(stream, line),
      });
      rpcModule ??= await import('./rpc.ts');
      rpc = new rpcModule.PluginRpc(spawned.handshake);
      const call = { timeoutMs: this.timeouts.callMs };
      await rpc.checkHealth(call);
      rpc.streamStdio((stream, text) =>
        text.split('\n').forEach((line) => line && this.forward(stream, line)),
      );
      const page = this.environment.page;
      await rpc.init(
        {
          base_url: page.baseUrl,
          support: page.support ?? '',
          contact: page.contact ?? '',
          title: page.title,
          time_zone: page.timeZone,
        },
        toStruct(this.params),
        call,
      );
      this.pluginName = await rpc.name(call).catch(() => undefined);
    } catch (error) {
      rpc?.close();
      spawned?.child.kill('SIGKILL');
      this.noteCrash();
      if (error instanceof NotifierStartError) throw error;
      throw new NotifierStartError(
        'path',
        `${this.path}: started, but ${(error as Error).message.replace(/^\d+ [A-Z_]+: /, '')}`,
        { cause: error },
      );
    }
    const running: Running = { spawned, rpc };
    this.running = running;
    this.environment.logger.info(
      { notifier: this.name, plugin: this.pluginName, pid: spawned.child.pid },
      'notifier plugin started',
    );
    void spawned.exited.then(({ code, signal }) => {
      if (this.running !== running) return;
      this.running = undefined;
      rpc.close();
      if (this.closed) return;
      this.noteCrash();
      this.environment.logger.warn(
        { notifier: this.name, plugin: this.pluginName, code, signal },
        'notifier plugin exited; it starts again on the next delivery',
      );
    });
    return running;
  }

  private noteCrash(): void {
    const wait = Math.min(
      this.timeouts.restartMinMs * 2 ** this.crashes,
      this.timeouts.restartMaxMs,
    );
    this.crashes += 1;
    this.restartAt = this.environment.now() + wait;
  }

  private callError(method: string, error: unknown): NotifierError {
    if (error instanceof NotifierError) return error;
    const message = (error as Error).message ?? String(error);
    // Every call goes through a started plugin, so the RPC module is loaded by now.
    const retryable = rpcModule!.isRetryableStatus(error);
    return new NotifierError(this.name, retryable, `${method} failed: ${message}`, {
      cause: error,
    });
  }

  /** hclog's JSON lines keep their level and fields (debug and trace are dropped); any other line is logged as it is. */
  private forward(stream: 'stdout' | 'stderr', line: string): void {
    const text = line.length > MAX_LOG_LINE ? `${line.slice(0, MAX_LOG_LINE)}…` : line;
    const base = { notifier: this.name, plugin: this.pluginName ?? basename(this.path), stream };
    let entry: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && '@message' in parsed)
        entry = parsed as Record<string, unknown>;
    } catch {
      // not hclog JSON
    }
    const level = String(entry?.['@level'] ?? '').toLowerCase();
    // go-plugin's own chatter (its listen address, ...) is at debug; the logger has no such level.
    if (level === 'debug' || level === 'trace') return;
    const message = entry ? String(entry['@message']) : text;
    const details = entry ? { ...base, fields: entry } : base;
    if (level === 'error' || level === 'warn' || level === 'warning')
      this.environment.logger.warn(details, `plugin: ${message}`);
    else this.environment.logger.info(details, `plugin: ${message}`);
  }
}
