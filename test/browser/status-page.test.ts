/**
 * The status page and the admin UI in headless Chromium (Debian's, through playwright-core): the
 * app runs on 127.0.0.1 port 0 over memory targets, an admin reports an outage through the forms
 * and a visitor sees it appear, get an update and get resolved. Screenshots go to test-results/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  fixtureConfig,
  seedHistory,
  startFixtureServer,
  type Running,
} from '../support/status-fixture.ts';
import { launchChromium } from '../support/chromium.ts';

const SHOTS = 'test-results/browser';

describe('status page in Chromium', { timeout: 120_000 }, () => {
  let server: Running;
  let browser: Browser;
  const consoleErrors: string[] = [];

  /** A page that records console errors and failed requests, as a visitor's browser would show them. */
  async function open(context: BrowserContext, path: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${path}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`${path}: ${error.message}`));
    page.on('dialog', (dialog) => {
      consoleErrors.push(`${path}: unexpected dialog ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(`${server.url}${path}`);
    return page;
  }

  const noOverflow = (page: Page) =>
    page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));

  async function signInThroughForm(page: Page) {
    await page.goto(`${server.url}/admin/`);
    expect((await page.locator('h1').textContent())?.trim()).toBe('Sign in');
    await page.fill('#username', ADMIN.username);
    await page.fill('#password', ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${server.url}/admin/`);
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startFixtureServer(
      fixtureConfig({
        components: 8,
        groups: 3,
        extraYaml: `theme:\n  pre_status: "Welcome to the **Acme Cloud** status page."\n  persistent_display_name: known issues\n  footer: "Questions? [Contact support](mailto:support@example.com)."\n`,
      }),
    );
    await seedHistory(server.domain, {
      incidents: 60,
      open: 0,
      days: 90,
      now: server.clock.now,
      seed: 7,
      maintenance: false,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders the page at 1280 and 360 px without horizontal overflow or console errors', async () => {
    for (const [width, scheme] of [
      [1280, 'light'],
      [360, 'light'],
      [1280, 'dark'],
      [360, 'dark'],
    ] as const) {
      const context = await browser.newContext({
        viewport: { width, height: 900 },
        colorScheme: scheme,
      });
      for (const path of [
        '/',
        '/history',
        `/incidents/${server.domain.store.list('incident')[0]!.id}`,
        `/history?day=${new Date(server.clock.now - 86_400_000).toISOString().slice(0, 10)}`,
      ]) {
        const page = await open(context, path);
        const { scrollWidth, innerWidth } = await noOverflow(page);
        expect(scrollWidth, `${path} at ${width}px`).toBeLessThanOrEqual(innerWidth);
        if (path === '/')
          await page.screenshot({ path: `${SHOTS}/status-${width}-${scheme}.png`, fullPage: true });
        await page.close();
      }
      await context.close();
    }
    expect(consoleErrors).toEqual([]);
  });

  it('is usable with the keyboard: a skip link, visible focus, day bars with tooltips', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await open(context, '/');
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const rect = el.getBoundingClientRect();
      return { text: el.textContent, top: rect.top, outline: getComputedStyle(el).outlineStyle };
    });
    expect(skip.text).toBe('Skip to content');
    expect(skip.top).toBeGreaterThanOrEqual(0);
    expect(skip.outline).not.toBe('none');
    // Landmarks and headings for assistive technology.
    expect(await page.locator('header').count()).toBe(1);
    expect(await page.locator('main').count()).toBe(1);
    expect(await page.locator('footer').count()).toBe(1);
    expect(await page.locator('h1').count()).toBe(1);
    // A day with downtime is a link with a tooltip that shows on focus: its short label.
    const bad = page.locator('.bars a').first();
    await bad.focus();
    const tip = await bad.evaluate((el) => ({
      display: getComputedStyle(el, '::after').display,
      content: getComputedStyle(el, '::after').content,
      label: el.getAttribute('aria-label'),
      width: el.getBoundingClientRect().width,
    }));
    expect(tip.display).toBe('block');
    expect(tip.label).toMatch(
      /^\d{1,2} \w{3,4}: (degraded performance|partial outage|major outage)/,
    );
    expect(tip.content).toBe(JSON.stringify(tip.label));
    expect(tip.width).toBeGreaterThan(2);
    await page.screenshot({ path: `${SHOTS}/tooltip-1280.png` });
    // A day without downtime shows its date on hover: the script counts back from the row's end.
    const quiet = page.locator('.bars i:not(.un)').nth(20);
    await quiet.hover();
    const quietTip = await quiet.evaluate((el) => ({
      display: getComputedStyle(el, '::after').display,
      content: getComputedStyle(el, '::after').content,
      back: el.parentElement!.children.length - 1 - [...el.parentElement!.children].indexOf(el),
      end: el.closest('.uptime')!.getAttribute('data-end')!,
    }));
    expect(quietTip.display).toBe('block');
    const quietDate = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'UTC',
      day: 'numeric',
      month: 'short',
    }).format(Date.parse(`${quietTip.end}T12:00:00Z`) - quietTip.back * 86_400_000);
    expect(quietTip.content).toMatch(new RegExp(`^"${quietDate}: no downtime`));
    await page.screenshot({ path: `${SHOTS}/tooltip-quiet-1280.png` });
    // Enter on the focused bar opens that day's page: each component's minutes, the incidents.
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/history\?day=\d{4}-\d\d-\d\d$/);
    expect(await page.locator('h1').textContent()).toMatch(/^\w{3} \d{1,2} \w{3,4} \d{4}$/);
    expect(await page.locator('table tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('table tbody').textContent()).toMatch(/\d+ (min|h)/);
    await page.goBack();
    // Status is in words, not only in colour.
    expect(await page.locator('.component .state').first().textContent()).toMatch(
      /Operational|Outage|Degraded|Maintenance/,
    );
    await context.close();
    expect(consoleErrors).toEqual([]);
  });

  it('shows the bars and leads to a day without JavaScript, with one id per element', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    const page = await open(context, '/');
    const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
    const rows = page.locator('.bars');
    expect(await rows.count()).toBe(8);
    const row = await rows.first().evaluate((el) => ({
      cells: el.children.length,
      width: el.getBoundingClientRect().width,
      height: el.getBoundingClientRect().height,
    }));
    expect(row).toMatchObject({ cells: 90 });
    expect(row.width).toBeGreaterThan(300);
    expect(row.height).toBeGreaterThan(20);
    // Without the script a good day's tooltip still says which day: "12 days ago", from a counter.
    const quiet = page.locator('.bars i:not(.un)').nth(20);
    await quiet.hover();
    expect(await quiet.evaluate((el) => getComputedStyle(el, '::after').content)).toMatch(
      /days ago|Yesterday|Today/,
    );
    // Each row says in words what its 90 cells add up to.
    expect(await page.locator('.uptime .visually-hidden').first().textContent()).toMatch(
      /uptime over the last \d+ days/,
    );
    const link = page.locator('.bars a').first();
    const href = await link.getAttribute('href');
    await link.click();
    await page.waitForURL(`${server.url}${href}`);
    expect(await page.locator('table tbody tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/day-1280.png`, fullPage: true });
    await page.click('text=The whole month');
    await page.waitForURL(/\/history\?month=\d{4}-\d\d#day-/);
    await context.close();
    expect(consoleErrors).toEqual([]);
  });

  it('lets an admin report an outage that a visitor sees appear, get an update, and get resolved', async () => {
    const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const visitor = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const adminPage = await admin.newPage();
    await signInThroughForm(adminPage);
    await adminPage.screenshot({ path: `${SHOTS}/admin-incidents-1280.png`, fullPage: true });

    const visitorPage = await open(visitor, '/');
    expect((await visitorPage.locator('#overall-status').textContent())?.trim()).toBe(
      'All Systems Operational',
    );

    // Report through the form, with a server-side preview first.
    await adminPage.click('text=Report an incident');
    await adminPage.fill('#title', 'Checkout is failing');
    await adminPage.fill('#message', 'We are investigating **failed payments**.');
    await adminPage.check('input[name=components] >> nth=1');
    await adminPage.check('input[name=impact][value="4"]');
    await adminPage.click('button[value=preview]');
    expect((await adminPage.locator('.preview strong').textContent())?.trim()).toBe(
      'failed payments',
    );
    expect(await adminPage.locator('#title').inputValue()).toBe('Checkout is failing');
    await adminPage.screenshot({ path: `${SHOTS}/admin-preview-1280.png`, fullPage: true });
    await adminPage.click('button[value=save]');
    await adminPage.waitForURL(/\/admin\/incidents\/[0-9a-f-]+\?done=created$/);

    await visitorPage.reload();
    expect((await visitorPage.locator('#overall-status').textContent())?.trim()).toBe(
      'Major Service Outage',
    );
    expect((await visitorPage.locator('#open-title').textContent())?.trim()).toBe(
      'Active incidents',
    );
    expect((await visitorPage.locator('.incident h3').first().textContent())?.trim()).toBe(
      'Checkout is failing',
    );
    await visitorPage.screenshot({ path: `${SHOTS}/visitor-outage-360.png`, fullPage: true });
    expect((await noOverflow(visitorPage)).scrollWidth).toBeLessThanOrEqual(360);

    // An update.
    await adminPage.fill(
      '#update-message',
      'The cause is a **certificate** that expired; renewing it now.',
    );
    await adminPage.selectOption('#update-state', '3');
    await adminPage.click('form[action$="/updates"] button[value=save]');
    await adminPage.waitForURL(/done=posted$/);
    await visitorPage.reload();
    const timeline = visitorPage
      .locator('.incident', { hasText: 'Checkout is failing' })
      .locator('.updates li');
    expect(await timeline.count()).toBe(2);
    expect(await timeline.first().textContent()).toContain('Identified');
    expect(await timeline.first().textContent()).toContain('certificate');

    // Resolved.
    await adminPage.click('text=Resolve incident');
    await adminPage.waitForURL(/done=resolved$/);
    await visitorPage.reload();
    expect((await visitorPage.locator('#overall-status').textContent())?.trim()).toBe(
      'All Systems Operational',
    );
    expect(await visitorPage.locator('#open-title').count()).toBe(0);
    const past = visitorPage.locator('.day-incidents li', { hasText: 'Checkout is failing' });
    expect(await past.textContent()).toContain('Resolved');
    await visitorPage.screenshot({ path: `${SHOTS}/visitor-resolved-360.png`, fullPage: true });

    await admin.close();
    await visitor.close();
    expect(consoleErrors).toEqual([]);
  });

  it('rejects admin form posts without or with a wrong CSRF token', async () => {
    const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await admin.newPage();
    await signInThroughForm(page);
    const before = server.domain.store.list('incident').length;
    const fields = {
      mode: 'incident',
      title: 'Forged',
      message: '',
      components: server.domain.settings.components[0]!.id,
      impact: '4',
      state: '0',
      intent: 'save',
    };
    // Same browser, same session cookie, no token.
    const missing = await page.request.post(`${server.url}/admin/incidents/new`, {
      form: fields,
      headers: { Origin: server.url },
      maxRedirects: 0,
    });
    expect(missing.status()).toBe(403);
    const wrong = await page.request.post(`${server.url}/admin/incidents/new`, {
      form: { ...fields, _csrf: 'not-the-token' },
      headers: { Origin: server.url },
      maxRedirects: 0,
    });
    expect(wrong.status()).toBe(403);
    // A real form whose hidden token was tampered with in the page.
    await page.goto(`${server.url}/admin/incidents/new`);
    await page.fill('#title', 'Tampered');
    await page.check('input[name=components] >> nth=0');
    await page.evaluate(() =>
      document
        .querySelectorAll<HTMLInputElement>('input[name=_csrf]')
        .forEach((input) => (input.value = 'tampered')),
    );
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith('/admin/incidents/new') && r.request().method() === 'POST',
      ),
      page.click('button[value=save]'),
    ]);
    expect(response.status()).toBe(403);
    expect((await page.locator('h1').textContent())?.trim()).toBe('Forbidden');
    expect(server.domain.store.list('incident').length).toBe(before);
    // The admin pages are laid out for small screens too.
    await page.setViewportSize({ width: 360, height: 800 });
    for (const path of [
      '/admin/',
      '/admin/incidents/new?mode=maintenance',
      '/admin/storage',
      '/admin/subscribers',
    ]) {
      await page.goto(`${server.url}${path}`);
      expect((await noOverflow(page)).scrollWidth, path).toBeLessThanOrEqual(360);
    }
    await page.goto(`${server.url}/admin/incidents/new?mode=maintenance`);
    await page.screenshot({ path: `${SHOTS}/admin-maintenance-360.png`, fullPage: true });
    await admin.close();
  });

  it('shows times in the visitor’s own zone after one reload, without a loop, keeping the query', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: 'Asia/Kolkata',
    });
    const page = await context.newPage();
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    await page.goto(`${server.url}/history?type=incidents`);
    // Chromium's ICU may call it Asia/Calcutta: the page uses the current IANA name either way.
    expect(['Asia/Kolkata', 'Asia/Calcutta']).toContain(
      await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
    );
    const zone = 'Asia/Kolkata';
    await page.waitForFunction(
      (z) => document.documentElement.dataset.tz === z && !location.search.includes('timezone'),
      zone,
    );
    await page.waitForLoadState('load');
    expect(await page.evaluate(() => location.search)).toBe('?type=incidents');
    expect(await page.textContent('footer')).toContain(zone);
    expect(await page.textContent('main')).toMatch(/GMT\+5:30|IST/);
    await page.goto(`${server.url}/`);
    expect(await page.evaluate(() => document.documentElement.dataset.tz)).toBe(zone);
    await page.waitForTimeout(300);
    // The first page, its one reload with ?timezone=, the URL tidied by replaceState, then the next page: no loop.
    expect(navigations.filter((u) => u.includes('timezone=')).length).toBe(1);
    expect(navigations.length).toBeLessThanOrEqual(4);
    await context.close();
  });
});
