/**
 * `staunch agent -c agent.yml`: watch the cluster and push snapshots until SIGTERM or SIGINT,
 * then send a last snapshot and exit. A bad config: its problems on stderr, exit code 2.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createNodeLogger } from '../runtime/node-logger.ts';
import { Agent } from './agent.ts';
import { systemClock } from './clock.ts';
import { AgentConfigError, parseAgentConfig, type AgentConfig } from './config.ts';
import { connect, KubeClient } from './kube-client.ts';
import { AgentMetrics } from './metrics.ts';
import { startAgentServer } from './server.ts';
import { loadRestartAllowList } from './restart-file.ts';
import { RestartRunner } from './restart-runner.ts';

export function loadAgentConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): AgentConfig {
  let text: string | undefined;
  if (path) {
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new AgentConfigError([
        `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      ]);
    }
  }
  return parseAgentConfig(text, env);
}

export interface RunningAgent {
  agent: Agent;
  server: Server;
  stop(): Promise<void>;
}

/** Starts everything a config describes; logs go to `destination` (stderr by default). */
export async function startAgentFromConfig(
  config: AgentConfig,
  options: { destination?: NodeJS.WritableStream } = {},
): Promise<RunningAgent> {
  const logger = createNodeLogger(
    { level: config.log.level, no_color: true, in_json: config.log.in_json },
    options.destination,
  );
  let client: KubeClient;
  try {
    client = new KubeClient(
      await connect({
        ...(config.kubernetes.server ? { server: config.kubernetes.server } : {}),
        ...(config.kubernetes.kubeconfig ? { kubeconfig: config.kubernetes.kubeconfig } : {}),
        ...(config.kubernetes.context ? { context: config.kubernetes.context } : {}),
      }),
    );
  } catch (error) {
    throw new AgentConfigError([`kubernetes.kubeconfig: ${(error as Error).message}`]);
  }
  const allowList = config.restarts.enabled ? loadRestartAllowList(config.restarts) : undefined;
  const agent = new Agent({
    ...(allowList ? { restartAllowed: (target) => allowList.allows(target) } : {}),
    cluster: config.cluster,
    apps: config.apps,
    client,
    namespaces: config.kubernetes.namespaces,
    endpoints: config.kubernetes.endpoints,
    heartbeatMs: config.heartbeat,
    debounceMs: config.debounce,
    syncTimeoutMs: config.sync_timeout,
    tuning: {
      backoffInitialMs: config.watch.backoff_initial,
      backoffMaxMs: config.watch.backoff_max,
      timeoutSeconds: Math.round(config.watch.timeout / 1000),
      silenceMs: config.watch.silence,
      pageSize: config.watch.page_size,
      listTimeoutMs: config.watch.list_timeout,
      minWatchMs: 1000,
    },
    send: {
      timeoutMs: config.send.timeout,
      backoffInitialMs: config.send.backoff_initial,
      backoffMaxMs: config.send.backoff_max,
    },
    probes: {
      enabled: config.probes.enabled,
      concurrency: config.probes.concurrency,
      timeoutMs: config.probes.timeout,
      attempts: config.probes.attempts,
      cooldownMs: config.probes.cooldown,
      healthPath: config.probes.health_path,
      gtgPath: config.probes.gtg_path,
      defaultRefreshMs: config.probes.default_refresh,
    },
    clock: systemClock,
    logger,
    metrics: new AgentMetrics(true),
  });
  const server = await startAgentServer(agent, config.listen.host, config.listen.port);
  const { port } = server.address() as { port: number };
  const host = config.listen.host === '0.0.0.0' ? '127.0.0.1' : config.listen.host;
  logger.info({ url: `http://${host}:${port}` }, 'agent serving /healthz, /readyz and /metrics');
  await agent.start();
  const restarts = allowList
    ? new RestartRunner({
        apps: config.apps,
        client,
        allowList,
        clock: systemClock,
        logger,
        pollWaitMs: config.restarts.poll_wait,
        progressIntervalMs: config.restarts.progress_interval,
        followMs: config.restarts.force_unlock_after,
        instance: agent.instance,
      })
    : undefined;
  restarts?.start();
  if (allowList)
    logger.info(
      { targets: allowList.targets.length },
      'restarts enabled for the allow-listed workloads',
    );
  return {
    agent,
    server,
    async stop() {
      await restarts?.stop();
      await agent.stop(5000);
      await new Promise((resolve) => server.close(resolve));
      logger.info({ sequence: agent.health().sequence }, 'agent stopped');
    },
  };
}

export async function agentCommand(options: { config?: string }): Promise<void> {
  let running: RunningAgent;
  try {
    running = await startAgentFromConfig(loadAgentConfig(options.config));
  } catch (error) {
    if (!(error instanceof AgentConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
