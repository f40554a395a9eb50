/**
 * `type: plugin` with a real go-plugin executable: the fixture in test/fixtures/go-plugin, built
 * the way a statusetat plugin is (hashicorp go-plugin, gRPC, BASIC_PLUGIN=hello), compiled here
 * from Debian's Go packages. It records every call it receives in a file the test reads back.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGoPlugin, goAvailability, GO_APT_PACKAGES } from '../test/support/go-plugin.ts';
import { notification, testEnvironment } from '../test/support/plugin-fixtures.ts';
import { pluginDefinition } from './plugin.ts';
import type { ExecutableNotifier } from './plugin/executable.ts';
import { NotifierError, NotifierStartError, type Notifier } from './types.ts';

const go = goAvailability();
const CI = process.env.CI === 'true';

it.runIf(CI && !go.available)('CI has the Go toolchain to build the plugin fixture', () => {
  throw new Error(`${go.reason}; CI needs: apt-get install ${GO_APT_PACKAGES}`);
});

/** A process that has exited but is not reaped yet (a zombie) counts as gone. */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

interface Call {
  call: 'Init' | 'Notify' | 'PreCheck';
  pid: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

describe.skipIf(!go.available)('plugin: a statusetat go-plugin executable', () => {
  let executable = '';
  let folder = '';
  const open: Notifier[] = [];

  beforeAll(async () => {
    const built = await buildGoPlugin();
    executable = built.path;
    folder = mkdtempSync(join(tmpdir(), 'staunch-plugin-calls-'));
    console.info(`go-plugin fixture built in ${(built.buildMs / 1000).toFixed(1)} s`);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(open.map((notifier) => notifier.close?.()));
  });

  function load(name: string, extra: Record<string, unknown> = {}) {
    const record = join(folder, `${name}.jsonl`);
    const environment = testEnvironment();
    // A long kill delay: a plugin that exits sooner did so because it was asked to.
    const definition = pluginDefinition({
      restartMinMs: 1_000,
      handshakeMs: 10_000,
      shutdownMs: 8_000,
    });
    const parsed = definition.parse({ path: executable, record, ...extra });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const notifier = definition.create(parsed.params, environment, `plugin-${name}`);
    open.push(notifier);
    const calls = (): Call[] =>
      existsSync(record)
        ? readFileSync(record, 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as Call)
        : [];
    return { notifier, environment, calls };
  }

  const context = () => ({ idempotencyKey: 'k1', signal: new AbortController().signal });

  it('starts it through the handshake and calls Init with the page and every param but path', async () => {
    const { notifier, environment, calls } = load('init', {
      channel: '#ops',
      retries: 3,
      verbose: true,
      nested: { list: ['a', 1] },
    });
    await notifier.start!();
    const [init] = calls();
    expect(init!.call).toBe('Init');
    expect(init!.body.base_info).toEqual({
      base_url: 'https://status.example.com',
      support: 'https://help.example.com',
      contact: 'https://chat.example.com/ops',
      title: 'Example status',
      time_zone: 'Europe/Paris',
    });
    expect(init!.body.params).toEqual({
      record: expect.any(String),
      channel: '#ops',
      retries: 3,
      verbose: true,
      nested: { list: ['a', 1] },
    });
    expect((notifier as ExecutableNotifier).pluginName).toBe('fixture_notifier');
    // What the plugin writes on stderr reaches the logger, tagged with the channel.
    await expect
      .poll(() => environment.lines.map((line) => line.message))
      .toContain('plugin: fixture plugin initialised for Example status');
  });

  it("Notify receives the incident in statusetat's proto shape", async () => {
    const { notifier, calls } = load('notify');
    const sent = notification({ state: 4, stateText: 'Cancelled' });
    const receipt = await notifier.send(sent, { ...context(), subscribers: ['a@example.com'] });
    expect(receipt.response).toBe('Notify OK');
    const notify = calls().find((call) => call.call === 'Notify')!;
    expect(notify.body).toEqual({
      trigger_by_user: false,
      subscribers: ['a@example.com'],
      incident: {
        guid: 'inc-1',
        created_at: { time: '2026-03-29T00:30:00Z', location: 'Europe/Paris' },
        updated_at: { time: '2026-03-29T01:15:00.250Z', location: 'Europe/Paris' },
        // Cancelled has no name in statusetat's enum: the number passes through.
        state: 4,
        component_state: 'PARTIAL_OUTAGE',
        components: [
          { name: 'api', group: 'core' },
          { name: 'web', group: '' },
        ],
        messages: [
          {
            guid: 'm1',
            created_at: { time: '2026-03-29T00:30:00Z', location: 'Europe/Paris' },
            title: 'Errors on the API',
            content: 'We are **investigating**.',
          },
        ],
        metadata: { ticket: 'OPS-42' },
        is_scheduled: false,
        // No end: Go's zero time, as statusetat sends it.
        scheduled_end: { time: '0001-01-01T00:00:00Z', location: 'Europe/Paris' },
        origin: 'staunch-test',
      },
    });
  });

  it("a plugin's own Notify error is a retryable delivery failure with its detail", async () => {
    const { notifier } = load('fail');
    const failing = notification({ title: 'FAIL please' });
    const error = await notifier.send(failing, context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifierError);
    expect((error as NotifierError).retryable).toBe(true);
    expect((error as Error).message).toContain('fixture could not deliver FAIL please');
  });

  it('PreCheck: an error from the plugin refuses, anything else passes', async () => {
    const { notifier, calls } = load('precheck');
    await expect(notifier.preCheck!(notification({ title: 'Routine' }))).resolves.toBeUndefined();
    const refusal = await notifier.preCheck!(notification({ title: 'REFUSE deploy' })).catch(
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(NotifierError);
    expect((refusal as Error).message).toContain('pre-check refused: change freeze: REFUSE deploy');
    expect(calls().filter((call) => call.call === 'PreCheck')).toHaveLength(2);
  });

  it('a plugin that crashes is started again on the next use, after a backoff', async () => {
    const { notifier, environment, calls } = load('crash');
    await notifier.start!();
    const crashed = await notifier
      .send(notification({ title: 'CRASH now' }), context())
      .catch((e: unknown) => e);
    expect((crashed as NotifierError).retryable).toBe(true);
    await expect
      .poll(() => environment.lines.map((line) => line.message))
      .toContain('notifier plugin exited; it starts again on the next delivery');
    // Within the backoff the channel refuses at once instead of spawning in a loop.
    const early = await notifier.send(notification(), context()).catch((e: unknown) => e);
    expect((early as NotifierError).retryable).toBe(true);
    expect((early as Error).message).toMatch(/restarting in 1 s/);
    environment.advance(1_000);
    await notifier.send(notification(), context());
    const pids = new Set(calls().map((call) => call.pid));
    expect(pids.size).toBe(2);
    // The new process was initialised again before it was used.
    expect(calls().filter((call) => call.call === 'Init')).toHaveLength(2);
  });

  it('close asks the plugin to shut down and the process exits', async () => {
    const { notifier, calls } = load('close');
    await notifier.start!();
    const pid = calls()[0]!.pid;
    const started = Date.now();
    await notifier.close!();
    expect(alive(pid)).toBe(false);
    // Well before the SIGKILL that would follow an unanswered Shutdown.
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('does not outlive a Staunch process that exits without closing it', async () => {
    const script = join(folder, 'exits.mts');
    writeFileSync(
      script,
      `import { pluginDefinition } from ${JSON.stringify(new URL('./plugin.ts', import.meta.url).pathname)};
const definition = pluginDefinition();
const parsed = definition.parse({ path: ${JSON.stringify(executable)} });
const logger = { info() {}, warn() {} };
const page = { title: 't', baseUrl: 'http://x', timeZone: 'UTC' };
const notifier = definition.create(parsed.params, { fetch, now: Date.now, page, logger }, 'p');
await notifier.start();
console.log(notifier.pid);
process.exit(0);
`,
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const pid = Number(run.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    await expect.poll(() => alive(pid)).toBe(false);
  });

  it('a plugin whose Init fails stops the start, naming the path and the reason', async () => {
    const { notifier } = load('init-fails', { fail_init: true });
    const error = await notifier.start!().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifierStartError);
    expect((error as NotifierStartError).key).toBe('path');
    expect((error as Error).message).toContain('fixture refuses to start: fail_init is set');
  });
});
