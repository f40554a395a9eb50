/**
 * The static mirror as visitors and clients read it: a folder served by nginx and an S3 bucket
 * (s3rver). After an incident is created, updated and resolved, the mirrored pages, feeds and
 * /api/v2 documents are what the app served; with the instance stopped nginx keeps serving the
 * last state; the statuspage.io client reads the same answers from the mirror as from the app; a
 * reader polling the folder during 200 publications never gets a partial or mixed file.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { serve, type ServerType } from '@hono/node-server';
import { Statuspage } from 'statuspage.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorNote } from '../src/mirror/note.ts';
import { TEST_NOW } from './support/domain-fixtures.ts';

/** A day the front page's bars link to: ten days before the test clock's, whatever the zone. */
const BAR_DAY = new Date(TEST_NOW - 10 * 86_400_000).toISOString().slice(0, 10);
import { startMirroredInstance, type MirroredInstance } from './support/mirror-fixture.ts';
import { nginxAvailable, startNginx, type RunningNginx } from './support/nginx.ts';
import {
  DEFAULT_BUCKET,
  S3RVER_KEY,
  S3RVER_SECRET,
  startS3rver,
  type RunningS3rver,
} from './support/s3rver.ts';
import { AUTH } from './support/test-app.ts';

const STALE_AFTER_MS = 10 * 60_000;
const API = [
  'summary.json',
  'status.json',
  'components.json',
  'incidents.json',
  'incidents/unresolved.json',
  'scheduled-maintenances.json',
  'scheduled-maintenances/upcoming.json',
  'scheduled-maintenances/active.json',
].map((name) => `/api/v2/${name}`);

const hasNginx = nginxAvailable();
let work: string;
let s3: RunningS3rver;
let nginx: RunningNginx;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'staunch-mirror-nginx-'));
  // nginx's worker reads the folder as another user when the tests run as root.
  chmodSync(work, 0o755);
  s3 = await startS3rver();
}, 30_000);
afterAll(async () => {
  await nginx?.close();
  await s3?.close();
  rmSync(work, { recursive: true, force: true });
});

const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe.runIf(hasNginx)('mirror served by nginx and from a bucket', () => {
  it('serves what the app served, through a whole incident, and after the instance stopped', async () => {
    const folder = join(work, 'site');
    const bucket = s3.freshTarget();
    const prefix = bucket.pathname.split('/').slice(2).join('/');
    const instance = await startMirroredInstance(
      `[{ to: "file://${folder}?fsync=false", stale_after: 10m }, { to: "${bucket.href}", stale_after: 10m }]`,
    );
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_SECRET },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const object = async (key: string) => {
      const answer = await client.send(
        new GetObjectCommand({ Bucket: DEFAULT_BUCKET, Key: `${prefix}/${key}` }),
      );
      return {
        body: Buffer.from(await answer.Body!.transformToByteArray()),
        type: answer.ContentType,
        cache: answer.CacheControl,
      };
    };
    let served: ServerType | undefined;
    try {
      const guid = await instance.createIncident('Checkout fails');
      const pages = (): Array<[string, string]> => [
        ['/', 'index.html'],
        [`/incidents/${guid}`, `incidents/${guid}`],
        ['/history', 'history'],
        ['/history?month=2026-11', 'history/2026-11'],
        [`/history?day=${BAR_DAY}`, `history/day/${BAR_DAY}`],
        ['/rss.xml', 'rss.xml'],
        ['/atom.xml', 'atom.xml'],
        ['/cal.ics', 'cal.ics'],
        ['/badge.svg', 'badge.svg'],
        ...API.map((path): [string, string] => [path, path.slice(1)]),
      ];
      const expectMirrored = async () => {
        const results = await instance.mirrors.publishAll(instance.built);
        expect(results.map((r) => r.published)).toEqual([true, true]);
        nginx ??= await startNginx(folder);
        const manifest = (await (await fetch(`${nginx.url}/mirror.json`)).json()) as {
          generatedAt: string;
        };
        const note = mirrorNote(manifest.generatedAt, STALE_AFTER_MS);
        const last: Record<string, Buffer> = {};
        for (const [path, key] of pages()) {
          const app = await instance.get(path);
          const appBody = await bytes(app);
          const isHtml = app.headers.get('content-type')!.startsWith('text/html');
          const expected = isHtml
            ? Buffer.from(appBody.toString().replace('</body>', `${note}</body>`))
            : appBody;
          const fromNginx = await fetch(`${nginx.url}${path}`);
          expect(fromNginx.status, path).toBe(200);
          expect((await bytes(fromNginx)).equals(expected), `nginx ${path}`).toBe(true);
          expect(fromNginx.headers.get('content-type')!.split(';')[0]).toBe(
            app.headers.get('content-type')!.split(';')[0],
          );
          const fromBucket = await object(key);
          expect(fromBucket.body.equals(expected), `bucket ${key}`).toBe(true);
          expect(fromBucket.type).toBe(app.headers.get('content-type'));
          expect(fromBucket.cache).toMatch(/max-age=60/);
          last[path] = expected;
        }
        // Pre-compressed: nginx sends the .gz as it is.
        const gz = await fetch(`${nginx.url}/api/v2/summary.json`, {
          headers: { 'Accept-Encoding': 'gzip' },
        });
        expect(gz.headers.get('content-encoding')).toBe('gzip');
        return last;
      };

      await expectMirrored();
      expect(
        (
          (await (await fetch(`${nginx.url}/api/v2/summary.json`)).json()) as {
            status: { indicator: string };
          }
        ).status.indicator,
      ).not.toBe('none');
      await instance.update(guid, {
        state: 2,
        messages: [{ title: 'Monitoring', content: 'A fix is out.' }],
      });
      await expectMirrored();
      await instance.update(guid, { state: 1, component_state: 0 });
      const final = await expectMirrored();
      const summary = JSON.parse(final['/api/v2/summary.json']!.toString()) as {
        status: { indicator: string };
      };
      expect(summary.status.indicator).toBe('none');

      // The statuspage.io client: the same answers from the mirror as from the app.
      served = await new Promise<ServerType>((resolve) => {
        const s = serve({ fetch: instance.built.app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
          resolve(s),
        );
      });
      const appUrl = `http://127.0.0.1:${(served.address() as { port: number }).port}`;
      const read = async (baseURL: string) => {
        const page = new Statuspage('example');
        (
          page as unknown as { apiClient: { defaults: { baseURL: string } } }
        ).apiClient.defaults.baseURL = baseURL;
        return {
          summary: await page.api.getSummary(),
          status: await page.api.getStatus(),
          components: await page.api.getComponents(),
          incidents: await page.api.incidents.getAll(),
          unresolved: await page.api.incidents.getUnresolved(),
          maintenances: await page.api.scheduledMaintenances.getAll(),
          upcoming: await page.api.scheduledMaintenances.getUpcoming(),
          active: await page.api.scheduledMaintenances.getActive(),
        };
      };
      const fromApp = await read(appUrl);
      expect(fromApp.incidents.incidents.map((i: { id: string }) => i.id).length).toBe(1);
      expect(await read(nginx.url)).toEqual(fromApp);
    } finally {
      await new Promise<void>((resolve) => (served ? served.close(() => resolve()) : resolve()));
      await instance.stop();
      client.destroy();
    }
    // Every Staunch part stopped: nginx keeps serving the last state.
    for (const path of ['/', '/api/v2/summary.json', '/rss.xml']) {
      const response = await fetch(`${nginx.url}${path}`);
      expect(response.status, path).toBe(200);
    }
    const last = (await (await fetch(`${nginx.url}/api/v2/summary.json`)).json()) as {
      status: { indicator: string };
    };
    expect(last.status.indicator).toBe('none');
  }, 120_000);
});

/** Reads the published files through `current` in a tight loop, on its own thread, until told to stop. */
const READER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const path = require('node:path');
let stop = false;
parentPort.on('message', () => { stop = true; });
const seen = new Map();
const problems = [];
let reads = 0;
const files = ['index.html', 'api/v2/summary.json', 'rss.xml', 'mirror.json'];
function loop() {
  for (let i = 0; i < 50; i++) {
    for (const file of files) {
      let body;
      try { body = fs.readFileSync(path.join(workerData.folder, 'current', file)); } catch (e) { if (e.code !== 'ENOENT') problems.push(file + ': ' + e.code); continue; }
      reads++;
      const text = body.toString();
      if (file.endsWith('.json')) { try { JSON.parse(text); } catch { problems.push(file + ': partial JSON (' + body.length + ' bytes)'); } }
      if (file.endsWith('.html') && !text.trimEnd().endsWith('</html>')) problems.push(file + ': partial page');
      if (file.endsWith('.xml') && !text.trimEnd().endsWith('>')) problems.push(file + ': partial feed');
      const hash = crypto.createHash('sha256').update(body).digest('hex');
      seen.set(file + ' ' + hash, true);
    }
  }
  if (stop) parentPort.postMessage({ reads, problems, seen: [...seen.keys()] });
  else setImmediate(loop);
}
loop();
`;

describe('mirror folder under a polling reader', () => {
  let instance: MirroredInstance;
  afterAll(async () => instance?.stop());

  it('a reader polling the folder during 200 publications never gets a partial or mixed file', async () => {
    const folder = join(work, 'polled');
    instance = await startMirroredInstance(`[{ to: "file://${folder}?fsync=false" }]`);
    const guid = await instance.createIncident('Flapping');
    await instance.mirrors.publishAll(instance.built);
    const worker = new Worker(READER, { eval: true, workerData: { folder } });
    const result = new Promise<{ reads: number; problems: string[]; seen: string[] }>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      },
    );
    const FILES = ['index.html', 'api/v2/summary.json', 'rss.xml', 'mirror.json'];
    const published = new Set<string>();
    const remember = () => {
      for (const file of FILES)
        published.add(
          `${file} ${createHash('sha256')
            .update(readFileSync(join(folder, 'current', file)))
            .digest('hex')}`,
        );
    };
    remember();
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      const response = await instance.built.app.request(
        `http://localhost/v1/incidents/${guid}/messages`,
        {
          method: 'POST',
          headers: { Authorization: AUTH.admin, 'Content-Type': 'application/json' },
          body: JSON.stringify({ title: `Update ${i}`, content: `Still flapping (${i}).` }),
        },
      );
      expect(response.status).toBe(201);
      instance.clock.now += 1000;
      const [outcome] = await instance.mirrors.publishAll(instance.built);
      expect(outcome!.published).toBe(true);
      remember();
    }
    const elapsed = performance.now() - started;
    worker.postMessage('stop');
    const { reads, problems, seen } = await result;
    await worker.terminate();
    console.log(
      `200 publications in ${(elapsed / 1000).toFixed(1)} s; the reader made ${reads} reads`,
    );
    expect(problems).toEqual([]);
    expect(reads).toBeGreaterThan(400);
    // Every file read is, byte for byte, the file of one publication.
    expect(published.size).toBe(201 * FILES.length);
    expect(seen.filter((s) => !published.has(s))).toEqual([]);
    expect(new Set(seen.map((s) => s.split(' ')[0])).size).toBe(4);
  }, 300_000);
});
