/**
 * statusetat configurations start Staunch unchanged: the development config from statusetat's
 * README (with the `timezone` key its reference documents), and one given through VCAP_SERVICES
 * as on Cloud Foundry. Both start `staunch serve` and serve the page.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  STAUNCH_BIN,
  eventually,
  startStaunch,
  type StaunchProcess,
} from './support/staunch-process.ts';
import { statusetatReadmeConfig } from './support/statusetat-readme.ts';

const running: StaunchProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
});

const README_CONFIG = statusetatReadmeConfig('timezone');

/** A fresh instance with no snapshot answers 503 ("state unknown") until its first target has loaded. */
async function servesPage(server: StaunchProcess, component: string): Promise<void> {
  const page = await eventually(async () => {
    const response = await fetch(`${server.url}/`, { headers: { Accept: 'text/html' } });
    return response.status === 503 ? undefined : response;
  });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(component);
}

describe('statusetat configurations', () => {
  it("starts on statusetat's README config (with a plugin that exists), warning about timezone", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'staunch-statusetat-'));
    const cwd = mkdtempSync(join(tmpdir(), 'staunch-elsewhere-'));
    // The README's plugin path is a placeholder; a JavaScript notifier stands in for the plugin.
    const plugin = join(dir, 'plugin.mjs');
    writeFileSync(plugin, "export default { async send() { return { response: 'ok' }; } };\n");
    writeFileSync(join(dir, 'config.yml'), README_CONFIG.replace('/path/to/my/plugin.so', plugin));
    const server = await startStaunch(['serve', '-c', join(dir, 'config.yml')], { cwd });
    running.push(server);
    await servesPage(server, 'my-service');
    const output = server.output();
    expect(output).toContain('base_info.timezone is statusetat');
    expect(output).toContain('it is read as base_info.time_zone');
    // `sqlite://./store.db` is relative to the config file's folder, not to where staunch runs.
    expect(existsSync(join(dir, 'store.db'))).toBe(true);
    expect(existsSync(join(cwd, 'store.db'))).toBe(false);
  });

  it('stops on the README config as published, whose plugin does not exist, as statusetat does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'staunch-statusetat-'));
    writeFileSync(join(dir, 'config.yml'), README_CONFIG);
    const run = spawnSync(process.execPath, [STAUNCH_BIN, 'serve', '-c', join(dir, 'config.yml')], {
      cwd: dir,
      env: { ...process.env, PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(`${run.stdout}${run.stderr}`).toContain(
      'notifiers[1].params.path: /path/to/my/plugin.so: no such file',
    );
  });

  it('starts from VCAP_SERVICES when no -c is given, merging the bound services', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'staunch-vcap-'));
    // A config.yml in the folder is not read: on Cloud Foundry the bound services are the config.
    writeFileSync(join(cwd, 'config.yml'), 'targets: [mongo://not-read]\n');
    const VCAP_SERVICES = JSON.stringify({
      'user-provided': [
        {
          name: 'statusetat-storage',
          credentials: {
            targets: ['sqlite://./vcap.db'],
            base_info: { title: 'From VCAP', timezone: 'Europe/Paris' },
          },
        },
        {
          name: 'statusetat-components',
          credentials: {
            components: [{ name: 'vcap-service', group: 'cloud' }],
            username: 'admin',
            password: 'admin',
          },
        },
      ],
      'p.mysql': [
        {
          name: 'a-database',
          credentials: { hostname: 'db', username: 'u', password: 'p', uri: 'mysql://u:p@db/x' },
        },
      ],
    });
    const server = await startStaunch(['serve'], { cwd, env: { VCAP_SERVICES } });
    running.push(server);
    await servesPage(server, 'vcap-service');
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).toContain('From VCAP');
    expect(server.output()).toContain(
      'VCAP_SERVICES: service \\"a-database\\" (p.mysql) holds no Staunch configuration; skipped',
    );
    expect(existsSync(join(cwd, 'vcap.db'))).toBe(true);
  });
});
