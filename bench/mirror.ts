/**
 * The static mirror: one full publication to a folder of a page with BENCH_MIRROR_INCIDENTS
 * incidents (default 1,000; their pages, a year of history months, feeds, badges, /api/v2), then
 * one after a single change, which writes only the files that changed and links the rest.
 * Baseline: writing the same files, already rendered, with plain writeFile calls.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderMirror } from '../src/mirror/render.ts';
import { startMirroredInstance } from '../test/support/mirror-fixture.ts';
import { formatNumber, timed } from './lib.ts';

const INCIDENTS = Number(process.env.BENCH_MIRROR_INCIDENTS ?? 1000);
const DAY = 86_400_000;

const folder = mkdtempSync(join(tmpdir(), 'staunch-bench-mirror-'));
const now = Date.UTC(2026, 10, 21, 12);
const instance = await startMirroredInstance(`[{ to: "file://${folder}?fsync=false" }]`, {
  now: now - 365 * DAY,
});
for (let i = 0; i < INCIDENTS; i++) {
  instance.clock.now = now - 365 * DAY + Math.floor((i * 365 * DAY) / INCIDENTS);
  const guid = await instance.createIncident(`Incident ${i}`);
  await instance.update(guid, { state: 1, component_state: 0 });
}
instance.clock.now = now;

const files = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? files(join(dir, e.name)) : 1),
    0,
  );
const bytes = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? bytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );

const full = await timed(() => instance.mirrors.publishAll(instance.built));
const current = join(folder, 'current');
const fileCount = files(current);
const size = bytes(current);
await instance.createIncident('One more');
const incremental = await timed(() => instance.mirrors.publishAll(instance.built));

const source = {
  request: (path: string) => instance.built.app.request(path),
  view: () => instance.built.read.view(),
  version: () => instance.replicator.version,
  stateRev: () => '',
  now: () => instance.clock.now,
};
const rendering = await timed(() => renderMirror(source));
const plain = mkdtempSync(join(tmpdir(), 'staunch-bench-plain-'));
const baseline = await timed(async () => {
  for (const file of rendering.result.files) {
    mkdirSync(dirname(join(plain, file.file)), { recursive: true });
    writeFileSync(join(plain, file.file), file.body);
  }
});
await instance.stop();
rmSync(folder, { recursive: true, force: true });
rmSync(plain, { recursive: true, force: true });

const row = (what: string, ms: number) =>
  console.log(
    `${what.padEnd(44)} ${formatNumber(ms).padStart(7)} ms  ${formatNumber(ms / baseline.ms, 1).padStart(6)}×`,
  );
console.log(
  `mirror of ${INCIDENTS} incidents: ${rendering.result.files.length} documents, ${fileCount} files with .gz/.br, ${formatNumber(size / 1e6, 1)} MB`,
);
row('baseline: writeFile of the rendered files', baseline.ms);
row('rendering every document through the app', rendering.ms);
row('first publication (render, compress, write)', full.ms);
row('publication after one change (links the rest)', incremental.ms);
console.log(`published: ${full.result.map((r) => r.detail).join(', ')}`);
