/**
 * The agent's side of restarts. It long-polls the apps for requests (`GET
 * /api/agent/v1/commands`, moving to the next app when one does not answer), checks each against
 * its own allow-list (whatever the app says), refuses a paused Deployment, patches the pod
 * template as `kubectl rollout restart` does, then follows the rollout by `kubectl rollout
 * status`'s rules and reports each step until it completes, fails (ProgressDeadlineExceeded), or
 * `followMs` passes. A request id is carried out at most once per agent process, even if two app
 * instances hand it out. A command marked `resume` (its agent patched it, then went silent) is
 * only followed: the PATCH is never sent twice for one request.
 */
import type { Logger } from '../logger.ts';
import { VERSION } from '../runtime/version.ts';
import {
  COMMANDS_PATH,
  FOLLOW_HEARTBEAT_MS,
  type CommandsAnswer,
  type RestartCommand,
  type RestartReport,
} from '../restart/protocol.ts';
import type { AgentApp } from './agent.ts';
import { sleep, type Clock } from './clock.ts';
import { KubeRequestError, type KubeClient } from './kube-client.ts';
import { projectWorkload, type WorkloadView } from './projections.ts';
import type { RestartAllowList } from './restart-config.ts';
import { patchWorkload, readWorkload, restartPatch, rfc3339 } from './restart-kube.ts';
import { rolloutState } from './rollout.ts';

export interface RestartRunnerOptions {
  apps: AgentApp[];
  client: KubeClient;
  allowList: RestartAllowList;
  clock: Clock;
  logger: Logger;
  pollWaitMs: number;
  progressIntervalMs: number;
  /** How long one rollout is followed before it is reported as not finished. */
  followMs: number;
  instance: string;
  fetch?: typeof fetch;
}

type Raw = Record<string, unknown>;

const obj = (value: unknown): Raw =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {};

export class RestartRunner {
  private stopped = false;
  private current = 0;
  private readonly seen = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  /** Every PATCH this process sent, by request id (for /healthz and tests). */
  readonly patched: string[] = [];

  constructor(private readonly options: RestartRunnerOptions) {}

  start(): void {
    this.loop ??= this.pollLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    await this.loop;
    await Promise.allSettled([...this.running]);
  }

  private get fetch(): typeof fetch {
    return this.options.fetch ?? fetch;
  }

  private async pollLoop(): Promise<void> {
    const { apps, clock, logger, pollWaitMs } = this.options;
    let failures = 0;
    while (!this.stopped) {
      const app = apps[this.current % apps.length]!;
      try {
        this.abort = new AbortController();
        const timer = clock.setTimeout(() => this.abort?.abort(), pollWaitMs + 10_000);
        const url = `${app.url.replace(/\/$/, '')}${COMMANDS_PATH}?wait=${Math.round(pollWaitMs / 1000)}`;
        const res = await this.fetch(url, {
          headers: this.headers(app),
          signal: this.abort.signal,
        }).finally(() => clock.clearTimeout(timer));
        if (res.status === 204) {
          failures = 0;
          continue;
        }
        if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
        const answer = (await res.json()) as CommandsAnswer;
        failures = 0;
        for (const command of answer.commands ?? []) this.take(command);
      } catch (error) {
        if (this.stopped) return;
        failures += 1;
        this.current += 1;
        logger.warn(
          { app: new URL(app.url).host, err: { message: (error as Error).message } },
          'restart commands not fetched; asking the next app',
        );
        await sleep(clock, Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  private headers(app: AgentApp): Record<string, string> {
    return {
      authorization: `Bearer ${app.token}`,
      'user-agent': `staunch-agent/${VERSION}`,
      'x-staunch-agent-instance': this.options.instance,
    };
  }

  private take(command: RestartCommand): void {
    if (this.seen.has(command.id)) return;
    this.seen.add(command.id);
    const run = this.run(command).catch((error: unknown) =>
      this.options.logger.error(
        { restart: command.id, err: { message: (error as Error).message } },
        'restart not carried out',
      ),
    );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Carries out one request; exported through the class for tests that skip the polling. */
  async run(command: RestartCommand): Promise<void> {
    const { allowList, client, clock, logger } = this.options;
    const target = { kind: command.kind, namespace: command.namespace, name: command.name };
    const label = `${target.kind} ${target.namespace}/${target.name}`;
    if (!allowList.allows(target)) {
      logger.warn({ restart: command.id, target: label }, 'restart refused: not on the allow-list');
      return this.report(command, {
        state: 'refused',
        message: `${label} is not on this agent's restart list`,
      });
    }
    let view: WorkloadView;
    try {
      view = projectWorkload(target.kind)(obj(await readWorkload(client, target)));
    } catch (error) {
      const gone = error instanceof KubeRequestError && error.statusCode === 404;
      return this.report(command, {
        state: gone ? 'refused' : 'failed',
        message: gone ? `${label} does not exist` : (error as Error).message,
      });
    }
    if (command.resume) {
      logger.info(
        { restart: command.id, target: label, restartedAt: command.resume.restartedAt },
        'restart resumed: following a rollout whose agent stopped reporting',
      );
      return this.follow(command, command.resume.restartedAt);
    }
    if (view.paused)
      return this.report(command, {
        state: 'refused',
        message: `deployment "${target.name}" is paused: resume it first (kubectl rollout resume)`,
      });
    const restartedAt = rfc3339(clock.now());
    try {
      await patchWorkload(client, target, restartPatch(restartedAt));
    } catch (error) {
      return this.report(command, { state: 'failed', message: (error as Error).message });
    }
    this.patched.push(command.id);
    logger.info({ restart: command.id, target: label, restartedAt }, 'restart patched');
    await this.report(command, { state: 'patched', message: 'restart requested', restartedAt });
    await this.follow(command, restartedAt);
  }

  private async follow(command: RestartCommand, restartedAt: string): Promise<void> {
    const { client, clock, followMs, progressIntervalMs } = this.options;
    const target = { kind: command.kind, namespace: command.namespace, name: command.name };
    const until = clock.now() + followMs;
    let last = '';
    let lastSent = -Infinity;
    while (!this.stopped && clock.now() < until) {
      await sleep(clock, progressIntervalMs);
      let raw: Raw;
      try {
        raw = obj(await readWorkload(client, target));
      } catch {
        continue; // a missed read: the next one tells
      }
      const view = projectWorkload(target.kind)(raw);
      const rollout = rolloutState(view);
      const report: RestartReport = {
        state:
          rollout.state === 'complete'
            ? 'complete'
            : rollout.state === 'failed'
              ? 'failed'
              : 'progressing',
        message: rollout.message,
        restartedAt,
        replicas: {
          desired: view.desired,
          updated: view.updated,
          ready: view.ready,
          available: view.available,
        },
        podPhases: await this.podPhases(raw, target.namespace),
      };
      const fingerprint = JSON.stringify(report);
      // Unchanged reports still go out now and then: a silent restart is handed to another agent.
      if (fingerprint !== last || clock.now() - lastSent >= FOLLOW_HEARTBEAT_MS) {
        await this.report(command, report);
        lastSent = clock.now();
      }
      last = fingerprint;
      if (report.state !== 'progressing') return;
    }
    if (!this.stopped)
      await this.report(command, {
        state: 'failed',
        message: `the rollout had not finished after ${Math.round(followMs / 1000)} s`,
        restartedAt,
      });
  }

  /** Pods matching the workload's selector, counted by phase (k8s-restart-app's `pod_status`). */
  private async podPhases(raw: Raw, namespace: string): Promise<Record<string, number>> {
    const labels = obj(obj(obj(raw.spec).selector).matchLabels);
    const selector = Object.entries(labels)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(',');
    if (!selector) return {};
    try {
      const list = await this.options.client.getJson<{ items?: Raw[] }>(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        { labelSelector: selector },
        10_000,
      );
      const phases: Record<string, number> = {};
      for (const pod of list.items ?? []) {
        const phase = String(obj(pod.status).phase ?? 'Unknown');
        phases[phase] = (phases[phase] ?? 0) + 1;
      }
      return phases;
    } catch {
      return {};
    }
  }

  /** Sends a report to the first app that takes it; a final one is retried for a while. */
  private async report(command: RestartCommand, report: RestartReport): Promise<void> {
    const { apps, clock, logger } = this.options;
    const final = report.state !== 'patched' && report.state !== 'progressing';
    const attempts = final ? 8 : apps.length;
    for (let attempt = 0; attempt < attempts && !(this.stopped && !final); attempt += 1) {
      const app = apps[this.current % apps.length]!;
      try {
        const res = await this.fetch(
          `${app.url.replace(/\/$/, '')}${COMMANDS_PATH}/${encodeURIComponent(command.id)}`,
          {
            method: 'POST',
            headers: { ...this.headers(app), 'content-type': 'application/json' },
            body: JSON.stringify(report),
            signal: AbortSignal.timeout(10_000),
          },
        );
        if (res.ok || (res.status >= 400 && res.status < 500)) return;
        throw new Error(`HTTP ${res.status}`);
      } catch (error) {
        this.current += 1;
        logger.warn(
          { restart: command.id, state: report.state, err: { message: (error as Error).message } },
          'restart report not delivered; trying the next app',
        );
        if (attempt + 1 >= apps.length) await sleep(clock, Math.min(10_000, 250 * 2 ** attempt));
      }
    }
  }
}
