/**
 * A statusetat go-plugin notifier loaded through `type: plugin` by a real `staunch serve`: the
 * plugin is started with the server, Init gets the block's params, an incident created through
 * statusetat's API reaches its Notify, a PreCheck refusal answers 412 with nothing written, and
 * a plugin that prints no handshake stops the start with an error naming its path.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGoPlugin, goAvailability } from './support/go-plugin.ts';
import { STAUNCH_BIN, startStaunch, type StaunchProcess } from './support/staunch-process.ts';
import { spawnSync } from 'node:child_process';

const go = goAvailability();

function config(pluginPath: string, record: string): string {
  return `targets:
  - sqlite://./store.db
username: admin
password: admin-password
cookie_key: 0123456789abcdef0123456789abcdef
components:
  - name: api
    group: core
base_info:
  base_url: http://localhost
  title: Plugin test
  time_zone: UTC
notifiers:
  - type: plugin
    params:
      path: ${pluginPath}
      record: ${record}
      channel: "#ops"
`;
}

interface Call {
  call: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

const readCalls = (record: string): Call[] =>
  existsSync(record)
    ? readFileSync(record, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Call)
    : [];

describe.skipIf(!go.available)('staunch serve with a go-plugin notifier', () => {
  let server: StaunchProcess | undefined;
  let record = '';
  const auth = `Basic ${Buffer.from('admin:admin-password').toString('base64')}`;

  beforeAll(async () => {
    const built = await buildGoPlugin();
    const dir = mkdtempSync(join(tmpdir(), 'staunch-plugin-serve-'));
    record = join(dir, 'calls.jsonl');
    writeFileSync(join(dir, 'config.yml'), config(built.path, record));
    server = await startStaunch(['serve', '-c', join(dir, 'config.yml')], { cwd: dir });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  const create = (title: string) =>
    fetch(`${server!.url}/v1/incidents`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        components: ['core - api'],
        state: 0,
        component_state: 3,
        messages: [{ title, content: 'details' }],
      }),
    });

  it('starts the plugin with the server and calls Init with the params', () => {
    const init = readCalls(record).find((call) => call.call === 'Init');
    expect(init?.body.params).toEqual({ record, channel: '#ops' });
    expect(init?.body.base_info).toMatchObject({ title: 'Plugin test', time_zone: 'UTC' });
  });

  it('delivers a created incident to Notify', async () => {
    const created = await create('Errors on the API');
    expect(created.status).toBe(201);
    const guid = ((await created.json()) as { guid: string }).guid;
    await expect
      .poll(() => readCalls(record).filter((call) => call.call === 'Notify').length, {
        timeout: 15_000,
      })
      .toBe(1);
    const notify = readCalls(record).find((call) => call.call === 'Notify')!;
    expect(notify.body.incident).toMatchObject({
      guid,
      state: 'UNRESOLVED',
      component_state: 'PARTIAL_OUTAGE',
      components: [{ name: 'api', group: 'core' }],
      messages: [{ title: 'Errors on the API', content: 'details' }],
    });
  });

  it('a PreCheck refusal answers 412 and writes nothing', async () => {
    const before = (await (await fetch(`${server!.url}/v1/incidents`)).json()) as unknown[];
    const refused = await create('REFUSE this one');
    expect(refused.status).toBe(412);
    expect(await refused.text()).toContain('change freeze: REFUSE this one');
    const after = (await (await fetch(`${server!.url}/v1/incidents`)).json()) as unknown[];
    expect(after).toHaveLength(before.length);
    expect(
      readCalls(record).filter(
        (call) => call.call === 'Notify' && call.body.incident.messages[0].title.includes('REFUSE'),
      ),
    ).toEqual([]);
  });
});

describe('staunch serve with a plugin that never answers', () => {
  it('exits with the config error code, naming notifiers[0].params.path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'staunch-plugin-silent-'));
    const silent = join(dir, 'silent-plugin');
    writeFileSync(silent, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(silent, 0o755);
    writeFileSync(join(dir, 'config.yml'), config(silent, join(dir, 'calls.jsonl')));
    const started = Date.now();
    const run = spawnSync(process.execPath, [STAUNCH_BIN, 'serve', '-c', join(dir, 'config.yml')], {
      cwd: dir,
      env: { ...process.env, PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(`${run.stdout}${run.stderr}`).toContain(
      `notifiers[0].params.path: ${silent}: printed no go-plugin handshake`,
    );
    // The handshake timeout (15 s), not the minute go-plugin's own client waits.
    expect(Date.now() - started).toBeLessThan(40_000);
  }, 60_000);
});
