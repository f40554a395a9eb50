/**
 * A subscriber's whole path in headless Chromium, against `staunch serve`'s own server (in this
 * process) with an `email` channel pointing at a real SMTP server started here: subscribe on the
 * page to one component, open the confirmation link from the received mail and confirm, receive
 * an incident mail for that component and none for another, unsubscribe with the mail's RFC 8058
 * one-click POST, and receive nothing more. Every mail is read back with mailparser.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse.ts';
import { silentLogger } from '../../src/logger.ts';
import { startNodeServer, type RunningServer } from '../../src/runtime/node.ts';
import { launchChromium } from '../support/chromium.ts';
import { startSmtpSink, type SmtpSink, type SunkMessage } from '../support/smtp-sink.ts';
import { eventually } from '../support/staunch-process.ts';

const SHOTS = 'test-results/browser';
const ADDRESS = 'ann@example.com';
const BASIC = `Basic ${btoa('admin:browser-flow-password')}`;

/** A port that was free a moment ago: the links in the mails must name the server's real address. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A header as it was sent (mailparser folds the List-* headers into one structure). */
function header(message: SunkMessage, name: string): string | undefined {
  const head = message.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

describe('a subscriber in Chromium, with real mail', { timeout: 120_000 }, () => {
  let sink: SmtpSink;
  let server: RunningServer;
  let browser: Browser;
  let base: string;

  const mailsTo = (address: string) => sink.messages.filter((m) => m.to.includes(address));
  const parsed = (message: SunkMessage): Promise<ParsedMail> => simpleParser(message.raw);
  /** Every outbox entry delivered or given up: nothing more is on its way. */
  const outboxSettled = () =>
    eventually(async () => {
      const entries = server.replicator.list('outbox');
      return entries.length > 0 &&
        entries.every((r) => (r.body as { state?: string }).state !== 'pending')
        ? entries.length
        : undefined;
    });
  const openIncident = async (title: string, component: string) => {
    const response = await fetch(`${base}/api/v1/incidents`, {
      method: 'POST',
      headers: { Authorization: BASIC, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        title,
        components: [component],
        content: `${title}: looking into it`,
      }),
    });
    expect(response.status).toBe(201);
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sink = await startSmtpSink();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = parseConfig(`
listen: 127.0.0.1:${port}
username: admin
password: browser-flow-password
cookie_key: browser-flow-cookie-key-0123456789
base_info: { title: Acme Cloud, base_url: "${base}", time_zone: UTC }
components:
  - { name: API, group: Public }
  - { name: Website, group: Public }
  - { name: Database, group: Internal }
targets:
  - memory://subscriber-flow-${process.pid}-${Date.now()}
snapshot: false
outbox: { poll_interval: 200ms, retry_base: 200ms }
notifiers:
  - type: email
    params:
      host: 127.0.0.1
      port: ${sink.port}
      from: status@example.test
`);
    server = await startNodeServer(config, { logger: silentLogger });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await sink?.close();
  });

  it('subscribes to one component, confirms from the mail, gets only its incidents, and unsubscribes in one click', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // Subscribe on the page to "API" only, with the browser's own form (no script on the page).
    await page.goto(`${base}/`);
    await page.click('#subscribe summary');
    await page.fill('#subscribe-email', ADDRESS);
    await page.getByLabel('API', { exact: true }).check();
    await page.locator('#subscribe').screenshot({ path: `${SHOTS}/subscribe-panel.png` });
    await page.click('#subscribe button[type=submit]');
    expect((await page.locator('h1').textContent())?.trim()).toBe('Check your inbox');

    const [confirmation] = await sink.waitFor(1, 10_000);
    const confirmMail = await parsed(confirmation!);
    expect(confirmMail.subject).toBe('Confirm your subscription to Acme Cloud status');
    expect(confirmation!.to).toEqual([ADDRESS]);
    expect(confirmMail.text).toContain('about Public - API');
    const link = /https?:\/\/\S+\/subscription\/confirm\?\S+/.exec(confirmMail.text ?? '')![0];
    expect(confirmMail.html).toContain('Confirm the subscription');
    // Even the confirmation carries the one-click unsubscribe (it cancels the sign-up).
    expect(header(confirmation!, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    // Opening the link only asks; the button confirms.
    await page.goto(link);
    expect((await page.locator('h1').textContent())?.trim()).toBe('Confirm your subscription');
    await page.screenshot({ path: `${SHOTS}/subscriber-confirm.png` });
    await page.click('button[type=submit]');
    expect((await page.locator('h1').textContent())?.trim()).toBe('Subscribed');

    // An incident on API reaches the subscriber; one on Database does not.
    await openIncident('Database failover', 'Internal - Database');
    await openIncident('API errors', 'Public - API');
    await eventually(async () => (mailsTo(ADDRESS).length >= 2 ? true : undefined));
    await outboxSettled();
    const received = await Promise.all(mailsTo(ADDRESS).map(parsed));
    expect(received.map((m) => m.subject)).toHaveLength(2);
    const incidentMail = mailsTo(ADDRESS)[1]!;
    const incident = received[1]!;
    expect(incident.subject).toContain('API errors');
    expect(received.some((m) => (m.subject ?? '').includes('Database'))).toBe(false);
    expect(incident.text).toContain('API errors: looking into it');

    // RFC 8058: an https-or-http link and the one-click POST header on the incident mail.
    const listUnsubscribe = header(incidentMail, 'list-unsubscribe')!;
    expect(header(incidentMail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const unsubscribeUrl = /^<([^>]+)>/.exec(listUnsubscribe)![1]!;
    expect(unsubscribeUrl).toMatch(new RegExp(`^${base}/subscription/unsubscribe\\?id=`));

    // A scanner or a person opening the link unsubscribes nobody.
    await page.goto(unsubscribeUrl);
    expect((await page.locator('h1').textContent())?.trim()).toBe('Unsubscribe');
    const listed = async () =>
      (
        (await (
          await fetch(`${base}/api/v1/subscribers`, { headers: { Authorization: BASIC } })
        ).json()) as { email: string; state: string }[]
      ).map((s) => `${s.email}:${s.state}`);
    expect(await listed()).toEqual([`${ADDRESS}:confirmed`]);

    // The mail client's one-click POST: the URL and that body, nothing else.
    const oneClick = await fetch(unsubscribeUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await listed()).toEqual([]);

    // Nothing more arrives.
    const before = mailsTo(ADDRESS).length;
    await openIncident('API errors again', 'Public - API');
    await outboxSettled();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsTo(ADDRESS)).toHaveLength(before);
    expect(errors).toEqual([]);
  });
});
