/**
 * `type: plugin` without Go: bad params, executables that fail before or during the go-plugin
 * handshake (small shell scripts), and JavaScript notifier modules. The go-plugin round trip is
 * in plugin.go.test.ts.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { notification, testEnvironment } from '../test/support/plugin-fixtures.ts';
import plugin, { pluginDefinition } from './plugin.ts';
import { parseHandshake } from './plugin/handshake.ts';
import { toStruct } from './plugin/convert.ts';
import { NotifierStartError, type Notifier } from './types.ts';

const folder = mkdtempSync(join(tmpdir(), 'staunch-plugin-'));

function script(name: string, body: string, mode = 0o755): string {
  const path = join(folder, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
}

function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

function create(params: Record<string, unknown>, handshakeMs = 2_000) {
  const definition = pluginDefinition({ handshakeMs });
  const parsed = definition.parse(params);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const environment = testEnvironment();
  return { notifier: definition.create(parsed.params, environment, 'plugin'), environment };
}

async function startError(notifier: Notifier): Promise<NotifierStartError> {
  const error = await notifier.start!().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NotifierStartError);
  return error as NotifierStartError;
}

const context = { idempotencyKey: 'k', signal: new AbortController().signal };

describe('plugin params', () => {
  it('is Node-only and needs a path', () => {
    expect(plugin.runtimes).toEqual(['node']);
    expect(plugin.parse({})).toEqual({
      ok: false,
      problems: [{ key: 'path', message: 'required: the plugin executable or module to load' }],
    });
    expect(plugin.parse(undefined)).toMatchObject({ ok: false, problems: [{ key: 'path' }] });
    expect(plugin.parse({ path: 42 })).toEqual({
      ok: false,
      problems: [{ key: 'path', message: 'must be a file path, not number' }],
    });
  });

  it('keeps every other key for the plugin', () => {
    expect(plugin.parse({ path: './x', token: 't', n: 1 })).toEqual({
      ok: true,
      params: { path: './x', params: { token: 't', n: 1 } },
    });
  });

  it('passes params to Init as a protobuf Struct, nested values included', () => {
    expect(toStruct({ s: 'a', n: 1.5, b: false, z: null, l: [1, 'x'], o: { k: 'v' } })).toEqual({
      fields: {
        s: { stringValue: 'a' },
        n: { numberValue: 1.5 },
        b: { boolValue: false },
        z: { nullValue: 0 },
        l: { listValue: { values: [{ numberValue: 1 }, { stringValue: 'x' }] } },
        o: { structValue: { fields: { k: { stringValue: 'v' } } } },
      },
    });
  });
});

describe('go-plugin handshake', () => {
  it('reads the line go-plugin prints', () => {
    expect(parseHandshake('1|1|unix|/tmp/plugin123|grpc|\n')).toEqual({
      network: 'unix',
      address: '/tmp/plugin123',
    });
    expect(parseHandshake('1|1|tcp|127.0.0.1:10000|grpc')).toEqual({
      network: 'tcp',
      address: '127.0.0.1:10000',
    });
  });

  it.each([
    ['hello world', 'instead of a go-plugin handshake'],
    ['2|1|unix|/tmp/p|grpc', 'core protocol 2'],
    ['1|3|unix|/tmp/p|grpc', 'plugin protocol version 3'],
    ['1|1|udp|/tmp/p|grpc', 'unsupported network "udp"'],
    ['1|1|unix|/tmp/p|netrpc', 'only grpc is supported'],
    ['1|1|unix|/tmp/p', 'only grpc is supported'],
  ])('refuses %j', (line, reason) => {
    expect(() => parseHandshake(line)).toThrow(reason);
  });
});

describe('a plugin executable that cannot start', () => {
  it('never prints a handshake: a start error on params.path within the timeout', async () => {
    const path = script('silent', 'exec sleep 30');
    const { notifier } = create({ path }, 300);
    const started = Date.now();
    const error = await startError(notifier);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.key).toBe('path');
    expect(error.message).toContain(`${path}: printed no go-plugin handshake within 0.3 s`);
  });

  it('does not exist', async () => {
    const error = await startError(create({ path: join(folder, 'missing') }).notifier);
    expect(error.message).toContain('missing: no such file');
  });

  it('is not executable', async () => {
    const path = script('not-executable', 'exit 0', 0o644);
    const error = await startError(create({ path }).notifier);
    expect(error.message).toContain('is not executable');
  });

  it('exits before the handshake, with its last words', async () => {
    const path = script('dies', 'echo "missing config file" >&2\nexit 3');
    const error = await startError(create({ path }).notifier);
    expect(error.message).toContain('exited (code 3) before the go-plugin handshake');
    expect(error.message).toContain('its last output: missing config file');
  });

  it('prints something else, such as a netrpc plugin', async () => {
    const path = script('netrpc', 'echo "1|1|unix|/tmp/nothing|netrpc"\nexec sleep 30');
    const error = await startError(create({ path }).notifier);
    expect(error.message).toContain('only grpc is supported');
  });

  it('a failed start before first use is a retryable delivery failure', async () => {
    const { notifier } = create({ path: join(folder, 'missing') });
    const error = await notifier.send(notification(), context).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NotifierError', retryable: true });
  });
});

describe('a JavaScript notifier module', () => {
  it('exporting a definition: its own parse gets the params, its create the environment', async () => {
    const path = file(
      'definition.mjs',
      `export const sent = [];
export default {
  type: 'mine', runtimes: ['node'],
  parse(params) {
    return typeof params.room === 'string' ? { ok: true, params } : { ok: false, problems: [{ key: 'room', message: 'required' }] };
  },
  create(params, environment, name) {
    return {
      type: 'mine', name, perRecipient: false,
      wants: (n) => n.event !== 'manual',
      async send(n) { sent.push({ room: params.room, guid: n.incident.guid, title: environment.page.title }); return { response: 'ok ' + params.room }; },
      async preCheck(n) { if (n.incident.messages[0].title.includes('REFUSE')) throw new Error('no'); },
    };
  },
};`,
    );
    const { notifier } = create({ path, room: 'ops' });
    await notifier.start!();
    expect(notifier.wants({ ...notification(), event: 'manual' })).toBe(false);
    expect(await notifier.send(notification(), context)).toEqual({ response: 'ok ops' });
    const { sent } = (await import(path)) as { sent: unknown[] };
    expect(sent).toEqual([{ room: 'ops', guid: 'inc-1', title: 'Example status' }]);
    await expect(notifier.preCheck!(notification({ title: 'REFUSE' }))).rejects.toThrow('no');
  });

  it("a definition's param problem stops the start, naming the key", async () => {
    const path = file(
      'strict.mjs',
      `export default { parse: () => ({ ok: false, problems: [{ key: 'room', message: 'required' }, { key: 'token', message: 'too short' }] }), create() {} };`,
    );
    const error = await startError(create({ path }).notifier);
    expect(error.key).toBe('room');
    expect(error.message).toBe('required; params.token: too short');
  });

  it('exporting a notifier object: used as it is, every event wanted', async () => {
    const path = file(
      'object.mjs',
      `export default { async send(n) { return { response: 'got ' + n.incident.guid }; } };`,
    );
    const { notifier } = create({ path });
    expect(await notifier.send(notification(), context)).toEqual({ response: 'got inc-1' });
    expect(notifier.wants(notification())).toBe(true);
  });

  it('exporting something else, or missing, or broken: a start error on params.path', async () => {
    const other = file('other.mjs', 'export default 42;');
    expect((await startError(create({ path: other }).notifier)).message).toContain(
      'neither a notifier definition (parse and create) nor a notifier (send)',
    );
    const missing = join(folder, 'missing.mjs');
    expect((await startError(create({ path: missing }).notifier)).message).toBe(
      `${missing}: no such file`,
    );
    const broken = file('broken.mjs', 'export default {');
    expect((await startError(create({ path: broken }).notifier)).message).toContain(
      'could not be imported',
    );
  });
});

describe("a plugin in another language, to go-plugin's protocol over TCP", () => {
  const fixture = fileURLToPath(new URL('../test/fixtures/node-go-plugin.mjs', import.meta.url));
  const wrapper = () => script('node-plugin', `exec "${process.execPath}" "${fixture}"`);

  it('gets the magic cookie, answers on TCP, streams its stdio and stops on Shutdown', async () => {
    const record = join(folder, 'node-plugin.jsonl');
    const { notifier, environment } = create({ path: wrapper(), record, room: 'ops' }, 10_000);
    await notifier.start!();
    await notifier.send(notification(), context);
    const failed = await notifier
      .send(notification({ title: 'FAIL it' }), context)
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({
      retryable: true,
      message: expect.stringContaining('cannot FAIL it'),
    });
    await expect
      .poll(() => environment.lines.map((line) => line.message))
      .toContain('plugin: written to stderr after the handshake');
    const started = Date.now();
    await notifier.close!();
    expect(Date.now() - started).toBeLessThan(1_500);
    const calls = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { call: string });
    expect(calls.map((call) => call.call)).toEqual(['Init', 'Notify', 'Notify']);
  });

  it('a plugin run without the handshake environment says so, and the start reports it', async () => {
    const path = script('bare', `env -u BASIC_PLUGIN "${process.execPath}" "${fixture}"`);
    const error = await startError(create({ path }).notifier);
    expect(error.message).toContain('exited (code 1) before the go-plugin handshake');
    expect(error.message).toContain('This binary is a plugin');
  });
});
