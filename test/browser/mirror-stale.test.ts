/**
 * A mirrored page in headless Chromium: it says when it was generated, and once the copy is older
 * than `stale_after` its script adds an "As of <time>" notice at the top; a fresh copy has none.
 */
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { startMirroredInstance, type MirroredInstance } from '../support/mirror-fixture.ts';

/** The folder's `current` served as plainly as any static server would. */
function serveFolder(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url!, 'http://x').pathname);
    const candidates = [path, `${path}.html`, join(path, 'index.html')].map((p) =>
      join(root, 'current', p),
    );
    const file = candidates.find((c) => existsSync(c) && statSync(c).isFile());
    if (!file) return void response.writeHead(404).end();
    const type = file.endsWith('.html')
      ? 'text/html; charset=utf-8'
      : file.endsWith('.css')
        ? 'text/css'
        : 'text/javascript';
    response.writeHead(200, { 'Content-Type': type });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }),
    ),
  );
}

describe('mirrored page in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  let instance: MirroredInstance;
  let folder: string;
  let site: { server: Server; url: string };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'staunch-mirror-browser-'));
    instance = await startMirroredInstance(
      `[{ to: "file://${folder}?fsync=false", stale_after: 10m }]`,
    );
    await instance.createIncident('Payments delayed');
    site = await serveFolder(folder);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.server.close(resolve));
    await instance?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const open = async () => {
    const context = await browser.newContext({ timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    await page.goto(`${site.url}/`);
    await page.waitForLoadState('load');
    return { page, close: () => context.close() };
  };

  it('a copy older than stale_after says "As of"; a fresh one only says when it was generated', async () => {
    // Rendered at the fixture's clock, days before the browser's: stale.
    await instance.mirrors.publishAll(instance.built);
    const stale = await open();
    await expect.poll(() => stale.page.locator('.mirror-stale').count()).toBe(1);
    expect(await stale.page.locator('.mirror-stale').textContent()).toMatch(
      /^As of .+\. This copy/,
    );
    expect(await stale.page.locator('#staunch-mirror').textContent()).toMatch(
      /^This copy was generated \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\.$/,
    );
    await stale.close();

    instance.clock.now = Date.now();
    await instance.mirrors.publishAll(instance.built);
    const fresh = await open();
    await fresh.page.waitForFunction(() => document.readyState === 'complete');
    expect(await fresh.page.locator('#staunch-mirror').count()).toBe(1);
    expect(await fresh.page.locator('.mirror-stale').count()).toBe(0);
    await fresh.close();
  });
});
