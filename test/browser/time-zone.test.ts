/**
 * One time zone per visitor for the whole site, in headless Chromium: detected once by the page
 * script, remembered in one cookie (path `/`) by the public pages and the admin UI alike, chosen
 * by hand on `/timezone` (which never sends a fresh browser away), and all of it without JS too.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  fixtureConfig,
  startFixtureServer,
  type Running,
} from '../support/status-fixture.ts';
import { launchChromium } from '../support/chromium.ts';

// The browser's zone, as Chromium spells it (its ICU still says Asia/Calcutta), and the site's default.
const BROWSER_ZONE = 'Asia/Kolkata';
const SITE_ZONE = 'America/New_York';

describe('visitor time zone in Chromium', { timeout: 120_000 }, () => {
  let server: Running;
  let browser: Browser;

  /** Main-frame navigations of a page, to count reloads and redirects. */
  function track(page: Page): string[] {
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame())
        navigations.push(new URL(frame.url()).pathname + new URL(frame.url()).search);
    });
    return navigations;
  }

  const footerZone = async (page: Page) =>
    /Times are shown in (\S+)/.exec((await page.textContent('footer')) ?? '')?.[1];
  const adminZone = async (page: Page) =>
    /Times in (\S+)/.exec((await page.locator('main .help').last().textContent()) ?? '')?.[1];
  const zoneCookies = async (context: BrowserContext) =>
    (await context.cookies()).filter((c) => c.name === 'staunch_tz').map((c) => c.path);

  async function signIn(page: Page) {
    await page.goto(`${server.url}/admin/`);
    await page.fill('#username', ADMIN.username);
    await page.fill('#password', ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/admin\/(\?|$)/);
  }

  beforeAll(async () => {
    server = await startFixtureServer(fixtureConfig({ timeZone: SITE_ZONE }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens /timezone in a fresh browser without bouncing, preselects the browser’s zone by its current name, and remembers the choice', async () => {
    const context = await browser.newContext({ timezoneId: BROWSER_ZONE });
    const page = await context.newPage();
    const navigations = track(page);
    await page.goto(`${server.url}/timezone?return=%2Fhistory`);
    // Give the script every chance to navigate away.
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    expect(navigations).toEqual(['/timezone?return=%2Fhistory']);
    const options = await page
      .locator('#tz-select option')
      .evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
    expect(options).toContain('Asia/Kolkata');
    expect(options).not.toContain('Asia/Calcutta');
    expect(await page.locator('#tz-select').inputValue()).toBe('Asia/Kolkata');
    await page.click('form[action="/timezone"] button[type=submit]');
    await page.waitForURL(`${server.url}/history`);
    expect(await footerZone(page)).toBe('Asia/Kolkata');
    expect(await zoneCookies(context)).toEqual(['/']);
    await context.close();
  });

  it('keeps the detected zone across the admin UI and the public pages', async () => {
    const context = await browser.newContext({ timezoneId: BROWSER_ZONE });
    const page = await context.newPage();
    const navigations = track(page);
    await signIn(page);
    await page.waitForURL(`${server.url}/admin/`);
    expect(await adminZone(page)).toBe('Asia/Kolkata');
    for (const path of ['/admin/maintenance', '/admin/known-issues', '/admin/']) {
      await page.goto(`${server.url}${path}`);
      expect(await adminZone(page), path).toBe('Asia/Kolkata');
    }
    await page.goto(`${server.url}/`);
    await page.waitForLoadState('networkidle');
    expect(await footerZone(page)).toBe('Asia/Kolkata');
    expect(page.url()).toBe(`${server.url}/`);
    // Detected once, on the first admin page; never again.
    expect(navigations.filter((n) => n.includes('timezone=')).length).toBe(1);
    expect(await zoneCookies(context)).toEqual(['/']);
    await context.close();
  });

  it('detects the zone on a public page first, and the admin UI uses it', async () => {
    const context = await browser.newContext({ timezoneId: BROWSER_ZONE });
    const page = await context.newPage();
    await page.goto(`${server.url}/history`);
    await page.waitForFunction(
      () =>
        document.documentElement.dataset.tzChosen === '1' && !location.search.includes('timezone'),
    );
    expect(await footerZone(page)).toBe('Asia/Kolkata');
    await signIn(page);
    expect(await adminZone(page)).toBe('Asia/Kolkata');
    await context.close();
  });

  it('works without JavaScript: the default zone until the visitor picks one on /timezone, then everywhere', async () => {
    const context = await browser.newContext({
      timezoneId: BROWSER_ZONE,
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    expect(await footerZone(page)).toBe(SITE_ZONE);
    await page.click('footer >> text=Change time zone');
    await page.selectOption('#tz-select', 'Asia/Kolkata');
    await page.click('form[action="/timezone"] button[type=submit]');
    await page.waitForURL(`${server.url}/`);
    expect(await footerZone(page)).toBe('Asia/Kolkata');
    await signIn(page);
    expect(await adminZone(page)).toBe('Asia/Kolkata');
    await context.close();
  });
});
