import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMirroredInstance, type MirroredInstance } from '../../test/support/mirror-fixture.ts';
import { uniqueSuffix } from '../../test/support/require-server.ts';
import { TEST_NOW } from '../../test/support/domain-fixtures.ts';
import { folderMirrorSink } from '../runtime/mirror-folder.ts';
import { mirrorNote, MIRROR_SCRIPT } from './note.ts';

let folder: string;
const started: MirroredInstance[] = [];
const start = async (yaml?: string, targets?: string[]) => {
  const instance = await startMirroredInstance(
    yaml ?? `[{ to: "file://${folder}?fsync=false", debounce: 0s, stale_after: 15m }]`,
    { targets },
  );
  started.push(instance);
  return instance;
};
const published = (path: string) => readFileSync(join(folder, 'current', path));
const manifest = () =>
  JSON.parse(published('mirror.json').toString()) as { stateRev: string; generatedAt: string };

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'staunch-mirror-'));
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((i) => i.stop()));
  rmSync(folder, { recursive: true, force: true });
});

/** A day the front page's bars link to: ten days before the test clock's, whatever the zone. */
const BAR_DAY = new Date(TEST_NOW - 10 * 86_400_000).toISOString().slice(0, 10);

describe('mirror to a folder', () => {
  it('writes every page as the app serves it, the HTML with a line saying when it was generated', async () => {
    const app = await start();
    const guid = await app.createIncident('API errors');
    const [result] = await app.mirrors.publishAll(app.built);
    expect(result).toMatchObject({ published: true });
    const { generatedAt } = manifest();
    const note = mirrorNote(generatedAt, 15 * 60_000);
    for (const [path, file] of [
      ['/', 'index.html'],
      [`/incidents/${guid}`, `incidents/${guid}.html`],
      ['/history', 'history.html'],
      ['/history?month=2026-11', 'history/2026-11.html'],
      [`/history?day=${BAR_DAY}`, `history/day/${BAR_DAY}.html`],
    ] as const) {
      const page = await (await app.get(path)).text();
      expect(published(file).toString()).toBe(page.replace('</body>', `${note}</body>`));
    }
    expect(published('index.html').toString()).toContain('This copy was generated');
    for (const path of [
      '/api/v2/summary.json',
      '/rss.xml',
      '/atom.xml',
      '/cal.ics',
      '/badge.svg',
    ]) {
      const served = Buffer.from(await (await app.get(path)).arrayBuffer());
      expect(published(path.slice(1)).equals(served), path).toBe(true);
    }
    expect(published('badge/Public - API.svg').toString()).toContain('<svg');
    expect(published(MIRROR_SCRIPT.path.slice(1)).toString()).toBe(MIRROR_SCRIPT.body);
    // Pre-compressed variants hold the same bytes.
    const summary = published('api/v2/summary.json');
    expect(gunzipSync(published('api/v2/summary.json.gz')).equals(summary)).toBe(true);
    expect(brotliDecompressSync(published('api/v2/summary.json.br')).equals(summary)).toBe(true);
    expect(readlinkSync(join(folder, 'current'))).toMatch(/^versions\//);
  });

  it('links what did not change from the previous version instead of writing it again', async () => {
    const app = await start();
    await app.createIncident('Slow API');
    await app.mirrors.publishAll(app.built);
    const first = readlinkSync(join(folder, 'current'));
    await app.update(
      ((await app.get('/v1/incidents').then((r) => r.json())) as Array<{ guid: string }>)[0]!.guid,
      {
        state: 2,
      },
    );
    await app.mirrors.publishAll(app.built);
    const second = readlinkSync(join(folder, 'current'));
    expect(second).not.toBe(first);
    const inode = (version: string, file: string) => statSync(join(folder, version, file)).ino;
    // The components' list did not change; the summary did.
    expect(inode(second, 'api/v2/components.json')).toBe(inode(first, 'api/v2/components.json'));
    expect(inode(second, 'api/v2/summary.json')).not.toBe(inode(first, 'api/v2/summary.json'));
    expect(published('api/v2/summary.json').toString()).toContain('"monitoring"');
  });

  it('publishes after each change, on its own', async () => {
    const app = await start();
    app.mirrors.start(app.built);
    await expect
      .poll(() => existsSync(join(folder, 'current', 'mirror.json')), { timeout: 10_000 })
      .toBe(true);
    const before = manifest().stateRev;
    const guid = await app.createIncident('Slow website');
    await expect.poll(() => manifest().stateRev > before, { timeout: 10_000 }).toBe(true);
    await expect
      .poll(() => existsSync(join(folder, 'current', 'incidents', `${guid}.html`)), {
        timeout: 10_000,
      })
      .toBe(true);
  });

  it('never publishes an older state over a newer one, whichever instance publishes', async () => {
    const targets = [`shared-${uniqueSuffix()}`];
    const a = await start(undefined, targets);
    const b = await start(undefined, targets);
    await a.createIncident('Seen by a only');
    expect((await a.mirrors.publishAll(a.built))[0]).toMatchObject({ published: true });
    const newer = manifest();
    // b has not polled the targets: its state is older, and the folder keeps a's.
    const [refused] = await b.mirrors.publishAll(b.built);
    expect(refused!.published).toBe(false);
    expect(refused!.detail).toContain('newer state');
    expect(manifest()).toEqual(newer);
    await b.replicator.pollOnce();
    expect((await b.mirrors.publishAll(b.built))[0]).toMatchObject({ published: true });
  });

  it('a folder refuses a manifest of an older state than the one it holds', async () => {
    const sink = folderMirrorSink(folder, { fsync: false });
    expect(await sink.current()).toBeNull();
    const outcome = await sink.publish(
      { stateRev: 'b', generatedAt: new Date(0).toISOString(), files: [] },
      { stateRev: 'b', generatedAt: new Date(0).toISOString(), publisher: 'x', files: 0 },
    );
    expect(outcome.published).toBe(true);
    const older = await sink.publish(
      { stateRev: 'a', generatedAt: new Date(1).toISOString(), files: [] },
      { stateRev: 'a', generatedAt: new Date(1).toISOString(), publisher: 'y', files: 0 },
    );
    expect(older).toMatchObject({ published: false });
    expect((await sink.current())?.publisher).toBe('x');
  });
});
