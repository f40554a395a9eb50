/**
 * The gRPC side of a running plugin: statusetat's `types.Notifier` service plus the two services
 * every go-plugin server registers (`grpc.health.v1.Health` and `plugin.GRPCController`), and the
 * stdio stream of go-plugin 1.4+. The .proto files beside this file are loaded once per process.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Handshake } from './handshake.ts';
import type { ProtoNotifyRequest, ProtoStruct } from './convert.ts';

const PROTO_DIR = fileURLToPath(new URL('.', import.meta.url));
const PROTO_FILES = ['notifier.proto', 'go-plugin.proto', 'health.proto'];

type ServiceConstructor = grpc.ServiceClientConstructor;

interface Services {
  notifier: ServiceConstructor;
  health: ServiceConstructor;
  controller: ServiceConstructor;
  stdio: ServiceConstructor;
}

let services: Services | undefined;

function loadServices(): Services {
  if (services) return services;
  const definition = protoLoader.loadSync(PROTO_FILES, {
    includeDirs: [PROTO_DIR],
    // Field names as in the .proto (snake_case), enums as their numbers: statusetat's state 4
    // (cancelled) has no name in the enum and must pass through as a number.
    keepCase: true,
    enums: Number,
    longs: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    types: { Notifier: ServiceConstructor };
    plugin: { GRPCController: ServiceConstructor; GRPCStdio: ServiceConstructor };
    grpc: { health: { v1: { Health: ServiceConstructor } } };
  };
  services = {
    notifier: loaded.types.Notifier,
    controller: loaded.plugin.GRPCController,
    stdio: loaded.plugin.GRPCStdio,
    health: loaded.grpc.health.v1.Health,
  };
  return services;
}

/** go-plugin's health service name for the plugin server as a whole. */
const HEALTH_SERVICE = 'plugin';
const SERVING = 1;

export interface CallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

interface ErrorAnswer {
  error?: { detail?: string } | null;
}

/** A client for one plugin process, over its unix socket or TCP address, without TLS. */
export class PluginRpc {
  private readonly notifier: grpc.Client;
  private readonly health: grpc.Client;
  private readonly controller: grpc.Client;
  private readonly stdio: grpc.Client;

  constructor(handshake: Handshake) {
    const { notifier, health, controller, stdio } = loadServices();
    const target = handshake.network === 'unix' ? `unix://${handshake.address}` : handshake.address;
    const credentials = grpc.credentials.createInsecure();
    this.notifier = new notifier(target, credentials);
    // The other clients share the notifier's channel: one connection per plugin.
    const channelOverride = { channelOverride: this.notifier.getChannel() };
    this.health = new health(target, credentials, channelOverride);
    this.controller = new controller(target, credentials, channelOverride);
    this.stdio = new stdio(target, credentials, channelOverride);
  }

  /** The server is up and go-plugin reports it SERVING. */
  async checkHealth(options: CallOptions): Promise<void> {
    const answer = await unary<{ status: number }>(
      this.health,
      'Check',
      { service: HEALTH_SERVICE },
      options,
    );
    if (answer.status !== SERVING) throw new Error(`health check answered status ${answer.status}`);
  }

  async init(
    baseInfo: Record<string, string>,
    params: ProtoStruct,
    options: CallOptions,
  ): Promise<void> {
    await unary(this.notifier, 'Init', { base_info: baseInfo, params }, options);
  }

  async name(options: CallOptions): Promise<string> {
    return (await unary<{ name: string }>(this.notifier, 'Name', {}, options)).name;
  }

  /** statusetat's Notify: the plugin's own failure comes back as a detail string, not a status. */
  async notify(request: ProtoNotifyRequest, options: CallOptions): Promise<string | undefined> {
    return detail(await unary<ErrorAnswer>(this.notifier, 'Notify', request, options));
  }

  async preCheck(request: ProtoNotifyRequest, options: CallOptions): Promise<string | undefined> {
    return detail(await unary<ErrorAnswer>(this.notifier, 'PreCheck', request, options));
  }

  async shutdown(options: CallOptions): Promise<void> {
    await unary(this.controller, 'Shutdown', {}, options);
  }

  /**
   * go-plugin 1.4+ sends the plugin's os.Stdout/os.Stderr writes over this stream; older servers
   * answer UNIMPLEMENTED, which ends it quietly.
   */
  streamStdio(onData: (stream: 'stdout' | 'stderr', text: string) => void): void {
    const method = (
      this.stdio as unknown as Record<
        string,
        (request: object) => grpc.ClientReadableStream<{ channel: number; data: Buffer }>
      >
    )['StreamStdio']!;
    const call = method.call(this.stdio, {});
    call.on('data', (chunk: { channel: number; data: Buffer }) =>
      onData(chunk.channel === 1 ? 'stdout' : 'stderr', Buffer.from(chunk.data).toString('utf8')),
    );
    call.on('error', () => {});
  }

  close(): void {
    this.notifier.close();
  }
}

function detail(answer: ErrorAnswer): string | undefined {
  const text = answer.error?.detail;
  return answer.error ? text || 'the plugin reported an error without a detail' : undefined;
}

function unary<T = unknown>(
  client: grpc.Client,
  method: string,
  request: object,
  { timeoutMs, signal }: CallOptions,
): Promise<T> {
  type UnaryMethod = (
    request: object,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, answer: T) => void,
  ) => grpc.ClientUnaryCall;
  const call = (client as unknown as Record<string, UnaryMethod>)[method]!;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const deadline = new Date(Date.now() + timeoutMs);
    const pending: grpc.ClientUnaryCall = call.call(
      client,
      request,
      new grpc.Metadata(),
      { deadline },
      (error: grpc.ServiceError | null, answer: T) => {
        signal?.removeEventListener('abort', abort);
        if (error) reject(error);
        else resolve(answer);
      },
    );
    const abort = () => pending.cancel();
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/** gRPC codes after which the same call may succeed later (the plugin restarting, overloaded, slow). */
export function isRetryableStatus(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    code === grpc.status.UNAVAILABLE ||
    code === grpc.status.DEADLINE_EXCEEDED ||
    code === grpc.status.RESOURCE_EXHAUSTED ||
    code === grpc.status.ABORTED ||
    code === grpc.status.CANCELLED ||
    code === grpc.status.INTERNAL ||
    code === grpc.status.UNKNOWN
  );
}
