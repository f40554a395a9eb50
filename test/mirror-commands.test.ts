/**
 * The mirror, export and import as a user runs them: real `staunch` processes. `staunch serve`
 * publishes the mirror after each change; once it is stopped the folder keeps the last state;
 * `staunch mirror` publishes once; `staunch export` and `staunch import` move every record to
 * new targets; bad arguments exit with 2 and say which.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mirrorNote } from '../src/mirror/note.ts';
import { nginxAvailable, startNginx } from './support/nginx.ts';
import { STAUNCH_BIN, startStaunch } from './support/staunch-process.ts';

const work = mkdtempSync(join(tmpdir(), 'staunch-mirror-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CONFIG = `
listen: 127.0.0.1:0
username: admin
password: s3cret-password
cookie_key: cookie-key-for-tests
snapshot: false
components:
  - { name: API, group: Public }
targets:
  - sqlite://./staunch.db
mirror:
  - { to: "file://./site?fsync=false", debounce: 0s, stale_after: 5m }
`;

function run(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [STAUNCH_BIN, ...args],
      { cwd, env: { ...process.env, STAUNCH_FROM_SOURCE: '1' }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

const auth = {
  Authorization: `Basic ${btoa('admin:s3cret-password')}`,
  'Content-Type': 'application/json',
};

describe('staunch serve, mirror, export and import', () => {
  it('serve publishes after each change; the folder keeps the last state once it stopped', async () => {
    const dir = mkdtempSync(join(work, 'serve-'));
    writeFileSync(join(dir, 'config.yml'), CONFIG);
    const server = await startStaunch(['serve', '-c', 'config.yml'], { cwd: dir });
    let guid = '';
    let lastPage: string | undefined;
    try {
      const created = await fetch(`${server.url}/v1/incidents`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          components: ['Public - API'],
          component_state: 4,
          messages: [{ title: 'Down', content: 'The API is down.' }],
        }),
      });
      expect(created.status).toBe(201);
      guid = ((await created.json()) as { guid: string }).guid;
      const file = join(dir, 'site', 'current', 'incidents', `${guid}.html`);
      await expect.poll(() => existsSync(file), { timeout: 15_000 }).toBe(true);
      const manifest = JSON.parse(
        readFileSync(join(dir, 'site', 'current', 'mirror.json'), 'utf8'),
      ) as { generatedAt: string };
      const page = await (await fetch(`${server.url}/incidents/${guid}`)).text();
      lastPage = readFileSync(file, 'utf8');
      expect(lastPage).toBe(
        page.replace('</body>', `${mirrorNote(manifest.generatedAt, 300_000)}</body>`),
      );
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // Stopped: the mirror is still there, as it was.
    expect(readFileSync(join(dir, 'site', 'current', 'incidents', `${guid}.html`), 'utf8')).toBe(
      lastPage,
    );
    expect(
      JSON.parse(readFileSync(join(dir, 'site', 'current', 'api', 'v2', 'summary.json'), 'utf8')),
    ).toMatchObject({
      status: { indicator: 'critical' },
    });

    // And nginx serves it with no Staunch process running.
    if (nginxAvailable()) {
      const nginx = await startNginx(join(dir, 'site'));
      try {
        const page = await fetch(`${nginx.url}/incidents/${guid}`);
        expect(page.status).toBe(200);
        expect(await page.text()).toBe(lastPage);
        const summary = (await (await fetch(`${nginx.url}/api/v2/summary.json`)).json()) as {
          status: { indicator: string };
        };
        expect(summary.status.indicator).toBe('critical');
      } finally {
        await nginx.close();
      }
    }

    // staunch mirror publishes once more from the targets, with progress.
    const mirrored = await run(['mirror', '-c', 'config.yml'], dir);
    expect(mirrored.code).toBe(0);
    expect(mirrored.stdout).toMatch(/site: published \(\d+ files\)/);
    expect(mirrored.stderr).toMatch(/\d+\/\d+ files/);

    // export, then import into a new target: the same records.
    const exported = await run(['export', '-c', 'config.yml'], dir);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/exported \d+ records/);
    const lines = exported.stdout.trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'staunch-records/1' });
    expect(lines.some((l) => l.includes(`"id":"${guid}"`))).toBe(true);
    writeFileSync(join(dir, 'staunch.jsonl'), exported.stdout);
    const other = mkdtempSync(join(work, 'import-'));
    writeFileSync(
      join(other, 'config.yml'),
      CONFIG.replace('sqlite://./staunch.db', 'file://./records'),
    );
    const imported = await run(['import', '-c', 'config.yml', join(dir, 'staunch.jsonl')], other);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`${lines.length - 1} applied, 0 already as new or newer`);
    const again = await run(['import', '-c', 'config.yml', join(dir, 'staunch.jsonl')], other);
    expect(again.stdout).toContain(`0 applied, ${lines.length - 1} already as new or newer`);
    const reexported = await run(['export', '-c', 'config.yml'], other);
    expect(reexported.stdout.split('\n').slice(1)).toEqual(exported.stdout.split('\n').slice(1));
  }, 120_000);

  it('bad arguments exit with 2 and name the problem', async () => {
    const dir = mkdtempSync(join(work, 'bad-'));
    writeFileSync(join(dir, 'config.yml'), CONFIG);
    writeFileSync(join(dir, 'plain.yml'), CONFIG.slice(0, CONFIG.indexOf('mirror:')));
    const target = await run(['export', '-c', 'config.yml', '--target', '3'], dir);
    expect(target).toMatchObject({ code: 2 });
    expect(target.stderr).toContain('--target: "3" is not a target index');
    const none = await run(['mirror', '-c', 'plain.yml'], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('mirror: no mirror is configured');
    const missing = await run(['import', '-c', 'config.yml', 'nowhere.jsonl'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nowhere.jsonl: cannot read the file (ENOENT)');
    const scheme = await run(
      ['import', '-c', 'config.yml', '--from-statusetat', 'mongo://x/y'],
      dir,
    );
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toContain('not a statusetat store');
  }, 120_000);
});
