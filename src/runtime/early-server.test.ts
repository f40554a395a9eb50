import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  configArgument,
  earlyStart,
  savedEncoding,
  snapshotPathOf,
  type EarlyStart,
} from './early-server.ts';
import {
  configFingerprint,
  snapshotStamp,
  startFilePath,
  writeStartFile,
  type StartFile,
} from './start-file.ts';

const NOW = Date.UTC(2026, 11, 2, 4, 0);
const PAGE = '<!DOCTYPE html><p>Showing the last known state, as of 2 Dec 2026, 04:00 UTC.</p>';
const started: EarlyStart[] = [];
const others: Server[] = [];

afterEach(() => {
  for (const early of started.splice(0)) early.server?.close();
  for (const server of others.splice(0)) server.close();
});

/** A config folder with a snapshot and a start file for it; the port is a free one. */
async function folder(overrides: Partial<StartFile> = {}, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'staunch-early-'));
  const config = join(dir, 'config.yml');
  const text = 'listen: 127.0.0.1:8080\nsnapshot: ./data/snap.json\n';
  writeFileSync(config, text);
  mkdirSync(join(dir, 'data'));
  const snapshot = join(dir, 'data/snap.json');
  writeFileSync(snapshot, '{}');
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const body = Buffer.from(PAGE);
  await writeStartFile(startFilePath(snapshot), {
    format: 1,
    fingerprint: configFingerprint(text, env),
    listen: { host: '127.0.0.1', port },
    asOf: new Date(NOW).toISOString(),
    servableUntil: NOW + 86_400_000,
    snapshot: await snapshotStamp(snapshot),
    answers: [
      {
        path: '/',
        headers: { 'Content-Type': 'text/html; charset=UTF-8', 'Cache-Control': 'no-store' },
        identity: body.toString('base64'),
        gzip: gzipSync(body).toString('base64'),
        br: brotliCompressSync(body).toString('base64'),
      },
    ],
    ...overrides,
  });
  return { config, snapshot, url: `http://127.0.0.1:${port}` };
}

async function start(config: string, env: NodeJS.ProcessEnv = {}, now = NOW) {
  const early = await earlyStart(config, env, () => now);
  started.push(early);
  return early;
}

describe('the early server', () => {
  it('answers / from the start file at once, in the encoding asked, and HEAD without a body', async () => {
    const { config, url } = await folder();
    const early = await start(config);
    expect(early.server).toBeDefined();
    const plain = await fetch(`${url}/`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('no-store');
    expect(await plain.text()).toBe(PAGE);
    const br = await fetch(`${url}/`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(await br.text()).toBe(PAGE);
    const head = await fetch(`${url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(early.served).toBe(3);
  });

  it('holds every other request (another path, a query, a cookie) until the app takes over, then the app answers them all', async () => {
    const { config, url } = await folder();
    const early = await start(config);
    const app = createServer((request, response) => response.end(`app ${request.url}`));
    others.push(app);
    const waiting = [
      fetch(`${url}/history`).then((r) => r.text()),
      fetch(`${url}/?timezone=UTC`).then((r) => r.text()),
      fetch(`${url}/`, { headers: { cookie: 'tz=x' } }).then((r) => r.text()),
    ];
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(early.served).toBe(0);
    early.handOver(app);
    expect(await Promise.all(waiting)).toEqual(['app /history', 'app /?timezone=UTC', 'app /']);
    // A connection opened before the handover is the app's too from now on.
    expect(await fetch(`${url}/`).then((r) => r.text())).toBe('app /');
  });

  it('lets the app listen on its socket (listen(handle)), so no connection is refused between the two', async () => {
    const { config, url } = await folder();
    const early = await start(config);
    const app = createServer((request, response) => response.end('app'));
    others.push(app);
    await new Promise<void>((resolve) => app.listen(early.server, resolve));
    early.handOver(app);
    expect(await fetch(`${url}/`, { headers: { connection: 'close' } }).then((r) => r.text())).toBe(
      'app',
    );
  });

  it('does not listen for another config, another PORT, a replaced snapshot or a start file past its time', async () => {
    const changedPort = await folder();
    expect((await start(changedPort.config, { PORT: '9999' })).server).toBeUndefined();

    const changedText = await folder();
    writeFileSync(changedText.config, 'listen: 127.0.0.1:8081\nsnapshot: ./data/snap.json\n');
    expect((await start(changedText.config)).server).toBeUndefined();

    const replaced = await folder();
    utimesSync(replaced.snapshot, new Date(NOW), new Date(NOW + 1000));
    expect((await start(replaced.config)).server).toBeUndefined();

    const expired = await folder({ servableUntil: NOW });
    expect((await start(expired.config)).server).toBeUndefined();

    const variables = await folder({}, { SECRET: 'a' });
    expect((await start(variables.config, { SECRET: 'b' })).server).toBeDefined();
  });

  it('reads the config references that change the parse into its fingerprint', () => {
    const text = 'password: ${SECRET}\n';
    expect(configFingerprint(text, { SECRET: 'a' })).not.toBe(
      configFingerprint(text, { SECRET: 'b' }),
    );
    expect(configFingerprint(text, { OTHER: 'a' })).toBe(configFingerprint(text, { OTHER: 'b' }));
    expect(configFingerprint(text, { PORT: '1' })).not.toBe(configFingerprint(text, {}));
  });
});

describe('reading what the early start needs without the full parse', () => {
  it('takes a plain top-level snapshot path, the default when absent, and nothing it cannot read plainly', () => {
    expect(snapshotPathOf('snapshot: ./x/s.json\n', '/c')).toBe('/c/x/s.json');
    expect(snapshotPathOf("snapshot: '/abs/s.json' # kept\n", '/c')).toBe('/abs/s.json');
    expect(snapshotPathOf('listen: 1.2.3.4:80\n', '/c')).toBe('/c/data/view-snapshot.json');
    expect(snapshotPathOf('snapshot: false\n', '/c')).toBeUndefined();
    expect(snapshotPathOf('snapshot: ${SNAP}\n', '/c')).toBeUndefined();
    expect(snapshotPathOf('snapshot: |\n  x\n', '/c')).toBeUndefined();
  });

  it('reads -c as commander does, and gives up on any other argument', () => {
    expect(configArgument([])).toEqual({ path: undefined });
    expect(configArgument(['-c', 'a.yml'])).toEqual({ path: 'a.yml' });
    expect(configArgument(['--config', 'a.yml'])).toEqual({ path: 'a.yml' });
    expect(configArgument(['--config=a.yml'])).toEqual({ path: 'a.yml' });
    expect(configArgument(['--help'])).toBeNull();
    expect(configArgument(['-c', 'a.yml', '--other'])).toBeNull();
  });

  it('prefers br, then gzip, and honours q=0', () => {
    expect(savedEncoding('gzip, deflate, br')).toBe('br');
    expect(savedEncoding('gzip;q=1, br;q=0')).toBe('gzip');
    expect(savedEncoding('deflate')).toBeUndefined();
    expect(savedEncoding(undefined)).toBeUndefined();
  });
});
